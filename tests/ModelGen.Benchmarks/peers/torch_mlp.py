#!/usr/bin/python3
"""Peer timings for docs/benchmarks.md: PyTorch 1.13 (Debian's python3-torch) on the benchmark MLP
784-256(BN, ReLU)-128(BN, ReLU)-10, softmax + cross-entropy, SGD momentum 0.9.

    /usr/bin/python3 tests/ModelGen.Benchmarks/peers/torch_mlp.py

Measures one training step at batch 64 (forward, loss, backward, optimizer step), eval-mode inference of one
sample and of 256 rows, with torch.set_num_threads(1) and (2). (Debian's build defaults to 1 thread here.) Prints the median of
7 repetitions of a timed loop, after warm-up."""
import statistics
import time

import torch
from torch import nn


def model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 10))


def timed(fn, iterations):
    for _ in range(max(3, iterations // 10)):
        fn()
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        samples.append((time.perf_counter() - start) / iterations)
    return statistics.median(samples)


def main():
    x64, y64 = torch.rand(64, 784), torch.randint(0, 10, (64,))
    x256, x1 = torch.rand(256, 784), torch.rand(1, 784)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        net = model()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(net(x64), y64).backward()
            opt.step()

        net.train()
        t_step = timed(step, 200)
        net.eval()
        with torch.no_grad():
            t1 = timed(lambda: torch.softmax(net(x1), 1), 2000)
            t256 = timed(lambda: torch.softmax(net(x256), 1), 200)
        print(f"torch {torch.__version__}, {threads} thread(s): TrainStep64 {t_step * 1e6:.1f} us ({64 / t_step:,.0f} samples/s); "
              f"Predict {t1 * 1e6:.2f} us; PredictBatch256 {t256 * 1e6:.1f} us ({256 / t256:,.0f} samples/s)")


if __name__ == "__main__":
    main()
