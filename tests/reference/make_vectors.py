#!/usr/bin/python3
"""Builds ModelGen's test networks in PyTorch and writes reference vectors.

Run with Debian's PyTorch (see README.md here):  /usr/bin/python3 tests/reference/make_vectors.py

For each network it writes, under vectors/:
  <name>.init.safetensors     the initial state_dict, laid out as safetensors.torch.save_file writes it
                              (ModelGen must load it with LoadWeights as it is);
  <name>.vectors.safetensors  inputs, targets, training-mode outputs, loss and gradients at the initial weights,
                              the state_dict after each of 3 optimizer steps, and eval-mode outputs after them.
The safetensors layout is written here by hand (the Python safetensors package is not in Debian 12): an 8-byte
little-endian header length, a JSON header with __metadata__ first and tensors sorted by dtype alignment then name,
padded with spaces to 8 bytes, then the raw little-endian data.
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vectors")
MASK = 0xFFFFFFFFFFFFFFFF


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def modelgen_hash(seed, step, row, layer, unit):
    """ModelGen.DeterministicRandom.Hash: the dropout mask stream, reimplemented bit for bit."""
    z = ((seed & MASK) * 0x9E3779B97F4A7C15) & MASK
    z = mix((z + (step & MASK) * 0xBF58476D1CE4E5B9) & MASK)
    z = mix((z + ((row & 0xFFFFFFFF) << 32) + (layer & 0xFFFFFFFF)) & MASK)
    z = mix((z + (unit & 0xFFFFFFFF)) & MASK)
    return (z >> 40) * (1.0 / (1 << 24))


class HashDropout(nn.Module):
    """Inverted dropout whose mask is ModelGen's: zero where hash(seed, iteration, row, layer, j) < rate."""

    def __init__(self, rate, layer_index, seed):
        super().__init__()
        self.rate, self.layer_index, self.seed, self.iteration = rate, layer_index, seed, 0

    def forward(self, x):
        if not self.training:
            return x
        rows, features = x.shape
        keep = np.float32(1.0 / (1.0 - self.rate))
        rate = np.float32(self.rate)
        mask = np.array([[0.0 if np.float32(modelgen_hash(self.seed, self.iteration, r, self.layer_index, j)) < rate else keep
                          for j in range(features)] for r in range(rows)], dtype=np.float32)
        return x * torch.from_numpy(mask)


def write_safetensors(path, tensors, metadata=None):
    dtypes = {np.dtype(np.float32): ("F32", 4), np.dtype(np.int64): ("I64", 8)}
    order = sorted(tensors, key=lambda k: (-dtypes[tensors[k].dtype][1], k))
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name in order:
        array = np.array(tensors[name], order="C")  # keeps 0-d tensors 0-d (ascontiguousarray would make them [1])
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[array.dtype][0], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def state(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def run(name, model, loss_kind, make_optimizer, x, t, dropout_layers=(), clip=None, make_scheduler=None, eval_first=False):
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, name + ".init.safetensors"), state(model), {"format": "pt"})
    vectors = {"x": x.numpy(), "t": t.numpy()}
    optimizer = make_optimizer(model.parameters())
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    rates = []

    def loss_of(outputs, logits):
        if loss_kind == "cce":
            return nn.functional.cross_entropy(logits, t)          # soft targets (probabilities), mean over rows
        if loss_kind == "bce":
            return nn.functional.binary_cross_entropy(outputs, t)  # mean over every output
        return nn.functional.mse_loss(outputs, t)

    def forward():
        if hasattr(model, "forward_with_logits"):
            return model.forward_with_logits(x)
        h, logits = x, None
        for module in model:
            if isinstance(module, (nn.Softmax, nn.Sigmoid)) and module is model[-1]:
                logits = h
            h = module(h)
        return h, logits

    if eval_first:
        # Eval mode at the initial weights and running statistics, before any step.
        model.eval()
        with torch.no_grad():
            vectors["eval0.y"] = model(x).numpy().copy()

    for step in range(3):
        model.train()
        for d in dropout_layers:
            d.iteration = step
        optimizer.zero_grad()
        outputs, logits = forward()
        loss = loss_of(outputs, logits)
        loss.backward()
        if step == 0:
            vectors["train.y"] = outputs.detach().numpy().copy()
            vectors["train.loss"] = np.array([loss.item()], dtype=np.float32)
            for pname, p in model.named_parameters():
                vectors["grad." + pname] = p.grad.detach().numpy().copy()
        if clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            print(f"{name} step {step + 1}: gradient norm {norm.item():.4f}, clipped to {clip}")
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        for k, v in state(model).items():
            vectors[f"step{step + 1}.{k}"] = v
    if scheduler is not None:
        vectors["lr"] = np.array(rates, dtype=np.float32)
    model.eval()
    with torch.no_grad():
        vectors["eval.y"] = model(x).numpy().copy()
    write_safetensors(os.path.join(OUT, name + ".vectors.safetensors"), vectors, {"torch": torch.__version__})
    print(f"{name}: loss {vectors['train.loss'][0]:.6f}, {sum(p.numel() for p in model.parameters())} parameters")


