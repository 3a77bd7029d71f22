using ModelGen;

namespace ModelGen.Tests.Models
{
    // The networks of tests/reference/make_vectors.py, declared with default (torch.nn.Sequential) layer names so the
    // PyTorch state_dict loads as it is.

    /// <summary>nn.Sequential(Linear(12, 16), BatchNorm1d(16), ReLU, Linear(16, 8), Tanh, Linear(8, 5), Softmax); SGD momentum 0.9, weight decay 0.01.</summary>
    [Model, Input(12), Dense(16), BatchNorm, ReLU, Dense(8), Tanh, Dense(5), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01)]
    public partial class TorchSgd
    {
    }

    /// <summary>nn.Sequential(Linear(10, 8), LeakyReLU(0.1), dropout 0.3, Linear(8, 6), Sigmoid, Linear(6, 3), Sigmoid); Nesterov SGD.</summary>
    [Model, Input(10), Dense(8), LeakyReLU(0.1), Dropout(0.3), Dense(6), Sigmoid, Dense(3), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.05, Momentum = 0.8, Nesterov = true)]
    public partial class TorchNesterov
    {
    }

    /// <summary>nn.Sequential(BatchNorm1d(7), Linear(7, 9, bias=False), Tanh, Linear(9, 2)); Adam lr 0.01, weight decay 0.001.</summary>
    [Model, Input(7), BatchNorm, Dense(9, UseBias = false), Tanh, Dense(2)]
    [Loss(LossKind.MeanSquaredError), Adam(LearningRate = 0.01, WeightDecay = 0.001)]
    public partial class TorchAdam
    {
    }

    /// <summary>nn.Sequential(Linear(4, 6), Sigmoid, Linear(6, 3), Softmax) trained with mean squared error; plain SGD.</summary>
    [Model, Input(4), Dense(6), Sigmoid, Dense(3), Softmax]
    [Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.5)]
    public partial class TorchSoftmaxMse
    {
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>
    /// nn.Sequential(Conv2d(2, 6, 3, padding=1, bias=False), BatchNorm2d(6), GELU, MaxPool2d(2), Conv2d(6, 5, 2, padding="same"),
    /// LayerNorm([5, 4, 4]), ReLU, AvgPool2d(2), Flatten, Linear(20, 3), Softmax); Adam lr 0.01.
    /// </summary>
    [Model, Input(2, 8, 8), Conv2D(6, 3, Padding = 1, UseBias = false), BatchNorm, GELU, MaxPool2D(2), Conv2D(5, 2, PaddingMode = PaddingMode.Same)]
    [LayerNorm, ReLU, AvgPool2D(2), Flatten, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam(LearningRate = 0.01)]
    public partial class TorchCnn
    {
    }

    /// <summary>nn.Sequential(Linear(6, 10), ReLU, Linear(10, 3), Softmax); AdamW lr 0.01, weight decay 0.1.</summary>
    [Model, Input(6), Dense(10), ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), AdamW(LearningRate = 0.01, WeightDecay = 0.1)]
    public partial class TorchAdamW
    {
    }

    /// <summary>nn.Sequential(Linear(5, 8), Tanh, Linear(8, 2)); RMSprop lr 0.01, alpha 0.9, momentum 0.5, weight decay 0.01.</summary>
    [Model, Input(5), Dense(8), Tanh, Dense(2)]
    [Loss(LossKind.MeanSquaredError), RmsProp(LearningRate = 0.01, Alpha = 0.9, Momentum = 0.5, WeightDecay = 0.01)]
    public partial class TorchRmsprop
    {
    }

    /// <summary>nn.Sequential(Linear(4, 6), Sigmoid, Linear(6, 2)); SGD lr 0.1 halved every step, gradients clipped to norm 0.5.</summary>
    [Model, Input(4), Dense(6), Sigmoid, Dense(2)]
    [Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.1)]
    public partial class TorchClip
    {
    }

    /// <summary>
    /// tests/reference/make_vectors.py's TorchResNet, declared as the README's residual block: a stem, a block with a
    /// strided projection shortcut, a block with an identity shortcut, and a 1 x 1 side branch concatenated with the last
    /// block before global average pooling; SGD lr 0.1, momentum 0.9. Layer names are the PyTorch module names.
    /// </summary>
    [Model, Input(3, 8, 8)]
    [Conv2D(8, 3, Padding = 1, Name = "stem"), BatchNorm(Name = "stembn"), ReLU(Name = "block0")]
    [Conv2D(16, 3, Stride = 2, Padding = 1, Name = "c1"), BatchNorm(Name = "bn1"), ReLU]
    [Conv2D(16, 3, Padding = 1, Name = "c2"), BatchNorm(Name = "bn2")]
    [Conv2D(16, 1, Stride = 2, From = "block0", Name = "proj"), BatchNorm(Name = "projbn")]
    [Add("bn2"), ReLU(Name = "block1")]
    [Conv2D(16, 3, Padding = 1, Name = "c3"), BatchNorm(Name = "bn3"), ReLU]
    [Conv2D(16, 3, Padding = 1, Name = "c4"), BatchNorm(Name = "bn4")]
    [Add("block1"), ReLU(Name = "block2")]
    [Conv2D(8, 1, From = "block1", Name = "side"), ReLU(Name = "sider")]
    [Concatenate("block2"), GlobalAvgPool, Dense(5, Name = "fc"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.1, Momentum = 0.9)]
    public partial class TorchResNet
    {
    }
}
