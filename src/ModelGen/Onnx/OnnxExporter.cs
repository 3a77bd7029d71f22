// Onnx: writes a generated model as an ONNX graph from its Description and weights (the ExportOnnx extension methods
// call it).
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Google.Protobuf;
using ModelGen.Onnx.Protos;

namespace ModelGen.Onnx
{
    /// <summary>
    /// Builds the ONNX inference graph of a generated model from its <see cref="ModelDescription"/> and its current
    /// tensors. One node (or a short fixed sequence) per layer, every tensor an initializer under its state_dict name,
    /// BatchNorm as BatchNormalization with the running statistics (not folded into the weights), a dynamic batch axis.
    /// </summary>
    internal static class OnnxExporter
    {
        /// <summary>The operator set written: 17 has LayerNormalization and is the newest that Debian's onnx checker knows.</summary>
        public const int Opset = 17;

        /// <summary>The IR version that goes with opset 17 (ONNX 1.12).</summary>
        public const int IrVersion = 8;

        /// <summary>The graph's input name.</summary>
        public const string InputName = "input";

        /// <summary>The graph's output name.</summary>
        public const string OutputName = "output";

        /// <summary>The symbolic batch dimension of the input and the output.</summary>
        public const string BatchDimension = "batch";

        public static ModelProto Build(IModel model)
        {
            var description = model.Description;
            var g = new Builder(description.Name);
            string x = InputName;
            var layers = description.Layers;

            // The value each layer produced, by layer name, so a graph's layers find what they read ("input": the input).
            var produced = new Dictionary<string, string>(StringComparer.Ordinal) { ["input"] = InputName };
            for (int i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                if (layer.Inputs.Length > 0)
                {
                    x = produced[layer.Inputs[0]];
                }

                x = layer is MergeDescription merge
                    ? Merge(g, merge, Array.ConvertAll(layer.Inputs, n => produced[n]))
                    : Layer(g, model, layer, x);
                produced[layer.Name] = x;
            }

            // The last layer's output is renamed "output"; a model without layers (or ending in a no-op) gets an Identity.
            if (!g.RenameLastOutput(x, OutputName))
            {
                g.Node("Identity", "output_identity", new[] { x }, OutputName);
            }

            g.Graph.Input.Add(ValueInfo(InputName, description.InputShape));
            g.Graph.Output.Add(ValueInfo(OutputName, layers.Count > 0 ? layers[layers.Count - 1].OutputShape : description.InputShape));
            g.Graph.DocString = $"Inference graph of the ModelGen model {description.Name}: {description.InputSize} inputs, {description.OutputSize} outputs, {description.ParameterCount} parameters.";

            var result = new ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "ModelGen",
                ProducerVersion = ProducerVersion(),
                Graph = g.Graph,
                DocString = "Exported by ModelGen's ExportOnnx: the network as declared, with the weights and BatchNorm running statistics it had at export.",
            };
            result.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
            return result;
        }