def main():
    torch.manual_seed(2015)
    generator = torch.Generator().manual_seed(7)

    # TorchSgd: Dense, PyTorch BatchNorm (train and eval), ReLU, Tanh, softmax + categorical cross-entropy with soft
    # targets, SGD with momentum and weight decay.
    model = nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 5), nn.Softmax(dim=1))
    x = torch.randn(6, 12, generator=generator)
    t = torch.softmax(torch.randn(6, 5, generator=generator) * 2, dim=1)
    run("TorchSgd", model, "cce", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01), x, t)

    # TorchNesterov: LeakyReLU, dropout (ModelGen's mask), sigmoid + binary cross-entropy, Nesterov SGD.
    dropout = HashDropout(0.3, 2, seed=7)
    model = nn.Sequential(nn.Linear(10, 8), nn.LeakyReLU(0.1), dropout, nn.Linear(8, 6), nn.Sigmoid(), nn.Linear(6, 3), nn.Sigmoid())
    x = torch.randn(5, 10, generator=generator)
    t = torch.rand(5, 3, generator=generator)
    run("TorchNesterov", model, "bce", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True), x, t, [dropout])

    # TorchAdam: BatchNorm on the inputs, dense without bias, tanh, linear output + mean squared error, Adam with weight decay.
    model = nn.Sequential(nn.BatchNorm1d(7), nn.Linear(7, 9, bias=False), nn.Tanh(), nn.Linear(9, 2))
    x = torch.randn(8, 7, generator=generator) * 3 + 1
    t = torch.randn(8, 2, generator=generator)
    run("TorchAdam", model, "mse", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.001), x, t)

    # TorchSgdPlain: plain SGD, softmax inside a mean-squared-error network (softmax Jacobian).
    model = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 3), nn.Softmax(dim=1))
    x = torch.randn(4, 4, generator=generator)
    t = torch.rand(4, 3, generator=generator)
    run("TorchSoftmaxMse", model, "mse", lambda p: torch.optim.SGD(p, lr=0.5), x, t)

    # TorchCnn: Conv2d with padding (no bias: BatchNorm follows, and Adam would move a bias whose exact gradient is 0 by
    # its learning rate on rounding noise alone, differently on each side) and with padding="same" (even kernel),
    # BatchNorm2d in training and eval mode, GELU (exact), max and average pooling, LayerNorm over the whole sample,
    # flatten, softmax + cross-entropy, Adam.
    model = nn.Sequential(nn.Conv2d(2, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.GELU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 5, 2, padding="same"), nn.LayerNorm([5, 4, 4]), nn.ReLU(), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(20, 3), nn.Softmax(dim=1))
    with torch.no_grad():
        # LayerNorm starts at weight 1 and bias 0; move them so the test sees their effect.
        model[5].weight.add_(torch.randn(5, 4, 4, generator=generator) * 0.3)
        model[5].bias.add_(torch.randn(5, 4, 4, generator=generator) * 0.3)
    x = torch.randn(5, 2, 8, 8, generator=generator)
    t = torch.softmax(torch.randn(5, 3, generator=generator) * 2, dim=1)
    run("TorchCnn", model, "cce", lambda p: torch.optim.Adam(p, lr=0.01), x, t)

    # TorchAdamW: decoupled weight decay (AdamW), softmax + cross-entropy.
    model = nn.Sequential(nn.Linear(6, 10), nn.ReLU(), nn.Linear(10, 3), nn.Softmax(dim=1))
    x = torch.randn(7, 6, generator=generator)
    t = torch.softmax(torch.randn(7, 3, generator=generator) * 2, dim=1)
    run("TorchAdamW", model, "cce", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1), x, t)

    # TorchRmsprop: RMSprop with momentum and weight decay, mean squared error.
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))
    x = torch.randn(6, 5, generator=generator)
    t = torch.randn(6, 2, generator=generator)
    run("TorchRmsprop", model, "mse", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.01), x, t)

    # TorchClip: gradient clipping by global norm (large targets make the norm exceed 0.5 every step) and a learning
    # rate halved after every step (StepLR), plain SGD.
    model = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 2))
    x = torch.randn(5, 4, generator=generator)
    t = torch.randn(5, 2, generator=generator) * 10
    run("TorchClip", model, "mse", lambda p: torch.optim.SGD(p, lr=0.1), x, t, clip=0.5,
        make_scheduler=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.5))


