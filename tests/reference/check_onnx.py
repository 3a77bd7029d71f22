#!/usr/bin/python3
"""Runs the official ONNX checker (full check, with shape inference) on every .onnx file under tests/reference/onnx.

Run with Debian's python3-onnx (see README.md here):  /usr/bin/python3 tests/reference/check_onnx.py
The modelgen-*.onnx files are ModelGen's exports, pinned by OnnxTests.ExportedBytesArePinned; torch-*.onnx are
PyTorch's exports read by the import tests. Exits with status 1 when any file fails.
"""
import glob
import os
import sys

import onnx
from onnx import checker, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    failed = 0
    files = sorted(glob.glob(os.path.join(HERE, "onnx", "*.onnx")))
    for path in files:
        name = os.path.relpath(path, HERE)
        try:
            model = onnx.load(path)
            checker.check_model(model, full_check=True)
            inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
            out = inferred.graph.output[0].type.tensor_type.shape
            dims = [d.dim_param or d.dim_value for d in out.dim]
            opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
            print(f"ok   {name}: IR {model.ir_version}, opset {opset}, {len(model.graph.node)} nodes, output shape {dims}")
        except Exception as e:  # noqa: BLE001 - report every file, then fail
            failed += 1
            print(f"FAIL {name}: {e}")
    print(f"onnx {onnx.__version__}: {len(files) - failed} passed, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
