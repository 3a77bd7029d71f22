// Onnx: reads the weights of an ONNX model into a generated model, matched by the Description's layer names and
// shapes.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using ModelGen.Onnx.Protos;

namespace ModelGen.Onnx
{
    /// <summary>
    /// Reads weights from the initializers of an ONNX graph whose structure matches a model's declaration: the graph's
    /// nodes are walked in order against the layers, each layer takes its tensors from the inputs of the node that
    /// computes it, and the model changes only when every layer has matched.
    /// </summary>
    internal static class OnnxImporter
    {
        /// <summary>Nodes that only move or copy values (or exist for training): skipped between layers.</summary>
        private static readonly HashSet<string> Transparent = new(StringComparer.Ordinal)
        {
            "Identity", "Flatten", "Reshape", "Dropout", "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",
        };

        public static void Load(IModel model, Stream stream)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            ModelProto proto;
            try
            {
                proto = ModelProto.Parser.ParseFrom(stream);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new InvalidDataException("The stream is not an ONNX model (it does not parse as an ONNX ModelProto): " + e.Message, e);
            }

            var values = Match(model, proto);

            // Everything matched: only now does the model change, through LoadWeights, which checks the values and swaps
            // them in at once (predictions on other threads see the old or the new weights). Tensors ONNX does not carry
            // (BatchNorm's num_batches_tracked) keep their current values.
            var description = model.Description;
            var tensors = description.Tensors;
            var parameters = new float[description.ParameterCount];
            var state = new float[description.StateCount];
            var counters = new long[description.CounterCount];
            using (var current = new MemoryStream())
            {
                model.SaveWeights(current);
                current.Position = 0;
                SafeTensors.Read(current, tensors, parameters, state, counters);
            }

            foreach (var t in tensors)
            {
                if (values.TryGetValue(t.Name, out var v))
                {
                    v.CopyTo((t.Storage == TensorStorage.Parameters ? parameters : state).AsSpan(t.Offset, t.Length));
                }
            }

            using var image = new MemoryStream();
            SafeTensors.Write(image, tensors, parameters, state, counters);
            image.Position = 0;
            try
            {
                model.LoadWeights(image);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The ONNX file's weights cannot be loaded into {description.Name}: {e.Message}", e);
            }
        }