class TorchResNet(nn.Module):
    """The residual CNN of tests/ModelGen.Tests/Models/TorchModels.cs, module names as the C# layer names.

    A stem, a block whose shortcut is a strided 1 x 1 projection with its own BatchNorm (relu(bn2(c2(relu(bn1(c1(x)))))
    + projbn(proj(x)))), a block with an identity shortcut, and a concatenation of a 1 x 1 side branch with the last
    block before global average pooling and the classifier.
    """

    def __init__(self):
        super().__init__()
        self.stem, self.stembn = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.c1, self.bn1 = nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16)
        self.c2, self.bn2 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.proj, self.projbn = nn.Conv2d(8, 16, 1, stride=2), nn.BatchNorm2d(16)
        self.c3, self.bn3 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.c4, self.bn4 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.side = nn.Conv2d(16, 8, 1)
        self.fc = nn.Linear(24, 5)

    def forward_with_logits(self, x):
        block0 = torch.relu(self.stembn(self.stem(x)))
        main = self.bn2(self.c2(torch.relu(self.bn1(self.c1(block0)))))
        shortcut = self.projbn(self.proj(block0))
        block1 = torch.relu(shortcut + main)                      # [Add("bn2")]: the current tensor (projbn) + bn2
        block2 = torch.relu(self.bn4(self.c4(torch.relu(self.bn3(self.c3(block1))))) + block1)
        side = torch.relu(self.side(block1))
        joined = torch.cat([side, block2], dim=1)                 # [Concatenate("block2")]: the current tensor first
        logits = self.fc(joined.mean(dim=(2, 3)))
        return torch.softmax(logits, dim=1), logits

    def forward(self, x):
        return self.forward_with_logits(x)[0]


def resnet_main():
    torch.manual_seed(2024)
    generator = torch.Generator().manual_seed(24)
    model = TorchResNet()
    with torch.no_grad():
        # BatchNorm starts at weight 1, bias 0, mean 0, variance 1; move all four so eval mode differs from training mode.
        for bn in (model.stembn, model.bn1, model.bn2, model.projbn, model.bn3, model.bn4):
            c = bn.num_features
            bn.weight.copy_(1 + 0.3 * torch.randn(c, generator=generator))
            bn.bias.copy_(0.3 * torch.randn(c, generator=generator))
            bn.running_mean.copy_(0.2 * torch.randn(c, generator=generator))
            bn.running_var.copy_(0.5 + torch.rand(c, generator=generator))
    x = torch.randn(6, 3, 8, 8, generator=generator)
    t = torch.softmax(torch.randn(6, 5, generator=generator) * 2, dim=1)
    run("TorchResNet", model, "cce", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), x, t, eval_first=True)


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["TorchResNet"]:
        resnet_main()
    else:
        main()
        resnet_main()
