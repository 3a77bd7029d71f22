#!/bin/sh
# One benchmark session for docs/benchmarks.md: ModelGen's samples/FashionMnist and the PyTorch peer on the same
# Fashion-MNIST networks, run back to back (never at the same time) on the same machine, 2 epochs each.
# Needs the data (apt-get install dataset-fashion-mnist) and, for the peer, Debian's python3-torch.
#
#   sh tests/ModelGen.Benchmarks/peers/fashion_session.sh 2>&1 | tee /tmp/fashion-session.log
set -e
cd "$(dirname "$0")/../../.."
date -u
dotnet build -c Release samples/FashionMnist > /dev/null
for model in cnn mlp; do
    echo "== ModelGen $model"
    dotnet samples/FashionMnist/bin/Release/net10.0/FashionMnist.dll --model $model --epochs 2 --out /tmp/fashion-session | grep -E "epoch +[0-9]+:|threads"
    for threads in 2 1; do
        echo "== PyTorch $model, $threads threads"
        /usr/bin/python3 tests/ModelGen.Benchmarks/peers/torch_fashion.py --model $model --epochs 2 --threads $threads
    done
done
date -u