        /// <summary>Matches the graph against the model's layers and returns the value of every tensor it provides.</summary>
        internal static Dictionary<string, float[]> Match(IModel model, ModelProto proto)
        {
            var description = model.Description;
            var graph = proto.Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
            var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
            foreach (var t in graph.Initializer)
            {
                initializers[t.Name] = t;
            }

            var cursor = new Cursor(graph, description.Name);
            var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var layer in description.Layers)
            {
                string n = layer.Name;
                switch (layer)
                {
                    case DenseDescription d:
                    {
                        var node = cursor.Next(layer, "Gemm", "MatMul");
                        int units = d.Units, inputs = d.InputSize;
                        var weight = cursor.Initializer(node, 1, initializers, layer, "weight");
                        bool transposed = node.OpType == "MatMul" || Attribute(node, "transB")?.I != 1;
                        if (node.OpType == "Gemm" && (Attribute(node, "transA")?.I ?? 0) != 0)
                        {
                            throw cursor.Mismatch(node, layer, "a Gemm with transA = 0");
                        }

                        // Stored [units, inputs] (PyTorch, transB = 1) or [inputs, units] (MatMul, Gemm without transB).
                        var w = Floats(weight, transposed ? new long[] { inputs, units } : new long[] { units, inputs }, cursor, node, layer);
                        values[n + ".weight"] = transposed ? Transpose(w, inputs, units) : w;
                        if (node.OpType == "Gemm" && ((Attribute(node, "alpha")?.F ?? 1f) != 1f || (Attribute(node, "beta")?.F ?? 1f) != 1f))
                        {
                            throw cursor.Mismatch(node, layer, "a Gemm with alpha = beta = 1");
                        }

                        TensorProto? bias = null;
                        if (node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0)
                        {
                            bias = cursor.Initializer(node, 2, initializers, layer, "bias");
                        }
                        else if (node.OpType == "MatMul" && d.UseBias)
                        {
                            var add = cursor.Next(layer, "Add");
                            int other = add.Input[0] == node.Output[0] ? 1 : 0;
                            bias = cursor.Initializer(add, other, initializers, layer, "bias");
                        }

                        if (d.UseBias)
                        {
                            if (bias is null)
                            {
                                throw cursor.Mismatch(node, layer, $"a bias (the layer is declared with one; declare Dense({units}, UseBias = false) for a graph without)");
                            }

                            values[n + ".bias"] = Floats(bias, new long[] { units }, cursor, node, layer);
                        }
                        else if (bias is not null)
                        {
                            throw cursor.Mismatch(node, layer, "no bias (the layer is declared with UseBias = false)");
                        }

                        break;
                    }

                    case BatchNormDescription b:
                    {
                        var node = cursor.Next(layer, "BatchNormalization");
                        long c = b.Features;
                        CheckFloat(cursor, node, layer, "epsilon", 1e-5, b.Epsilon);
                        string[] names = { "weight", "bias", "running_mean", "running_var" };
                        for (int i = 0; i < names.Length; i++)
                        {
                            values[n + "." + names[i]] = Floats(cursor.Initializer(node, i + 1, initializers, layer, names[i]), new[] { c }, cursor, node, layer);
                        }

                        break;
                    }

                    case ActivationDescription a:
                        switch (a.Function)
                        {
                            case ActivationFunction.ReLU: cursor.Next(layer, "Relu"); break;
                            case ActivationFunction.Sigmoid: cursor.Next(layer, "Sigmoid"); break;
                            case ActivationFunction.Tanh: cursor.Next(layer, "Tanh"); break;
                            case ActivationFunction.LeakyReLU:
                                CheckFloat(cursor, cursor.Next(layer, "LeakyRelu"), layer, "alpha", 0.01, a.Alpha);
                                break;
                            case ActivationFunction.GELU:
                                cursor.Gelu(layer);
                                break;
                        }

                        break;

                    case SoftmaxDescription:
                        cursor.Next(layer, "Softmax");
                        break;

                    case Conv2DDescription c:
                    {
                        var node = cursor.Next(layer, "Conv");
                        CheckInts(cursor, node, layer, "strides", new long[] { 1, 1 }, new long[] { c.Stride, c.Stride });
                        CheckInts(cursor, node, layer, "dilations", new long[] { 1, 1 }, new long[] { c.Dilation, c.Dilation });
                        CheckInts(cursor, node, layer, "group", new long[] { 1 }, new long[] { 1 });
                        var pads = Attribute(node, "pads")?.Ints.ToArray() ?? new long[4];
                        if (pads.Length != 4 || pads[0] != c.PadTop || pads[1] != c.PadLeft)
                        {
                            throw cursor.Mismatch(node, layer, $"a Conv with pads beginning [{c.PadTop}, {c.PadLeft}] (the node has [{string.Join(", ", pads)}])");
                        }

                        var shape = new long[] { c.Filters, c.InputShape[0], c.KernelSize, c.KernelSize };
                        values[n + ".weight"] = Floats(cursor.Initializer(node, 1, initializers, layer, "weight"), shape, cursor, node, layer);
                        bool hasBias = node.Input.Count > 2 && node.Input[2].Length > 0;
                        if (hasBias != c.UseBias)
                        {
                            throw cursor.Mismatch(node, layer, c.UseBias ? "a Conv with a bias" : "a Conv without a bias (the layer is declared with UseBias = false)");
                        }

                        if (hasBias)
                        {
                            values[n + ".bias"] = Floats(cursor.Initializer(node, 2, initializers, layer, "bias"), new long[] { c.Filters }, cursor, node, layer);
                        }

                        break;
                    }

                    case Pool2DDescription p:
                        if (p.OutputShape.Length == 1)
                        {
                            cursor.Next(layer, "GlobalAveragePool", "ReduceMean");
                        }
                        else
                        {
                            var node = cursor.Next(layer, p.Kind == PoolKind.Max ? "MaxPool" : "AveragePool");
                            CheckInts(cursor, node, layer, "kernel_shape", Array.Empty<long>(), new long[] { p.SizeHeight, p.SizeWidth });
                            CheckInts(cursor, node, layer, "strides", new long[] { 1, 1 }, new long[] { p.Stride, p.Stride });
                            CheckInts(cursor, node, layer, "pads", new long[4], new long[4]);
                            CheckInts(cursor, node, layer, "ceil_mode", new long[] { 0 }, new long[] { 0 });
                        }

                        break;

                    case LayerNormDescription l:
                    {
                        var node = cursor.Next(layer, "LayerNormalization");
                        CheckFloat(cursor, node, layer, "epsilon", 1e-5, l.Epsilon);
                        long[] shape = Array.ConvertAll(l.NormalizedShape, v => (long)v);
                        values[n + ".weight"] = Floats(cursor.Initializer(node, 1, initializers, layer, "weight"), shape, cursor, node, layer);
                        values[n + ".bias"] = Floats(cursor.Initializer(node, 2, initializers, layer, "bias"), shape, cursor, node, layer);
                        break;
                    }

                    case DropoutDescription:
                    case FlattenDescription:
                        // No node needed: skipped as transparent when present.
                        break;

                    case MergeDescription m:
                        // A chain of binary nodes (torch's a + b + c) or one n-ary node (ONNX Mean, Max, Min, Sum; Concat).
                        switch (m.Function)
                        {
                            case MergeFunction.Concatenate:
                                CheckInts(cursor, cursor.NextIncluding(layer, "Concat", "Concat"), layer, "axis", new long[] { 0 }, new long[] { 1 });
                                break;
                            case MergeFunction.Average:
                                cursor.Next(layer, "Mean");
                                break;
                            case MergeFunction.Maximum:
                            case MergeFunction.Minimum:
                            {
                                string op = m.Function == MergeFunction.Maximum ? "Max" : "Min";
                                // One n-ary node, or a chain (torch.maximum(torch.maximum(a, b), c)): each further node adds its inputs but one.
                                int covered = cursor.Next(layer, op).Input.Count;
                                while (covered < m.Inputs.Length)
                                {
                                    covered += cursor.Next(layer, op).Input.Count - 1;
                                }

                                break;
                            }

                            default:
                            {
                                string op = m.Function switch { MergeFunction.Add => "Add", MergeFunction.Subtract => "Sub", _ => "Mul" };
                                int covered = cursor.Next(layer, m.Function == MergeFunction.Add ? new[] { "Add", "Sum" } : new[] { op }).Input.Count;
                                while (covered < m.Inputs.Length)
                                {
                                    covered += cursor.Next(layer, m.Function == MergeFunction.Add ? new[] { "Add", "Sum" } : new[] { op }).Input.Count - 1;
                                }

                                break;
                            }
                        }

                        break;

                    default:
                        throw new NotSupportedException($"Layer '{n}' ({layer.GetType().Name}) cannot be imported from ONNX.");
                }
            }

