// A Keras model ported by copying momentum=0.99 under the default (PyTorch) convention.
using ModelGen;

namespace Corpus.Ported
{
    [Model, Input(32), Dense(64)]
    [BatchNorm(Momentum = 0.99, Epsilon = 1e-3)] // expect: MG1005
    [ReLU, Dense(10), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class PortedNet { }
}
