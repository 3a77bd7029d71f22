// An evaluation loop that goes through a helper which calls Fit "to warm up" the model. Three calls deep.
using System;
using ModelGen;

namespace Corpus.Evaluation
{
    [Model, Input(4), Dense(8), BatchNorm, Tanh, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.05)]
    public partial class IrisNet { }

    public static class Evaluator
    {
        [InferenceEntryPoint]
        public static double Accuracy(IrisNet net, float[] x, float[] y)
        {
            var predictions = Predict(net, x); // expect: MG1001
            return Metrics.Accuracy(LossKind.CategoricalCrossEntropy, predictions, y, IrisNet.OutputSize);
        }

        private static float[] Predict(IrisNet net, float[] x)
        {
            WarmUp(net, x);
            var outputs = new float[x.Length / IrisNet.InputSize * IrisNet.OutputSize];
            net.PredictBatch(x, outputs);
            return outputs;
        }

        private static void WarmUp(IrisNet net, float[] x) =>
            net.CreateTrainer(16).Fit(x, new float[x.Length / IrisNet.InputSize * IrisNet.OutputSize], new FitOptions { Epochs = 1, BatchSize = 16 });
    }
}
