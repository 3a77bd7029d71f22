using ModelGen;

namespace ModelGen.Tests.Models
{
    /// <summary>The 2015 Keras session: 200 inputs, Dense 5, Keras-convention BatchNorm, softmax, SGD with decay and momentum.</summary>
    [Model]
    [Input(200)]
    [Dense(5)]
    [BatchNorm(Momentum = 0.99, Epsilon = 1e-3, Convention = BatchNormConvention.Keras)]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9, Nesterov = false, Decay = 3e-6)]
    public partial class SeedNet
    {
    }

    /// <summary>An MLP with BatchNorm, ReLU and dropout, Adam.</summary>
    [Model]
    [Input(20)]
    [Dense(32, Name = "fc1")]
    [BatchNorm(Name = "bn1")]
    [ReLU]
    [Dropout(0.25)]
    [Dense(16, Name = "fc2")]
    [BatchNorm(Name = "bn2")]
    [ReLU]
    [Dense(4, Name = "out")]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Adam(LearningRate = 1e-3)]
    public partial class BnMlp
    {
    }

    /// <summary>A tiny network whose dense layers are fully unrolled: XOR with tanh and sigmoid.</summary>
    [Model]
    [Input(2)]
    [Dense(4)]
    [Tanh]
    [Dense(1)]
    [Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy)]
    [Sgd(LearningRate = 0.5, Momentum = 0.9, Nesterov = true)]
    public partial class TinyXor
    {
    }

    /// <summary>A regression network with mean squared error.</summary>
    [Model]
    [Input(13)]
    [Dense(24)]
    [LeakyReLU(0.1)]
    [Dense(12, UseBias = false)]
    [Tanh]
    [Dense(3)]
    [Loss(LossKind.MeanSquaredError)]
    [Sgd(LearningRate = 0.01, Momentum = 0.5, WeightDecay = 1e-4)]
    public partial class Regressor
    {
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>Every layer kind in one network, with softmax before an MSE loss so the softmax Jacobian is exercised.</summary>
    [Model]
    [Input(7)]
    [BatchNorm(Convention = BatchNormConvention.Keras, Name = "bn_in")]
    [Dense(9)]
    [Sigmoid]
    [Dropout(0.2)]
    [Dense(6)]
    [ReLU]
    [BatchNorm]
    [Dense(5)]
    [Softmax]
    [Loss(LossKind.MeanSquaredError)]
    [Sgd(LearningRate = 0.05)]
    public partial class Everything
    {
    }

    /// <summary>One feature, PyTorch-convention BatchNorm, for the DESIGN.md numbers.</summary>
    [Model, Input(1), BatchNorm, Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.01)]
    public partial class BnTorch
    {
    }

    /// <summary>One feature, Keras-convention BatchNorm (momentum 0.99, eps 1e-3).</summary>
    [Model, Input(1), BatchNorm(Convention = BatchNormConvention.Keras), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.01)]
    public partial class BnKeras
    {
    }

    /// <summary>One feature, Keras convention with eps 1e-5.</summary>
    [Model, Input(1), BatchNorm(Convention = BatchNormConvention.Keras, Epsilon = 1e-5), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.01)]
    public partial class BnKerasSmallEps
    {
    }

    /// <summary>y = w . x, plain SGD.</summary>
    [Model, Input(2), Dense(1, UseBias = false), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.1)]
    public partial class LinearSgd
    {
    }

    /// <summary>y = w . x, SGD with momentum and Keras decay.</summary>
    [Model, Input(2), Dense(1, UseBias = false), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.1, Momentum = 0.9, Decay = 0.5)]
    public partial class LinearMomentum
    {
    }

    /// <summary>y = w . x, SGD with Nesterov momentum and weight decay.</summary>
    [Model, Input(2), Dense(1, UseBias = false), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 0.01)]
    public partial class LinearNesterov
    {
    }

    /// <summary>y = w . x, Adam with non-default hyper-parameters and weight decay.</summary>
    [Model, Input(2), Dense(1, UseBias = false), Loss(LossKind.MeanSquaredError), Adam(LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, WeightDecay = 0.1)]
    public partial class LinearAdam
    {
    }

    /// <summary>The benchmark MLP shape, 784-256(BN, ReLU)-128(BN, ReLU)-10, for save/load and invariance at realistic widths.</summary>
    [Model]
    [Input(784)]
    [Dense(256, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(128, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class Mlp784
    {
    }

    /// <summary>An inference-only model (no loss, no optimizer): no Trainer is generated.</summary>
    [Model, Input(3), Dense(2), Tanh]
    public partial class InferenceOnly
    {
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>Opted in to batch statistics at inference (test-time adaptation): the declared exception to invariance.</summary>
    [Model, Input(3), Dense(4), BatchNorm(UseBatchStatisticsAtInference = true, Reason = "test-time adaptation"), Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class AdaptiveNet
    {
    }

    /// <summary>Monte Carlo dropout: dropout stays active at inference, on purpose.</summary>
    [Model, Input(6), Dense(16), ReLU, Dropout(0.5, ActiveAtInference = true, Reason = "Monte Carlo dropout"), Dense(2)]
    public partial class McDropoutNet
    {
    }

    /// <summary>
    /// Layers too wide for stack buffers (2,048 features; a block of 4 rows would take 64 KiB): inference runs in the
    /// per-thread workspace.
    /// </summary>
    [Model]
    [Input(300)]
    [Dense(2048, Name = "wide")]
    [BatchNorm]
    [ReLU]
    [Dense(10)]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class WideNet
    {
    }

    /// <summary>
    /// BatchNorm widths that are not multiples of four (257 and 6): a training step of many rows splits their features over
    /// the cores in groups of four, and the last group ends with features the scalar loop computes.
    /// </summary>
    [Model]
    [Input(40)]
    [Dense(257, Name = "odd")]
    [BatchNorm(Name = "bnOdd")]
    [ReLU]
    [Dense(6, Name = "six")]
    [BatchNorm(Name = "bnSix")]
    [Tanh]
    [Dense(3)]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Adam(LearningRate = 0.01)]
    public partial class OddBatchNormNet
    {
    }

    /// <summary>Two dropout layers wider than 65,536 features (their masks once collided: layer * 65536 + feature).</summary>
    [Model]
    [Input(65600)]
    [Dropout(0.5)]
    [Dropout(0.5)]
    [Loss(LossKind.MeanSquaredError)]
    [Sgd]
    public partial class WideDropout
    {
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>
    /// A small CNN with every image layer: Conv2D (1 x 1, "same" with an even kernel, dilated without bias), BatchNorm over
    /// channels, max and overlapping average pooling, GELU, Flatten, then dense layers. Smooth activations, and the max
    /// pooling sees a monotone map of each input pixel (a 1 x 1 convolution of one channel, BatchNorm, sigmoid), so a
    /// small change of a parameter never changes which input a window takes: a gradient check meets no kinks.
    /// </summary>
    [Model]
    [Input(1, 11, 10)]
    [Conv2D(5, 1, Name = "conv1")]
    [BatchNorm(Name = "bn1")]
    [Sigmoid]
    [MaxPool2D(2)]
    [Conv2D(18, 2, Stride = 1, PaddingMode = PaddingMode.Same, Name = "conv2")]
    [GELU]
    [AvgPool2D(2, Stride = 1)]
    [Conv2D(4, 2, Dilation = 2, UseBias = false, Name = "conv3")]
    [BatchNorm(Convention = BatchNormConvention.Keras, Name = "bn3")]
    [Flatten]
    [Dense(7, Name = "fc")]
    [Tanh]
    [Dense(3, Name = "out")]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Adam(LearningRate = 1e-2)]
    public partial class SmallCnn
    {
    }

    /// <summary>
    /// A strided convolution, LayerNorm per channel, global average pooling, for regression; smooth (no kinks) for gradient
    /// checks. GELU comes after LayerNorm, and no BatchNorm follows the pooling: a linear map of LayerNorm's output averaged
    /// over the positions it normalized is the same for every sample while its weight is 1, and pooled features that vary
    /// little over the batch make a BatchNorm after them so curved that a central difference means nothing.
    /// </summary>
    [Model]
    [Input(3, 9, 9)]
    [Conv2D(20, 3, Stride = 2, Padding = 1)]
    [LayerNorm(Dims = 2)]
    [GELU]
    [Conv2D(17, 1)]
    [GlobalAvgPool]
    [Dense(2)]
    [Loss(LossKind.MeanSquaredError)]
    [Sgd(LearningRate = 0.05, Momentum = 0.9)]
    public partial class GlobalPoolCnn
    {
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>
    /// A CNN with more than 64 filters per layer, so training splits its weight gradients by filter panels over threads,
    /// and a dropout wide enough for its rows to be split too (each row's mask must not depend on the split).
    /// </summary>
    [Model]
    [Input(3, 12, 12)]
    [Conv2D(80, 3, Padding = 1)]
    [BatchNorm]
    [ReLU]
    [MaxPool2D(2)]
    [Dropout(0.2)]
    [Conv2D(70, 3)]
    [ReLU]
    [GlobalAvgPool]
    [Dense(10)]
    [Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.05, Momentum = 0.9)]
    public partial class WideCnn
    {
    }
}
