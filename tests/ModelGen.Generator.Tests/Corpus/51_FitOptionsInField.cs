// Options kept in a field of the training job: BatchSize = 1 with a BatchNorm model.
using ModelGen;

namespace Corpus.OptionsField
{
    [Model, Input(4), Dense(8), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class FieldNet { }

    public sealed class Job
    {
        private readonly FitOptions _options = new FitOptions { Epochs = 5, BatchSize = 1 };

        public FieldNet Run(float[] x, float[] y)
        {
            var net = new FieldNet(seed: 2);
            net.CreateTrainer(32).Fit(x, y, _options); // expect: MG1004
            return net;
        }
    }
}
