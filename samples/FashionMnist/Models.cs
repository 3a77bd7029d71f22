using ModelGen;

namespace FashionMnist
{
    /// <summary>
    /// The MLP of the Fashion-MNIST benchmark table's size (784-256-128-10), with BatchNorm after each hidden layer.
    /// Tensor names match a PyTorch <c>nn.Sequential</c> with the same names.
    /// </summary>
    [Model, Input(784)]
    [Dense(256, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(128, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "out"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam(LearningRate = 1e-3)]
    public partial class FashionMlp
    {
    }

    /// <summary>
    /// Two convolutions with BatchNorm and max pooling (the benchmark table's "2 Conv + pooling + BN" family), then a
    /// BatchNorm dense layer: 28x28 -> 32x14x14 -> 64x7x7 -> 128 -> 10.
    /// </summary>
    [Model, Input(1, 28, 28)]
    [Conv2D(32, 3, Padding = 1, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU, MaxPool2D(2)]
    [Conv2D(64, 3, Padding = 1, Name = "conv2"), BatchNorm(Name = "bn2"), ReLU, MaxPool2D(2)]
    [Flatten, Dense(128, Name = "fc"), BatchNorm(Name = "bn3"), ReLU, Dropout(0.3)]
    [Dense(10, Name = "out"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam(LearningRate = 1e-3)]
    public partial class FashionCnn
    {
    }
}
