// A port of a PyTorch model with BatchNorm1d(track_running_stats=False), without saying why.
using ModelGen;

namespace Corpus.Port
{
    [Model, Input(20), Dense(32)]
    [BatchNorm(UseBatchStatisticsAtInference = true)] // expect: MG1002
    [ReLU, Dense(5), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class PortedNet { }
}
