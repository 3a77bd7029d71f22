// Declarations/Descriptions: what a generated model is, as data (its static Description): layers in order with their
// shapes and tensor offsets, loss and optimizer; Onnx/ and the test reference read it.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ModelGen
{
    /// <summary>A runtime description of a generated model, emitted by the generator as the static <c>Description</c> property.</summary>
    public sealed class ModelDescription
    {
        /// <summary>Creates a description.</summary>
        /// <param name="name">The model class name.</param>
        /// <param name="inputShape">The declared input shape.</param>
        /// <param name="layers">The layers in order.</param>
        /// <param name="loss">The training loss, or null for an inference-only model.</param>
        /// <param name="optimizer">The optimizer, or null for an inference-only model.</param>
        /// <param name="parameterCount">The number of trainable parameters.</param>
        /// <param name="stateCount">The number of floats of running statistics.</param>
        /// <param name="counterCount">The number of counters.</param>
        /// <param name="tensors">The model's tensors (empty when not given).</param>
        public ModelDescription(
            string name,
            int[] inputShape,
            IReadOnlyList<LayerDescription> layers,
            LossKind? loss,
            OptimizerDescription? optimizer,
            int parameterCount,
            int stateCount,
            int counterCount,
            IReadOnlyList<TensorDescriptor>? tensors = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            InputShape = inputShape ?? throw new ArgumentNullException(nameof(inputShape));
            Layers = layers ?? throw new ArgumentNullException(nameof(layers));
            Loss = loss;
            Optimizer = optimizer;
            ParameterCount = parameterCount;
            StateCount = stateCount;
            CounterCount = counterCount;
            Tensors = tensors ?? Array.Empty<TensorDescriptor>();
        }

        /// <summary>The model class name.</summary>
        public string Name { get; }

        /// <summary>The declared input shape.</summary>
        public int[] InputShape { get; }

        /// <summary>The layers in order.</summary>
        public IReadOnlyList<LayerDescription> Layers { get; }

        /// <summary>The training loss, or null for an inference-only model.</summary>
        public LossKind? Loss { get; }

        /// <summary>The optimizer, or null for an inference-only model.</summary>
        public OptimizerDescription? Optimizer { get; }

        /// <summary>The number of trainable parameters.</summary>
        public int ParameterCount { get; }

        /// <summary>The number of floats of BatchNorm running statistics.</summary>
        public int StateCount { get; }

        /// <summary>The number of BatchNorm counters.</summary>
        public int CounterCount { get; }

        /// <summary>The model's tensors (names, shapes, buffers and offsets), as its static <c>Tensors</c> lists them.</summary>
        public IReadOnlyList<TensorDescriptor> Tensors { get; }

        /// <summary>Floats in one input sample.</summary>
        public int InputSize => Product(InputShape);

        /// <summary>Floats in one output sample.</summary>
        public int OutputSize => Layers.Count > 0 ? Layers[Layers.Count - 1].OutputSize : InputSize;

        /// <summary>
        /// A table of the layers like Keras' <c>summary()</c>: per layer its name, kind, output shape (per sample), trainable
        /// parameters and other state (running statistics, counters), then the totals and the memory they take.
        /// </summary>
        public string Summary()
        {
            // A graph model gets Keras' "Connected to" column: the layers each one reads.
            bool graph = Layers.Any(l => l.Inputs.Length > 0);
            var rows = new List<string[]> { new[] { "Layer", "Kind", "Output shape", "Parameters", "Other state", "Connected to" } };
            foreach (var layer in Layers)
            {
                string prefix = layer.Name + ".";
                long parameters = 0, floats = 0, counters = 0;
                foreach (var t in Tensors)
                {
                    if (t.Name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        switch (t.Storage)
                        {
                            case TensorStorage.Parameters: parameters += t.Length; break;
                            case TensorStorage.State: floats += t.Length; break;
                            default: counters += t.Length; break;
                        }
                    }
                }

                rows.Add(new[]
                {
                    layer.Name,
                    layer.LayerKind,
                    TensorDescriptor.FormatShape(layer.OutputShape),
                    N(parameters),
                    State(floats, counters),
                    string.Join(", ", layer.Inputs),
                });
            }

            var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
            int rule = graph ? widths.Sum() + 10 : widths.Take(5).Sum() + 8;
            var sb = new StringBuilder();
            sb.Append(Name).Append(": input ").Append(TensorDescriptor.FormatShape(InputShape)).Append(", output [").Append(N(OutputSize)).AppendLine("]");
            for (int r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                sb.Append(row[0].PadRight(widths[0])).Append("  ").Append(row[1].PadRight(widths[1])).Append("  ")
                    .Append(row[2].PadRight(widths[2])).Append("  ").Append(r == 0 ? row[3].PadRight(widths[3]) : row[3].PadLeft(widths[3]))
                    .Append("  ").Append(graph ? row[4].PadRight(widths[4]) + "  " + row[5] : row[4]);
                sb.Append('\n');
                if (r == 0)
                {
                    sb.Append(new string('-', rule)).Append('\n');
                }
            }

            long bytes = (4L * ParameterCount) + (4L * StateCount) + (8L * CounterCount);
            sb.Append(new string('-', rule)).Append('\n');
            sb.Append("Trainable parameters: ").Append(N(ParameterCount)).Append(" (").Append(Bytes(4L * ParameterCount)).Append(")\n");
            sb.Append("Other state: ").Append(State(StateCount, CounterCount)).Append(StateCount + CounterCount == 0 ? string.Empty : " (" + Bytes((4L * StateCount) + (8L * CounterCount)) + ")").Append('\n');
            sb.Append("Saved weights: about ").Append(Bytes(bytes)).Append(" plus the header\n");
            if (Loss is { } loss)
            {
                sb.Append("Training: ").Append(loss).Append(", ").Append(Optimizer is { } o ? DescribeOptimizer(o) : "no optimizer").Append('\n');
            }

            return sb.ToString();

            static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

            static string State(long floats, long counters) =>
                floats + counters == 0 ? "-" : string.Join(", ", new[] { floats > 0 ? $"{N(floats)} floats" : null, counters > 0 ? $"{N(counters)} counter{(counters == 1 ? string.Empty : "s")}" : null }.Where(x => x is not null));

            static string Bytes(long b) => b < 1024
                ? $"{N(b)} B"
                : b < 1024 * 1024
                    ? (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
                    : (b / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
        }

        /// <summary>The <see cref="Summary"/> table.</summary>
        public override string ToString() => Summary();

        private static string DescribeOptimizer(OptimizerDescription o) => o.Type switch
        {
            OptimizerType.Adam or OptimizerType.AdamW => FormattableString.Invariant($"{o.Type}(lr {o.LearningRate}, betas ({o.Beta1}, {o.Beta2}), eps {o.Epsilon}, weight decay {o.WeightDecay})"),
            OptimizerType.RmsProp => FormattableString.Invariant($"RMSprop(lr {o.LearningRate}, alpha {o.Alpha}, eps {o.Epsilon}, momentum {o.Momentum}, weight decay {o.WeightDecay})"),
            _ => FormattableString.Invariant($"SGD(lr {o.LearningRate}, momentum {o.Momentum}{(o.Nesterov ? ", Nesterov" : string.Empty)}, decay {o.Decay}, weight decay {o.WeightDecay})"),
        };

        internal static int Product(int[] shape)
        {
            int p = 1;
            foreach (int d in shape)
            {
                p *= d;
            }

            return p;
        }
    }
}
