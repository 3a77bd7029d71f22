using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ModelGen
{
    /// <summary>The optimizer kinds a model description lists.</summary>
    public enum OptimizerType
    {
        /// <summary>Stochastic gradient descent (Keras semantics).</summary>
        Sgd,

        /// <summary>Adam (PyTorch form).</summary>
        Adam,

        /// <summary>AdamW: Adam with decoupled weight decay (PyTorch form).</summary>
        AdamW,

        /// <summary>RMSprop, not centered (PyTorch form).</summary>
        RmsProp,
    }

    /// <summary>The element-wise activation functions.</summary>
    public enum ActivationFunction
    {
        /// <summary>Rectified linear unit, <c>max(x, 0)</c>.</summary>
        ReLU,

        /// <summary>Leaky rectified linear unit, <c>x</c> for positive <c>x</c>, else <c>alpha * x</c>.</summary>
        LeakyReLU,

        /// <summary>Logistic sigmoid, <c>1 / (1 + exp(-x))</c>.</summary>
        Sigmoid,

        /// <summary>Hyperbolic tangent.</summary>
        Tanh,

        /// <summary>Gaussian error linear unit, exact form <c>x * (1 + erf(x / sqrt(2))) / 2</c>.</summary>
        GELU,
    }

    /// <summary>
    /// One layer of a generated model as the generator compiled it: its name, the shapes of one sample in and out, and,
    /// in the derived record of its kind, its hyper-parameters and where its tensors live. Lets independent code (a
    /// reference implementation, an exporter, a visualizer) execute or convert a model by switching on the record type.
    /// Offsets are into the arrays <see cref="IModel.Parameters"/> and the state and counters of
    /// <see cref="TensorStorage"/>; shapes exclude the batch axis. Arrays compare by reference.
    /// </summary>
    /// <param name="Name">The tensor-name prefix (<c>fc1</c>, or the layer's position).</param>
    /// <param name="InputShape">The shape of one input sample, e.g. <c>[64]</c> or <c>[1, 28, 28]</c>.</param>
    /// <param name="OutputShape">The shape of one output sample.</param>
    public abstract record LayerDescription(string Name, int[] InputShape, int[] OutputShape)
    {
        /// <summary>Floats in one input sample.</summary>
        public int InputSize => ModelDescription.Product(InputShape);

        /// <summary>Floats in one output sample.</summary>
        public int OutputSize => ModelDescription.Product(OutputShape);

        /// <summary>The layer kind: the record's name without "Description" (<c>Dense</c>, <c>BatchNorm</c>, ...), the function for activations, <c>MaxPool2D</c> or <c>AveragePool2D</c> for pools.</summary>
        public string LayerKind => this is ActivationDescription a
            ? a.Function.ToString()
            : this is Pool2DDescription p
                ? p.Kind + "Pool2D"
                : GetType().Name.EndsWith("Description", StringComparison.Ordinal) ? GetType().Name.Substring(0, GetType().Name.Length - "Description".Length) : GetType().Name;

        /// <summary>The layer in one line, e.g. <c>Dense fc1: [784] -> [256]</c>.</summary>
        public sealed override string ToString() =>
            $"{LayerKind} {Name}: {TensorDescriptor.FormatShape(InputShape)} -> {TensorDescriptor.FormatShape(OutputShape)}";
    }

    /// <summary>A fully connected layer: <c>y = W x + b</c>, <c>W</c> row-major <c>[units, inputs]</c> (the input flattened).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape"><c>[units]</c>.</param>
    /// <param name="Units">The number of outputs.</param>
    /// <param name="UseBias">Whether there is a bias.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters, or null without bias.</param>
    public sealed record DenseDescription(string Name, int[] InputShape, int[] OutputShape, int Units, bool UseBias, int WeightOffset, int? BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>
    /// Batch normalization over the features of a vector input, or over the channels (the first dimension) of an input
    /// with more dimensions (<c>[C, L]</c> as PyTorch <c>BatchNorm1d</c>, <c>[C, H, W]</c> as <c>BatchNorm2d</c>).
    /// </summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Momentum">The momentum in <paramref name="Convention"/>'s meaning.</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    /// <param name="Convention">The running-statistics convention.</param>
    /// <param name="UsesBatchStatisticsAtInference">Declared to normalize with the batch's statistics at inference (an opt-in).</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> (gamma) in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> (beta) in the parameters.</param>
    /// <param name="RunningMeanOffset">Offset of <c>running_mean</c> in the state.</param>
    /// <param name="RunningVarOffset">Offset of <c>running_var</c> in the state.</param>
    /// <param name="CounterIndex">Index of <c>num_batches_tracked</c> in the counters.</param>
    public sealed record BatchNormDescription(
        string Name,
        int[] InputShape,
        int[] OutputShape,
        double Momentum,
        double Epsilon,
        BatchNormConvention Convention,
        bool UsesBatchStatisticsAtInference,
        int WeightOffset,
        int BiasOffset,
        int RunningMeanOffset,
        int RunningVarOffset,
        int CounterIndex)
        : LayerDescription(Name, InputShape, OutputShape)
    {
        /// <summary>The number of normalized features: the channels of a multi-dimensional input, else every feature.</summary>
        public int Features => OutputShape.Length >= 2 ? OutputShape[0] : OutputSize;

        /// <summary>Values per feature in one sample: the positions of a channel (1 for a vector input).</summary>
        public int Spatial => OutputSize / Features;
    }

    /// <summary>An element-wise activation.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Function">Which function.</param>
    /// <param name="Alpha">LeakyReLU's slope for negative inputs (0 for the others).</param>
    public sealed record ActivationDescription(string Name, int[] InputShape, int[] OutputShape, ActivationFunction Function, double Alpha)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>Softmax over the features of one sample.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    public sealed record SoftmaxDescription(string Name, int[] InputShape, int[] OutputShape)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>Inverted dropout; the identity at inference unless declared active there.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Rate">The probability of zeroing a feature in training.</param>
    /// <param name="ActiveAtInference">Declared active at inference (Monte Carlo dropout, an opt-in).</param>
    public sealed record DropoutDescription(string Name, int[] InputShape, int[] OutputShape, double Rate, bool ActiveAtInference)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>A 2-D convolution (NCHW, like <c>torch.nn.Conv2d</c>).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape"><c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape"><c>[filters, output height, output width]</c>.</param>
    /// <param name="Filters">Output channels.</param>
    /// <param name="KernelSize">The height and width of the kernel.</param>
    /// <param name="Stride">The step between output positions.</param>
    /// <param name="PadTop">Zeros above the input (and, as many or one more, below it).</param>
    /// <param name="PadLeft">Zeros left of the input (and, as many or one more, right of it).</param>
    /// <param name="Dilation">The spacing between kernel taps.</param>
    /// <param name="UseBias">Whether there is a bias.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> <c>[filters, channels, kernel, kernel]</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters, or null without bias.</param>
    public sealed record Conv2DDescription(
        string Name,
        int[] InputShape,
        int[] OutputShape,
        int Filters,
        int KernelSize,
        int Stride,
        int PadTop,
        int PadLeft,
        int Dilation,
        bool UseBias,
        int WeightOffset,
        int? BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>The pooling operations.</summary>
    public enum PoolKind
    {
        /// <summary>The largest value of each window.</summary>
        Max,

        /// <summary>The mean of each window.</summary>
        Average,
    }

    /// <summary>2-D pooling over each channel without padding; a global average pool is a window of the whole input.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape"><c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape"><c>[channels, output height, output width]</c>, or <c>[channels]</c> for a global pool.</param>
    /// <param name="Kind">Max or average.</param>
    /// <param name="SizeHeight">The window's height.</param>
    /// <param name="SizeWidth">The window's width.</param>
    /// <param name="Stride">The step between windows.</param>
    public sealed record Pool2DDescription(string Name, int[] InputShape, int[] OutputShape, PoolKind Kind, int SizeHeight, int SizeWidth, int Stride)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>Layer normalization over the trailing dimensions of each sample (its own statistics).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="NormalizedShape">The normalized trailing dimensions (the shape of <c>weight</c> and <c>bias</c>).</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters.</param>
    public sealed record LayerNormDescription(string Name, int[] InputShape, int[] OutputShape, int[] NormalizedShape, double Epsilon, int WeightOffset, int BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape)
    {
        /// <summary>Values normalized together.</summary>
        public int GroupSize => ModelDescription.Product(NormalizedShape);
    }

    /// <summary>Flattening to a vector in NCHW order: the values are unchanged.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape"><c>[size]</c>.</param>
    public sealed record FlattenDescription(string Name, int[] InputShape, int[] OutputShape)
        : LayerDescription(Name, InputShape, OutputShape);

    /// <summary>The optimizer of a generated model with all its hyper-parameters (those it does not use are 0).</summary>
    /// <param name="Type">SGD, Adam, AdamW or RMSprop.</param>
    /// <param name="LearningRate">The learning rate.</param>
    /// <param name="Momentum">SGD or RMSprop momentum.</param>
    /// <param name="Nesterov">SGD Nesterov flag.</param>
    /// <param name="Decay">SGD Keras learning-rate decay.</param>
    /// <param name="Beta1">Adam beta1.</param>
    /// <param name="Beta2">Adam beta2.</param>
    /// <param name="Epsilon">Adam, AdamW or RMSprop epsilon.</param>
    /// <param name="WeightDecay">L2 weight decay added to the gradient (AdamW: the decoupled decay).</param>
    /// <param name="Alpha">RMSprop's smoothing constant (0 for the others).</param>
    public sealed record OptimizerDescription(
        OptimizerType Type,
        double LearningRate,
        double Momentum,
        bool Nesterov,
        double Decay,
        double Beta1,
        double Beta2,
        double Epsilon,
        double WeightDecay,
        double Alpha = 0);

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
            var rows = new List<string[]> { new[] { "Layer", "Kind", "Output shape", "Parameters", "Other state" } };
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
                });
            }

            var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
            var sb = new StringBuilder();
            sb.Append(Name).Append(": input ").Append(TensorDescriptor.FormatShape(InputShape)).Append(", output [").Append(N(OutputSize)).AppendLine("]");
            for (int r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                sb.Append(row[0].PadRight(widths[0])).Append("  ").Append(row[1].PadRight(widths[1])).Append("  ")
                    .Append(row[2].PadRight(widths[2])).Append("  ").Append(r == 0 ? row[3].PadRight(widths[3]) : row[3].PadLeft(widths[3]))
                    .Append("  ").Append(row[4]);
                sb.Append('\n');
                if (r == 0)
                {
                    sb.Append(new string('-', widths.Sum() + 8)).Append('\n');
                }
            }

            long bytes = (4L * ParameterCount) + (4L * StateCount) + (8L * CounterCount);
            sb.Append(new string('-', widths.Sum() + 8)).Append('\n');
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
