using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ModelGen.Benchmarks
{
    /// <summary>
    /// Writes the benchmark MLP with its current weights as an ONNX model (opset 13: Gemm, BatchNormalization, Relu,
    /// Softmax), encoding the protobuf by hand, so ONNX Runtime can run exactly the network ModelGen runs.
    /// </summary>
    internal static class OnnxExport
    {
        public static byte[] Mlp(BenchMlp model) => Mlp(model, 256, 128);

        /// <summary>A 784-h1(BN, ReLU)-h2(BN, ReLU)-10 softmax network with the layer names "fc1", "bn1", ..., "fc3".</summary>
        public static byte[] Mlp(IModel model, int hidden1, int hidden2)
        {
            var graph = new Proto();
            var nodes = new List<byte[]>();
            string x = "input";
            int n = 0;
            foreach (var (fc, bn, size, inSize) in new[] { ("fc1", "bn1", hidden1, 784), ("fc2", "bn2", hidden2, hidden1), ("fc3", null as string, 10, hidden2) })
            {
                graph.Message(5, Tensor(fc + ".weight", new long[] { size, inSize }, model.GetTensor(fc + ".weight")));
                graph.Message(5, Tensor(fc + ".bias", new long[] { size }, model.GetTensor(fc + ".bias")));
                string gemm = $"t{n++}";
                nodes.Add(Node("Gemm", new[] { x, fc + ".weight", fc + ".bias" }, gemm, new Proto().String(1, "transB").Int(3, 1).Int(20, 2).ToArray()));
                x = gemm;
                if (bn is not null)
                {
                    foreach (var t in new[] { "weight", "bias", "running_mean", "running_var" })
                    {
                        graph.Message(5, Tensor($"{bn}.{t}", new long[] { size }, model.GetTensor($"{bn}.{t}")));
                    }

                    string norm = $"t{n++}";
                    nodes.Add(Node("BatchNormalization", new[] { x, bn + ".weight", bn + ".bias", bn + ".running_mean", bn + ".running_var" }, norm, new Proto().String(1, "epsilon").Float(2, 1e-5f).Int(20, 1).ToArray()));
                    string relu = $"t{n++}";
                    nodes.Add(Node("Relu", new[] { norm }, relu, null));
                    x = relu;
                }
            }

            nodes.Add(Node("Softmax", new[] { x }, "output", new Proto().String(1, "axis").Int(3, 1).Int(20, 2).ToArray()));
            foreach (var node in nodes)
            {
                graph.Message(1, node);
            }

            graph.String(2, "BenchMlp");
            graph.Message(11, ValueInfo("input", 784));
            graph.Message(12, ValueInfo("output", 10));
            return new Proto().Int(1, 8).Message(7, graph.ToArray()).Message(8, new Proto().String(1, string.Empty).Int(2, 13).ToArray()).ToArray();
        }

        private static byte[] Node(string op, string[] inputs, string output, byte[]? attribute)
        {
            var p = new Proto();
            foreach (var i in inputs)
            {
                p.String(1, i);
            }

            p.String(2, output).String(3, output + "_" + op).String(4, op);
            if (attribute is not null)
            {
                p.Message(5, attribute);
            }

            return p.ToArray();
        }

        private static byte[] Tensor(string name, long[] dims, float[] values)
        {
            var p = new Proto();
            foreach (var d in dims)
            {
                p.Int(1, d);
            }

            var raw = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
            return p.Int(2, 1).String(8, name).Message(9, raw).ToArray();
        }

        private static byte[] ValueInfo(string name, long features)
        {
            var shape = new Proto()
                .Message(1, new Proto().String(2, "batch").ToArray())
                .Message(1, new Proto().Int(1, features).ToArray());
            var tensorType = new Proto().Int(1, 1).Message(2, shape.ToArray());
            return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType.ToArray()).ToArray()).ToArray();
        }

        /// <summary>A minimal protobuf writer: varints, length-delimited fields and fixed32 floats.</summary>
        private sealed class Proto
        {
            private readonly MemoryStream _s = new();

            public Proto Int(int field, long value)
            {
                Varint((ulong)(field << 3));
                Varint((ulong)value);
                return this;
            }

            public Proto Float(int field, float value)
            {
                Varint((ulong)((field << 3) | 5));
                _s.Write(BitConverter.GetBytes(value));
                return this;
            }

            public Proto String(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

            public Proto Message(int field, byte[] bytes)
            {
                Varint((ulong)((field << 3) | 2));
                Varint((ulong)bytes.Length);
                _s.Write(bytes);
                return this;
            }

            public byte[] ToArray() => _s.ToArray();

            private void Varint(ulong v)
            {
                while (v >= 0x80)
                {
                    _s.WriteByte((byte)(v | 0x80));
                    v >>= 7;
                }

                _s.WriteByte((byte)v);
            }
        }
    }
}
