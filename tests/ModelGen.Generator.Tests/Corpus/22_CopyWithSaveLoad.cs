// The same deployment through SaveWeights/LoadWeights, which carry the running statistics. Clean.
using System;
using System.IO;
using ModelGen;

namespace Corpus.DeployRight
{
    [Model, Input(12), Dense(24), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class FraudNet { }

    public sealed class Deployer
    {
        public FraudNet Promote(FraudNet trained)
        {
            using var buffer = new MemoryStream();
            trained.SaveWeights(buffer);
            buffer.Position = 0;
            var serving = new FraudNet();
            serving.LoadWeights(buffer);
            return serving;
        }
    }
}