        public static void Write(IModel model, Stream stream)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            var proto = Build(model);
            proto.WriteTo(stream);
        }

        private static string Layer(Builder g, IModel model, LayerDescription layer, string x)
        {
            string n = layer.Name;
            switch (layer)
            {
                case DenseDescription d:
                {
                    // Gemm takes [N, K]: a multi-dimensional input is flattened first (the values are already in NCHW order).
                    if (d.InputShape.Length > 1)
                    {
                        x = g.Node("Flatten", n + "_flatten", new[] { x }, null, Int("axis", 1));
                    }

                    string weight = g.Initializer(n + ".weight", new long[] { d.Units, d.InputSize }, model.GetTensor(n + ".weight"));
                    var inputs = new List<string> { x, weight };
                    if (d.UseBias)
                    {
                        inputs.Add(g.Initializer(n + ".bias", new long[] { d.Units }, model.GetTensor(n + ".bias")));
                    }

                    // y = x W^T + b with W stored [units, inputs] as in PyTorch.
                    return g.Node("Gemm", n, inputs.ToArray(), null, Int("transB", 1));
                }

                case BatchNormDescription b:
                {
                    if (b.UsesBatchStatisticsAtInference)
                    {
                        throw new NotSupportedException(
                            $"Layer '{n}' is a BatchNorm declared to use the batch's statistics at inference; ONNX's BatchNormalization "
                            + "at inference uses the running statistics, so the exported graph would not compute what the model computes. "
                            + "Export a model declared without UseBatchStatisticsAtInference.");
                    }

                    long c = b.Features;
                    // ONNX's momentum is Keras's: running = momentum * running + (1 - momentum) * batch. Informational only:
                    // at inference the node uses the running statistics as stored.
                    double momentum = b.Convention == BatchNormConvention.Keras ? b.Momentum : 1 - b.Momentum;
                    return g.Node(
                        "BatchNormalization",
                        n,
                        new[]
                        {
                            x,
                            g.Initializer(n + ".weight", new[] { c }, model.GetTensor(n + ".weight")),
                            g.Initializer(n + ".bias", new[] { c }, model.GetTensor(n + ".bias")),
                            g.Initializer(n + ".running_mean", new[] { c }, model.GetTensor(n + ".running_mean")),
                            g.Initializer(n + ".running_var", new[] { c }, model.GetTensor(n + ".running_var")),
                        },
                        null,
                        Float("epsilon", b.Epsilon),
                        Float("momentum", momentum));
                }

                case ActivationDescription a:
                    switch (a.Function)
                    {
                        case ActivationFunction.ReLU: return g.Node("Relu", n, new[] { x });
                        case ActivationFunction.LeakyReLU: return g.Node("LeakyRelu", n, new[] { x }, null, Float("alpha", a.Alpha));
                        case ActivationFunction.Sigmoid: return g.Node("Sigmoid", n, new[] { x });
                        case ActivationFunction.Tanh: return g.Node("Tanh", n, new[] { x });
                        case ActivationFunction.GELU:
                        {
                            // Opset 17 has no Gelu: the exact form as PyTorch exports it, x * (1 + erf(x / sqrt(2))) * 0.5.
                            string scaled = g.Node("Div", n + "_div", new[] { x, g.Scalar(n + ".sqrt2", (float)Math.Sqrt(2.0)) });
                            string erf = g.Node("Erf", n + "_erf", new[] { scaled });
                            string plus = g.Node("Add", n + "_add", new[] { erf, g.Scalar(n + ".one", 1f) });
                            string times = g.Node("Mul", n + "_mul", new[] { x, plus });
                            return g.Node("Mul", n, new[] { times, g.Scalar(n + ".half", 0.5f) });
                        }

                        default:
                            throw new NotSupportedException($"Layer '{n}': activation {a.Function} has no ONNX export.");
                    }

                case SoftmaxDescription s:
                    // Softmax over all features of a sample: over axis 1 of [N, F]; a multi-dimensional input goes through
                    // Flatten and comes back with Reshape.
                    if (s.InputShape.Length == 1)
                    {
                        return g.Node("Softmax", n, new[] { x }, null, Int("axis", 1));
                    }
                    else
                    {
                        string flat = g.Node("Flatten", n + "_flatten", new[] { x }, null, Int("axis", 1));
                        string soft = g.Node("Softmax", n + "_softmax", new[] { flat }, null, Int("axis", 1));
                        return g.Node("Reshape", n, new[] { soft, g.Shape(n + ".shape", s.OutputShape) });
                    }

                case DropoutDescription dr:
                    if (dr.ActiveAtInference)
                    {
                        throw new NotSupportedException(
                            $"Layer '{n}' is a Dropout declared active at inference (Monte Carlo dropout); its masks come from ModelGen's "
                            + "own generator and ONNX's Dropout cannot reproduce them. Export a model declared without ActiveAtInference.");
                    }

                    // The identity at inference: no node.
                    return x;

                case FlattenDescription:
                    return g.Node("Flatten", n, new[] { x }, null, Int("axis", 1));

                case Conv2DDescription c:
                {
                    int h = c.InputShape[1], w = c.InputShape[2];
                    int span = c.Dilation * (c.KernelSize - 1) + 1;
                    // The padding after the input: as before it (explicit), or what "same" needs (one more for even kernels).
                    int padBottom = Math.Max(c.PadTop, ((c.OutputShape[1] - 1) * c.Stride) + span - h - c.PadTop);
                    int padRight = Math.Max(c.PadLeft, ((c.OutputShape[2] - 1) * c.Stride) + span - w - c.PadLeft);
                    var inputs = new List<string>
                    {
                        x,
                        g.Initializer(n + ".weight", new long[] { c.Filters, c.InputShape[0], c.KernelSize, c.KernelSize }, model.GetTensor(n + ".weight")),
                    };
                    if (c.UseBias)
                    {
                        inputs.Add(g.Initializer(n + ".bias", new long[] { c.Filters }, model.GetTensor(n + ".bias")));
                    }

                    return g.Node(
                        "Conv",
                        n,
                        inputs.ToArray(),
                        null,
                        Ints("kernel_shape", c.KernelSize, c.KernelSize),
                        Ints("strides", c.Stride, c.Stride),
                        Ints("dilations", c.Dilation, c.Dilation),
                        Ints("pads", c.PadTop, c.PadLeft, padBottom, padRight));
                }

                case Pool2DDescription p:
                {
                    if (p.OutputShape.Length == 1)
                    {
                        // Global average pooling: [N, C, 1, 1], then [N, C] as the model's output shape says.
                        string pooled = g.Node("GlobalAveragePool", n + "_pool", new[] { x });
                        return g.Node("Flatten", n, new[] { pooled }, null, Int("axis", 1));
                    }

                    return g.Node(
                        p.Kind == PoolKind.Max ? "MaxPool" : "AveragePool",
                        n,
                        new[] { x },
                        null,
                        Ints("kernel_shape", p.SizeHeight, p.SizeWidth),
                        Ints("strides", p.Stride, p.Stride));
                }

                case LayerNormDescription l:
                {
                    long[] shape = Array.ConvertAll(l.NormalizedShape, v => (long)v);
                    return g.Node(
                        "LayerNormalization",
                        n,
                        new[]
                        {
                            x,
                            g.Initializer(n + ".weight", shape, model.GetTensor(n + ".weight")),
                            g.Initializer(n + ".bias", shape, model.GetTensor(n + ".bias")),
                        },
                        null,
                        Int("axis", -l.NormalizedShape.Length),
                        Float("epsilon", l.Epsilon));
                }

                default:
                    throw new NotSupportedException($"Layer '{n}' ({layer.GetType().Name}) has no ONNX export.");
            }
        }

        /// <summary>
        /// A merge layer: Concat along the channels (axis 1 of NCHW, or of [N, F]); Mean, Max and Min over all inputs at once;
        /// Add, Sub and Mul as a chain from the left, as the generated code computes them.
        /// </summary>
        private static string Merge(Builder g, MergeDescription m, string[] inputs)
        {
            string n = m.Name;
            switch (m.Function)
            {
                case MergeFunction.Concatenate:
                    return g.Node("Concat", n, inputs, null, Int("axis", 1));
                case MergeFunction.Average:
                    return g.Node("Mean", n, inputs);
                case MergeFunction.Maximum:
                    return g.Node("Max", n, inputs);
                case MergeFunction.Minimum:
                    return g.Node("Min", n, inputs);
                default:
                {
                    string op = m.Function switch { MergeFunction.Add => "Add", MergeFunction.Subtract => "Sub", _ => "Mul" };
                    string value = inputs[0];
                    for (int k = 1; k < inputs.Length; k++)
                    {
                        value = g.Node(op, k == inputs.Length - 1 ? n : n + "_" + k.ToString(System.Globalization.CultureInfo.InvariantCulture), new[] { value, inputs[k] });
                    }

                    return value;
                }
            }
        }

        private static ValueInfoProto ValueInfo(string name, int[] shape)
        {
            var tensorShape = new TensorShapeProto();
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
            foreach (int d in shape)
            {
                tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            }

            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
            };
        }

        private static AttributeProto Int(string name, long value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        private static AttributeProto Float(string name, double value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

        private static AttributeProto Ints(string name, params long[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.Add(values);
            return a;
        }

        /// <summary>The package version without build metadata (no "+commit" suffix), so an export's bytes depend on the release only.</summary>
        private static string ProducerVersion()
        {
            string version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString()
                ?? "unknown";
            int plus = version.IndexOf('+');
            return plus < 0 ? version : version.Substring(0, plus);
        }

        /// <summary>Appends nodes and initializers to one graph; every node's single output is named after the node.</summary>
        private sealed class Builder
        {
            public Builder(string name) => Graph = new GraphProto { Name = name };

            public GraphProto Graph { get; }

            /// <summary>Adds a node with one output and returns the output's name (the node's name unless given).</summary>
            public string Node(string op, string name, string[] inputs, string? output = null, params AttributeProto[] attributes)
            {
                var node = new NodeProto { Name = name, OpType = op };
                node.Input.Add(inputs);
                node.Output.Add(output ?? name + "_output");
                node.Attribute.Add(attributes);
                Graph.Node.Add(node);
                return node.Output[0];
            }

            /// <summary>Renames the output of the last node when it is <paramref name="value"/>; false when no node produces it.</summary>
            public bool RenameLastOutput(string value, string name)
            {
                if (Graph.Node.Count == 0 || Graph.Node[Graph.Node.Count - 1].Output[0] != value)
                {
                    return false;
                }

                Graph.Node[Graph.Node.Count - 1].Output[0] = name;
                return true;
            }

            /// <summary>Adds a float initializer (little-endian raw data) and returns its name.</summary>
            public string Initializer(string name, long[] dims, float[] values)
            {
                long count = 1;
                foreach (long d in dims)
                {
                    count *= d;
                }

                if (count != values.Length)
                {
                    throw new InvalidOperationException($"Tensor '{name}' has {values.Length} values, its ONNX shape [{string.Join(", ", dims)}] holds {count}.");
                }

                var bytes = new byte[values.Length * sizeof(float)];
                for (int i = 0; i < values.Length; i++)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
                }

                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
                tensor.Dims.Add(dims);
                Graph.Initializer.Add(tensor);
                return name;
            }

            /// <summary>A scalar float constant as an initializer.</summary>
            public string Scalar(string name, float value) => Initializer(name, Array.Empty<long>(), new[] { value });

            /// <summary>A Reshape target <c>[-1, shape...]</c> (the batch axis kept) as an int64 initializer.</summary>
            public string Shape(string name, int[] shape)
            {
                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
                tensor.Dims.Add(shape.Length + 1);
                tensor.Int64Data.Add(-1);
                foreach (int d in shape)
                {
                    tensor.Int64Data.Add(d);
                }

                Graph.Initializer.Add(tensor);
                return name;
            }
        }
    }
}
