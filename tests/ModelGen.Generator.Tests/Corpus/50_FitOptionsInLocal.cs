// Options built in a local, then edited for a quick experiment: BatchSize = 1 with a BatchNorm model.
using ModelGen;

namespace Corpus.OptionsLocal
{
    [Model, Input(4), Dense(8), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class LocalNet { }

    public static class Script
    {
        public static LocalNet Train(float[] x, float[] y)
        {
            var net = new LocalNet(seed: 1);
            var options = new FitOptions { Epochs = 10, BatchSize = 32 };
            options.BatchSize = 1;
            net.CreateTrainer(32).Fit(x, y, options); // expect: MG1004
            int rows = 1;
            var online = net.CreateTrainer(rows); // expect: MG1004
            return net;
        }
    }
}
