#!/usr/bin/python3
"""PyTorch 1.13 peer of samples/FashionMnist for docs/benchmarks.md: the same two networks (the MLP
784-256(BN, ReLU, dropout 0.2)-128(BN, ReLU, dropout 0.2)-10 and the CNN conv 32 -> BN -> ReLU -> max pool -> dropout
0.25 -> conv 64 -> BN -> ReLU -> max pool -> dropout 0.25 -> 128 (BN, ReLU, dropout 0.5) -> 10), softmax cross-entropy, Adam 1e-3, batch 64, shuffled each
epoch, trained on the 60,000 Fashion-MNIST training images read from the IDX files and evaluated on the 10,000 test
images after every epoch.

    /usr/bin/python3 tests/ModelGen.Benchmarks/peers/torch_fashion.py --model cnn --epochs 1 --threads 2 [--data DIR]

Prints, per epoch, the wall time of the training loop alone (as the sample measures it) and the test accuracy."""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(folder, name):
    for candidate in (name + ".gz", name):
        if os.path.exists(os.path.join(folder, candidate)):
            return os.path.join(folder, candidate)
    raise SystemExit(f"{name}(.gz) is not in {folder}: apt-get install dataset-fashion-mnist, or pass --data DIR")


def networks(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
                             nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                         nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--model", choices=("mlp", "cnn"), default="cnn")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(find(args.data, "train-images-idx3-ubyte")).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(idx(find(args.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(idx(find(args.data, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    yt = idx(find(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    net = networks(args.model)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    print(f"PyTorch {torch.__version__}, {args.threads} threads, {args.model}, batch {args.batch}, "
          f"{sum(p.numel() for p in net.parameters())} parameters", flush=True)
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for i in range(0, len(x) - 1, args.batch):
            rows = order[i:i + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(net(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        net.eval()
        with torch.no_grad():
            accuracy = (net(xt).argmax(1).numpy() == yt).mean()
        print(f"epoch {epoch}: {seconds:.1f} s, {len(x) / seconds:.0f} samples/s, test accuracy {accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
