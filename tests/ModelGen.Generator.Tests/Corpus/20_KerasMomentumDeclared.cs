// The same port with the convention declared. Clean.
using ModelGen;

namespace Corpus.PortedRight
{
    [Model, Input(32), Dense(64)]
    [BatchNorm(Momentum = 0.99, Epsilon = 1e-3, Convention = BatchNormConvention.Keras)]
    [ReLU, Dense(10), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class PortedNet { }
}
