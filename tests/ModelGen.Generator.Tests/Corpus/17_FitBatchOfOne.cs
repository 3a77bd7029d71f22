// A training script that copied BatchSize = 1 from a debugging session.
using System;
using ModelGen;

namespace Corpus.FitOne
{
    [Model, Input(4), Dense(8), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class IrisNet { }

    public static class TrainingScript
    {
        public static IrisNet Train(float[] x, float[] y)
        {
            var net = new IrisNet(seed: 1);
            var trainer = net.CreateTrainer(32);
            trainer.Fit(x, y, new FitOptions { Epochs = 50, BatchSize = 1, Shuffle = true }); // expect: MG1004
            return net;
        }
    }
}
