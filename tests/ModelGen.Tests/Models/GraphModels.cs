using ModelGen;

namespace ModelGen.Tests.Models
{
    /// <summary>
    /// A residual CNN (the README's block shape): a stem, a strided block whose shortcut is a strided 1 x 1 projection with
    /// its own BatchNorm, an identity-shortcut block, and a concatenation of two branches before the head. Tanh and GELU
    /// rather than ReLU keep it smooth for finite differences. Values fan out (block0 to c1 and proj, block1 to c3, the
    /// identity Add and the concatenation), so gradients must add up where they meet.
    /// </summary>
    [Model]
    [Input(2, 7, 7)]
    [Conv2D(4, 3, Padding = 1, Name = "stem"), Tanh(Name = "block0")]
    [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "c1"), BatchNorm(Name = "bn1"), GELU]
    [Conv2D(4, 3, Padding = 1, Name = "c2"), BatchNorm(Name = "bn2")]
    [Conv2D(4, 1, Stride = 2, From = "block0", Name = "proj"), BatchNorm(Name = "projbn")]
    [Add("bn2"), Tanh(Name = "block1")]
    [Conv2D(4, 3, Padding = 1, Name = "c3"), GELU]
    [Add("block1", Name = "block2")]
    [Concatenate("block1"), GlobalAvgPool]
    [Dense(3, Name = "fc"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Adam(LearningRate = 1e-2)]
    public partial class ResidualCnn
    {
    }

    /// <summary>
    /// Every element-wise merge on vectors, a branch from the model's input, a value read by four layers, dropout inside a
    /// branch and a concatenation of the input with a merge: sb - ta, (sb - ta) * ta * sb, the mean of three, the maximum
    /// of three, a minimum, then [input, min, avg] into the head.
    /// </summary>
    [Model]
    [Input(5)]
    [Dense(6, Name = "a"), Tanh(Name = "ta")]
    [Dense(6, From = "input", Name = "b"), Sigmoid(Name = "sb")]
    [Subtract("ta", Name = "sub")]
    [Multiply("ta", "sb", Name = "mul")]
    [Dense(6, From = "ta", Name = "c"), Dropout(0.2, Name = "drop"), GELU(Name = "gc")]
    [Average("mul", "sub", Name = "avg")]
    [Maximum("ta", "sb", Name = "max")]
    [Minimum("gc", Name = "min")]
    [Concatenate("input", "avg", Name = "cat")]
    [Dense(3, Name = "out"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.05, Momentum = 0.9)]
    public partial class MergeMlp
    {
    }

    /// <summary>
    /// A residual block wide enough for training to split its convolutions' weight gradients by filter panels over threads
    /// (more than 64 filters), with an identity shortcut whose gradients add up across the split.
    /// </summary>
    [Model]
    [Input(3, 12, 12)]
    [Conv2D(80, 3, Padding = 1, Name = "c0"), BatchNorm(Name = "bn0"), ReLU(Name = "block0")]
    [Conv2D(80, 3, Padding = 1, Name = "c1"), BatchNorm(Name = "bn1")]
    [Add("block0"), ReLU, GlobalAvgPool]
    [Dense(10, Name = "fc"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.05, Momentum = 0.9)]
    public partial class WideResidual
    {
    }
}
