// Options in a local whose BatchSize is set to 1 while debugging and back to 32 before training: nothing to flag.
using ModelGen;

namespace Corpus.OptionsClean
{
    [Model, Input(4), Dense(8), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class CleanNet { }

    public static class Script
    {
        public static CleanNet Train(float[] x, float[] y, bool debug)
        {
            var net = new CleanNet(seed: 1);
            var options = new FitOptions { Epochs = 10, BatchSize = 1 };
            options.BatchSize = 32;
            net.CreateTrainer(32).Fit(x, y, options);
            int rows = 1;
            rows = 16;
            net.CreateTrainer(rows);
            return net;
        }
    }
}
