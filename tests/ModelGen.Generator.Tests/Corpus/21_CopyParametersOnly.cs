// Blue/green deployment that copies only the parameters into the serving instance.
using System;
using ModelGen;

namespace Corpus.Deploy
{
    [Model, Input(12), Dense(24), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class FraudNet { }

    public sealed class Deployer
    {
        public FraudNet Promote(FraudNet trained)
        {
            var serving = new FraudNet();
            serving.SetParameters(trained.Parameters); // expect: MG1006
            return serving;
        }
    }
}
