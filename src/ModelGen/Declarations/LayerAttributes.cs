// Declarations: one attribute per layer kind (and the enums their arguments take), read in source order by the
// generator; each kind's spec and emitter live in the generator, its description in Declarations/Descriptions.
using System;

namespace ModelGen
{
    /// <summary>Base class of every layer attribute.</summary>
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>
        /// The layer's name, used as the prefix of its tensors in saved weights (PyTorch <c>state_dict</c> style,
        /// e.g. <c>fc1</c> gives <c>fc1.weight</c>). When omitted, the name is the layer's position in the declaration,
        /// counting every layer attribute from 0, as in a <c>torch.nn.Sequential</c> of the same layers: the tensors of
        /// <c>[Dense(8), ReLU, Dense(2)]</c> are <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c> and <c>2.bias</c>, so a
        /// <c>Sequential</c>'s <c>state_dict</c> loads directly. Names must be unique among layers with tensors and must not
        /// contain quotes, backslashes or non-printable characters. A layer that <see cref="From"/> or a merge layer
        /// (<see cref="AddAttribute"/>, <see cref="ConcatenateAttribute"/>, ...) refers to needs a name no other layer has;
        /// <c>input</c> is reserved for the model's input.
        /// </summary>
        public string? Name { get; set; }

        /// <summary>
        /// The earlier layer whose output this layer reads, by its <see cref="Name"/>, instead of the previous layer's; <c>"input"</c>
        /// reads the model's input. With it a declaration, still one list in order, describes a graph: a branch starts
        /// <c>From</c> an earlier layer and a merge layer joins it back, e.g. a residual block's projection shortcut
        /// <c>[Conv2D(16, 1, Stride = 2, From = "block0", Name = "proj")]</c> before <c>[Add("bn2")]</c>. Not allowed on a
        /// merge layer (it reads the current tensor and the layers it names).
        /// </summary>
        public string? From { get; set; }
    }

    /// <summary>A fully connected layer: <c>y = W x + b</c>, with <c>W</c> stored as <c>[units, inputs]</c> like <c>torch.nn.Linear</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Creates a fully connected layer.</summary>
        /// <param name="units">The number of outputs; must be positive.</param>
        public DenseAttribute(int units) => Units = units;

        /// <summary>The number of outputs.</summary>
        public int Units { get; }

        /// <summary>Whether the layer has a bias vector (default <see langword="true"/>).</summary>
        public bool UseBias { get; set; } = true;
    }

    /// <summary>
    /// Batch normalization over the features of the previous layer, or over its channels when the input is
    /// <c>[channels, height, width]</c> (PyTorch <c>BatchNorm2d</c>: one mean, variance, weight and bias per channel, over the
    /// batch and every position). Training normalizes with the statistics of the training batch and updates running
    /// statistics; inference normalizes with the running statistics only, so a sample's prediction never depends on the
    /// other samples of a batch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>
        /// The running-statistics momentum. Its meaning depends on <see cref="Convention"/>: under
        /// <see cref="BatchNormConvention.PyTorch"/> it is the weight of the new batch (default 0.1); under
        /// <see cref="BatchNormConvention.Keras"/> it is the weight of the old value (default 0.99).
        /// When not set, the convention's default is used.
        /// </summary>
        public double Momentum { get; set; } = double.NaN;

        /// <summary>The value added to the variance before the square root; when not set, 1e-5 (PyTorch) or 1e-3 (Keras).</summary>
        public double Epsilon { get; set; } = double.NaN;

        /// <summary>Which framework's running-statistics convention to follow (default <see cref="BatchNormConvention.PyTorch"/>).</summary>
        public BatchNormConvention Convention { get; set; } = BatchNormConvention.PyTorch;

        /// <summary>
        /// Normalize with the statistics of the batch being predicted, also at inference (PyTorch
        /// <c>track_running_stats=False</c>). A prediction then depends on the rest of its batch, and a single-row
        /// prediction outputs the bias. Needs <see cref="Reason"/>; without one the ModelGen analyzer reports MG1002.
        /// The generated <c>Predict</c> and <c>PredictBatch</c> then carry <see cref="UsesBatchStatisticsAttribute"/>.
        /// </summary>
        public bool UseBatchStatisticsAtInference { get; set; }

        /// <summary>Why <see cref="UseBatchStatisticsAtInference"/> is intended (e.g. test-time adaptation).</summary>
        public string? Reason { get; set; }
    }

    /// <summary>Rectified linear unit, <c>max(0, x)</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ReLUAttribute : LayerAttribute
    {
    }

    /// <summary>Leaky rectified linear unit, <c>x</c> for positive <c>x</c> and <c>alpha * x</c> otherwise.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LeakyReLUAttribute : LayerAttribute
    {
        /// <summary>Creates the activation.</summary>
        /// <param name="alpha">The slope for negative inputs (default 0.01, as <c>torch.nn.LeakyReLU</c>); must be in (0, 1).</param>
        public LeakyReLUAttribute(double alpha = 0.01) => Alpha = alpha;

        /// <summary>The slope for negative inputs.</summary>
        public double Alpha { get; }
    }

    /// <summary>Logistic sigmoid, <c>1 / (1 + exp(-x))</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SigmoidAttribute : LayerAttribute
    {
    }

    /// <summary>Hyperbolic tangent.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class TanhAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Gaussian error linear unit in its exact form, <c>x * (1 + erf(x / sqrt(2))) / 2</c>, as <c>torch.nn.GELU()</c>
    /// with its default <c>approximate='none'</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GELUAttribute : LayerAttribute
    {
    }

    /// <summary>How a <see cref="Conv2DAttribute"/> pads its input.</summary>
    public enum PaddingMode
    {
        /// <summary>Pad every side with <see cref="Conv2DAttribute.Padding"/> zeros (default; 0 means no padding).</summary>
        Explicit,

        /// <summary>No padding (Keras and PyTorch <c>"valid"</c>); the same as <see cref="Explicit"/> with <c>Padding = 0</c>.</summary>
        Valid,

        /// <summary>
        /// Pad so the output has the input's height and width (PyTorch <c>padding="same"</c>): <c>dilation * (kernel - 1)</c>
        /// zeros in all, half before (rounded down) and the rest after. Needs <c>Stride = 1</c>, as in PyTorch.
        /// </summary>
        Same,
    }

    /// <summary>
    /// A 2-D convolution over a <c>[channels, height, width]</c> input (NCHW without the batch axis, like
    /// <c>torch.nn.Conv2d</c>): <c>y[o, i, j] = b[o] + sum over c, u, v of W[o, c, u, v] * x[c, i * stride - pad + u * dilation,
    /// j * stride - pad + v * dilation]</c>, zeros outside the input. <c>weight</c> is <c>[filters, channels, kernel, kernel]</c>
    /// and <c>bias</c> is <c>[filters]</c>, as in a PyTorch <c>state_dict</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv2DAttribute : LayerAttribute
    {
        /// <summary>Creates a convolution.</summary>
        /// <param name="filters">Output channels; must be positive.</param>
        /// <param name="kernelSize">The height and width of the (square) kernel; must be positive.</param>
        public Conv2DAttribute(int filters, int kernelSize)
        {
            Filters = filters;
            KernelSize = kernelSize;
        }

        /// <summary>Output channels.</summary>
        public int Filters { get; }

        /// <summary>The height and width of the kernel.</summary>
        public int KernelSize { get; }

        /// <summary>The step between output positions, in both directions (default 1).</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Zeros added on every side of the input under <see cref="PaddingMode.Explicit"/> (default 0).</summary>
        public int Padding { get; set; }

        /// <summary>How the input is padded (default <see cref="ModelGen.PaddingMode.Explicit"/> with <see cref="Padding"/>).</summary>
        public PaddingMode PaddingMode { get; set; }

        /// <summary>The spacing between kernel taps (default 1: adjacent).</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>Whether the layer has a bias vector (default <see langword="true"/>).</summary>
        public bool UseBias { get; set; } = true;
    }

    /// <summary>
    /// 2-D max pooling over each channel of a <c>[channels, height, width]</c> input, as <c>torch.nn.MaxPool2d(size, stride)</c>
    /// without padding: windows that do not fit are dropped (floor). The gradient goes to the first largest input of each
    /// window.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPool2DAttribute : LayerAttribute
    {
        /// <summary>Creates the layer.</summary>
        /// <param name="size">The height and width of the window (default 2); must be positive.</param>
        public MaxPool2DAttribute(int size = 2) => Size = size;

        /// <summary>The height and width of the window.</summary>
        public int Size { get; }

        /// <summary>The step between windows; 0 (the default) means the window size, as in PyTorch.</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// 2-D average pooling over each channel of a <c>[channels, height, width]</c> input, as
    /// <c>torch.nn.AvgPool2d(size, stride)</c> without padding: windows that do not fit are dropped (floor).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool2DAttribute : LayerAttribute
    {
        /// <summary>Creates the layer.</summary>
        /// <param name="size">The height and width of the window (default 2); must be positive.</param>
        public AvgPool2DAttribute(int size = 2) => Size = size;

        /// <summary>The height and width of the window.</summary>
        public int Size { get; }

        /// <summary>The step between windows; 0 (the default) means the window size, as in PyTorch.</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// The mean of each channel of a <c>[channels, height, width]</c> input: the output is <c>[channels]</c> (PyTorch
    /// <c>AdaptiveAvgPool2d(1)</c> followed by <c>Flatten</c>; Keras <c>GlobalAveragePooling2D</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAvgPoolAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Flattens a <c>[channels, height, width]</c> sample to a vector in NCHW order (channel-major, as <c>torch.nn.Flatten</c>),
    /// so the weights of a following <see cref="DenseAttribute"/> match PyTorch's. Costs nothing at inference. A
    /// <see cref="DenseAttribute"/> flattens its input by itself; Flatten makes it explicit and lets a
    /// <see cref="BatchNormAttribute"/> normalize every feature rather than every channel.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Layer normalization, as <c>torch.nn.LayerNorm(normalized_shape)</c> with <c>normalized_shape</c> the last
    /// <see cref="Dims"/> dimensions of the sample (default: all of them): each group of those values is normalized with
    /// its own mean and biased variance, <c>(x - mean) / sqrt(var + eps)</c>, then multiplied by <c>weight</c> and shifted by
    /// <c>bias</c> element-wise (both of the normalized shape; initially 1 and 0). The statistics are the sample's own, in
    /// training and at inference alike: nothing depends on the batch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LayerNormAttribute : LayerAttribute
    {
        /// <summary>
        /// How many trailing dimensions are normalized together: 0 (the default) for all of them, else from 1 to the
        /// input's rank (on <c>[C, H, W]</c>, 2 normalizes each channel's <c>[H, W]</c> on its own).
        /// </summary>
        public int Dims { get; set; }

        /// <summary>Added to the variance before the square root (default 1e-5, as PyTorch).</summary>
        public double Epsilon { get; set; } = 1e-5;
    }

    /// <summary>Softmax over the features of one sample; supported as the last layer.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SoftmaxAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Inverted dropout: during training each feature is zeroed with probability <see cref="Rate"/> and the kept ones
    /// are scaled by <c>1 / (1 - rate)</c>; at inference the layer is the identity.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Creates the layer.</summary>
        /// <param name="rate">The probability of zeroing a feature during training; must be in [0, 1).</param>
        public DropoutAttribute(double rate = 0.5) => Rate = rate;

        /// <summary>The probability of zeroing a feature during training.</summary>
        public double Rate { get; }

        /// <summary>
        /// Keep dropping at inference (Monte Carlo dropout): predictions become random. Needs <see cref="Reason"/>; without
        /// one the ModelGen analyzer reports MG1003. The masks at inference come from a per-model call counter, so the
        /// generated <c>Predict</c> and <c>PredictBatch</c> are then no longer deterministic per call.
        /// </summary>
        public bool ActiveAtInference { get; set; }

        /// <summary>Why <see cref="ActiveAtInference"/> is intended (e.g. Monte Carlo dropout for uncertainty).</summary>
        public string? Reason { get; set; }
    }

    /// <summary>
    /// Base class of the merge layers: each combines the current tensor (the previous layer's output) with the outputs of
    /// the earlier layers it names, as Keras' merge layers and PyTorch's tensor arithmetic do. The element-wise merges
    /// need every input to have the same shape; <see cref="ConcatenateAttribute"/> joins along the channels.
    /// </summary>
    public abstract class MergeAttribute : LayerAttribute
    {
        /// <summary>Creates a merge of the current tensor with the named layers.</summary>
        /// <param name="layers">The names of earlier layers (or <c>"input"</c>) whose outputs join the current tensor, in order.</param>
        protected MergeAttribute(string[] layers) => Layers = layers ?? Array.Empty<string>();

        /// <summary>The names of the earlier layers merged with the current tensor, in order.</summary>
        public string[] Layers { get; }
    }

    /// <summary>The element-wise sum of the current tensor and the named layers' outputs (Keras <c>Add</c>; ResNet's <c>f(x) + x</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AddAttribute : MergeAttribute
    {
        /// <summary>Adds the named layers' outputs to the current tensor.</summary>
        /// <param name="layers">One or more earlier layers of the same shape.</param>
        public AddAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>The current tensor minus the named layer's output, element by element (Keras <c>Subtract</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SubtractAttribute : MergeAttribute
    {
        /// <summary>Subtracts the named layer's output from the current tensor.</summary>
        /// <param name="layer">An earlier layer of the same shape.</param>
        public SubtractAttribute(string layer)
            : base(new[] { layer })
        {
        }
    }

    /// <summary>The element-wise product of the current tensor and the named layers' outputs (Keras <c>Multiply</c>; gating).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MultiplyAttribute : MergeAttribute
    {
        /// <summary>Multiplies the current tensor by the named layers' outputs.</summary>
        /// <param name="layers">One or more earlier layers of the same shape.</param>
        public MultiplyAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>The element-wise mean of the current tensor and the named layers' outputs (Keras <c>Average</c>): the sum in order, divided by the count.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AverageAttribute : MergeAttribute
    {
        /// <summary>Averages the current tensor with the named layers' outputs.</summary>
        /// <param name="layers">One or more earlier layers of the same shape.</param>
        public AverageAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>
    /// The element-wise maximum of the current tensor and the named layers' outputs (Keras <c>Maximum</c>), taken left to right
    /// as <c>torch.maximum</c>: where two inputs tie, the gradient is split equally between them.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaximumAttribute : MergeAttribute
    {
        /// <summary>The maximum of the current tensor and the named layers' outputs.</summary>
        /// <param name="layers">One or more earlier layers of the same shape.</param>
        public MaximumAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>
    /// The element-wise minimum of the current tensor and the named layers' outputs (Keras <c>Minimum</c>), taken left to right
    /// as <c>torch.minimum</c>: where two inputs tie, the gradient is split equally between them.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MinimumAttribute : MergeAttribute
    {
        /// <summary>The minimum of the current tensor and the named layers' outputs.</summary>
        /// <param name="layers">One or more earlier layers of the same shape.</param>
        public MinimumAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>
    /// The current tensor followed by the named layers' outputs, joined along the channels of images (<c>[C, H, W]</c>: the
    /// same height and width, channels added up) and along the features of vectors, as <c>torch.cat(dim=1)</c> and Keras
    /// <c>Concatenate</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConcatenateAttribute : MergeAttribute
    {
        /// <summary>Concatenates the current tensor with the named layers' outputs, in that order.</summary>
        /// <param name="layers">One or more earlier layers whose shapes differ from the current tensor's only in the channels (or features).</param>
        public ConcatenateAttribute(params string[] layers)
            : base(layers)
        {
        }
    }

    /// <summary>The running-statistics convention of a BatchNorm layer (see the table in the ModelGen design).</summary>
    public enum BatchNormConvention
    {
        /// <summary>
        /// <c>running = (1 - momentum) * running + momentum * batch</c>, default momentum 0.1 and epsilon 1e-5; the running
        /// variance stores the unbiased batch variance, normalization uses the biased one.
        /// </summary>
        PyTorch,

        /// <summary>
        /// <c>running = momentum * running + (1 - momentum) * batch</c>, default momentum 0.99 and epsilon 1e-3; the running
        /// variance stores the biased batch variance.
        /// </summary>
        Keras,
    }
}
