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
