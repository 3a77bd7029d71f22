#!/usr/bin/python3
"""Exports three networks of ModelGen's tests from PyTorch to ONNX, with reference outputs, for the import tests.

Run with Debian's PyTorch (see README.md here):  /usr/bin/python3 tests/reference/make_onnx.py

Writes under onnx/:
  torch-<name>.onnx                 torch.onnx.export of the network in eval mode (opset 17, dynamic batch axis);
  torch-<name>.vectors.safetensors  inputs x and the eval-mode outputs y of PyTorch for them.
The BatchNorm layers get random running statistics and affine parameters first, so an import that misplaces one
changes the outputs. training=PRESERVE keeps BatchNormalization nodes: in EVAL mode torch folds a BatchNorm that
follows a convolution into the convolution's weights, and the graph would no longer show the declared layers.
"""
import os

import numpy as np
import torch
from torch import nn

from make_vectors import TorchResNet, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "onnx")


def randomize_norms(model, generator):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=generator) - 0.5)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=generator) * 1.5 + 0.5)
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)):
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=generator) - 0.5)


def export(name, model, input_shape, generator):
    randomize_norms(model, generator)
    model.eval()
    x = torch.rand((13,) + input_shape, generator=generator) * 4 - 2
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, f"torch-{name}.onnx")
    torch.onnx.export(
        model, x[:1], path, opset_version=17, input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    write_safetensors(os.path.join(OUT, f"torch-{name}.vectors.safetensors"),
                      {"x": x.numpy().copy(), "y": y.numpy().copy()}, {"torch": torch.__version__})
    ops = [n.op_type for n in __import__("onnx").load(path).graph.node]
    print(f"{path}: {len(ops)} nodes: {' '.join(ops)}")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(2015)
    generator = torch.Generator().manual_seed(17)
    # TorchSgd's structure (tests/ModelGen.Tests/Models/TorchModels.cs).
    export("TorchSgd", nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(),
                                     nn.Linear(8, 5), nn.Softmax(dim=1)), (12,), generator)
    # TorchCnn's structure, but the second convolution padded explicitly: PyTorch 1.13 cannot export padding="same".
    export("TorchCnnOnnx", nn.Sequential(nn.Conv2d(2, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.GELU(), nn.MaxPool2d(2),
                                     nn.Conv2d(6, 5, 3, padding=1), nn.LayerNorm([5, 4, 4]), nn.ReLU(), nn.AvgPool2d(2),
                                     nn.Flatten(), nn.Linear(20, 3), nn.Softmax(dim=1)), (2, 8, 8), generator)

    # TorchResNet (make_vectors.py), a graph: a strided projection shortcut, an identity shortcut, a concatenation.
    export("TorchResNet", TorchResNet(), (3, 8, 8), generator)


if __name__ == "__main__":
    main()
