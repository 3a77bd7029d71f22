// Dropout left active at inference by a copy-paste, no reason given.
using ModelGen;

namespace Corpus.DropoutOn
{
    [Model, Input(6), Dense(32), ReLU]
    [Dropout(0.3, ActiveAtInference = true)] // expect: MG1003
    [Dense(1)]
    [Loss(LossKind.MeanSquaredError), Adam]
    public partial class YieldNet { }
}