            cursor.End();
            return values;
        }

        private static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

        private static void CheckFloat(Cursor cursor, NodeProto node, LayerDescription layer, string name, double defaultValue, double expected)
        {
            double actual = Attribute(node, name)?.F ?? defaultValue;
            // The attribute is a float: compare at float precision.
            if ((float)actual != (float)expected)
            {
                throw cursor.Mismatch(node, layer, $"{name} = {expected} (the node has {actual})");
            }
        }

        private static void CheckInts(Cursor cursor, NodeProto node, LayerDescription layer, string name, long[] defaultValue, long[] expected)
        {
            var attribute = Attribute(node, name);
            long[] actual = attribute is null ? defaultValue : attribute.Type == AttributeProto.Types.AttributeType.Int ? new[] { attribute.I } : attribute.Ints.ToArray();
            if (!actual.SequenceEqual(expected))
            {
                throw cursor.Mismatch(node, layer, $"{name} = [{string.Join(", ", expected)}] (the node has [{string.Join(", ", actual)}])");
            }
        }

        private static float[] Transpose(float[] values, int rows, int columns)
        {
            var result = new float[values.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    result[(c * rows) + r] = values[(r * columns) + c];
                }
            }

            return result;
        }

        /// <summary>The float values of an initializer of exactly the expected shape.</summary>
        private static float[] Floats(TensorProto tensor, long[] shape, Cursor cursor, NodeProto node, LayerDescription layer)
        {
            if (!tensor.Dims.SequenceEqual(shape))
            {
                throw cursor.Mismatch(node, layer, $"initializer '{tensor.Name}' of shape [{string.Join(", ", shape)}] (it has [{string.Join(", ", tensor.Dims)}])");
            }

            if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw new InvalidDataException($"Initializer '{tensor.Name}' has ONNX data type {(TensorProto.Types.DataType)tensor.DataType}; ModelGen imports float32 tensors only (convert the model to float32 first).");
            }

            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            {
                throw new InvalidDataException($"Initializer '{tensor.Name}' is stored in an external file; load the model with its external data and save it with the weights inside (onnx.save_model(model, path, save_as_external_data=False)).");
            }

            long count = 1;
            foreach (long d in shape)
            {
                count *= d;
            }

            var result = new float[count];
            if (tensor.HasRawData)
            {
                var raw = tensor.RawData.Span;
                if (raw.Length != count * sizeof(float))
                {
                    throw new InvalidDataException($"Initializer '{tensor.Name}' has {raw.Length} bytes of raw data; its shape [{string.Join(", ", shape)}] needs {count * sizeof(float)}.");
                }

                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float)));
                }
            }
            else
            {
                if (tensor.FloatData.Count != count)
                {
                    throw new InvalidDataException($"Initializer '{tensor.Name}' has {tensor.FloatData.Count} float values; its shape [{string.Join(", ", shape)}] needs {count}.");
                }

                tensor.FloatData.CopyTo(result, 0);
            }

            return result;
        }

        /// <summary>Walks the graph's nodes in order, skipping transparent ones, and reports mismatches by node.</summary>
        private sealed class Cursor
        {
            private readonly GraphProto _graph;
            private readonly string _model;
            private int _next;

            /// <summary>Constant tensors by value name: the initializers and the outputs of Constant nodes.</summary>
            private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);

            public Cursor(GraphProto graph, string model)
            {
                _graph = graph;
                _model = model;
                foreach (var t in graph.Initializer)
                {
                    _constants[t.Name] = t;
                }

                foreach (var node in graph.Node)
                {
                    var value = node.OpType == "Constant" && node.Output.Count == 1 ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null;
                    if (value is not null)
                    {
                        _constants[node.Output[0]] = value;
                    }
                }
            }

            /// <summary>The next node that is not transparent, which must have one of the given operator types.</summary>
            public NodeProto Next(LayerDescription layer, params string[] ops) => NextIncluding(layer, null, ops);

            /// <summary>
            /// The next node that is not transparent (except <paramref name="includeTransparent"/>: Concat is a layer of its
            /// own for a Concatenate layer), which must have one of the given operator types.
            /// </summary>
            public NodeProto NextIncluding(LayerDescription layer, string? includeTransparent, params string[] ops)
            {
                var node = NextNode(includeTransparent);
                if (node is null)
                {
                    throw new InvalidDataException(
                        $"The ONNX graph ends before layer '{layer.Name}' ({Kind(layer)}) of {_model}: expected a {string.Join(" or ", ops)} node. "
                        + "The graph's structure must match the model's declaration.");
                }

                if (!ops.Contains(node.OpType))
                {
                    throw Mismatch(node, layer, "a " + string.Join(" or ", ops) + " node");
                }

                _next++;
                return node;
            }

            /// <summary>GELU: a Gelu node, or the exact erf form as PyTorch exports it (Div, Erf, Add, Mul, Mul).</summary>
            public void Gelu(LayerDescription layer)
            {
                var first = NextNode();
                if (first?.OpType == "Gelu")
                {
                    _next++;
                    return;
                }

                string[] pattern = { "Div", "Erf", "Add", "Mul", "Mul" };
                foreach (var op in pattern)
                {
                    var node = NextNode();
                    if (node is null || node.OpType != op)
                    {
                        throw node is null
                            ? new InvalidDataException($"The ONNX graph ends inside GELU layer '{layer.Name}' of {_model}.")
                            : Mismatch(node, layer, "a Gelu node or the erf form Div, Erf, Add, Mul, Mul");
                    }

                    _next++;
                }
            }

            /// <summary>The initializer feeding input <paramref name="index"/> of <paramref name="node"/>.</summary>
            public TensorProto Initializer(NodeProto node, int index, Dictionary<string, TensorProto> initializers, LayerDescription layer, string tensor)
            {
                if (index >= node.Input.Count || !initializers.TryGetValue(node.Input[index], out var result))
                {
                    throw Mismatch(node, layer, $"an initializer as input {index} (the layer's {tensor}); the node's input '{(index < node.Input.Count ? node.Input[index] : "(none)")}' is not an initializer");
                }

                return result;
            }

            /// <summary>No layer-like node may follow the last layer.</summary>
            public void End()
            {
                var node = NextNode();
                if (node is not null)
                {
                    throw new InvalidDataException(
                        $"ONNX node {_next} '{node.Name}' ({node.OpType}) follows the last layer of {_model}; the graph computes more than the "
                        + "declaration. The graph's structure must match the model's declaration.");
                }
            }

            public InvalidDataException Mismatch(NodeProto node, LayerDescription layer, string expected) =>
                new InvalidDataException(
                    $"ONNX node {_graph.Node.IndexOf(node)} '{node.Name}' ({node.OpType}) does not match layer '{layer.Name}' ({Kind(layer)}) of "
                    + $"{_model}: expected {expected}. The graph's structure must match the model's declaration.");

            private NodeProto? NextNode(string? includeTransparent = null)
            {
                while (_next < _graph.Node.Count && IsTransparent(_graph.Node[_next]) && _graph.Node[_next].OpType != includeTransparent)
                {
                    _next++;
                }

                return _next < _graph.Node.Count ? _graph.Node[_next] : null;
            }

            /// <summary>
            /// A node that changes no value: a reshape or copy, or a Pad that adds nothing (PyTorch 1.13 puts one with
            /// all-zero pads before every AveragePool).
            /// </summary>
            private bool IsTransparent(NodeProto node)
            {
                if (Transparent.Contains(node.OpType))
                {
                    return true;
                }

                if (node.OpType != "Pad" || node.Input.Count < 2 || !_constants.TryGetValue(node.Input[1], out var pads))
                {
                    return false;
                }

                if (pads.HasRawData)
                {
                    foreach (byte b in pads.RawData.Span)
                    {
                        if (b != 0)
                        {
                            return false;
                        }
                    }

                    return true;
                }

                return pads.Int64Data.All(p => p == 0);
            }

            private static string Kind(LayerDescription layer) => layer switch
            {
                DenseDescription d => $"Dense({d.Units})",
                BatchNormDescription => "BatchNorm",
                ActivationDescription a => a.Function.ToString(),
                SoftmaxDescription => "Softmax",
                Conv2DDescription c => $"Conv2D({c.Filters}, {c.KernelSize})",
                Pool2DDescription p => p.OutputShape.Length == 1 ? "GlobalAvgPool" : p.Kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D",
                LayerNormDescription => "LayerNorm",
                _ => layer.GetType().Name.Replace("Description", string.Empty),
            };
        }
    }
}
