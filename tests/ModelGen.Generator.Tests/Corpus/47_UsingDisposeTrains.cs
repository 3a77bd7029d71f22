// A scope object whose Dispose "commits" feedback by training; the entry point wraps prediction in a using block.
using System;
using ModelGen;

namespace Corpus.Using
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class ScopeNet { }

    public sealed class FeedbackScope : IDisposable
    {
        private readonly ScopeNet _net;

        public FeedbackScope(ScopeNet net) => _net = net;

        public void Dispose() => _net.CreateTrainer(2).TrainStep(new float[8], new float[4]);
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float[] Predict(ScopeNet net, float[] row)
        {
            using var scope = new FeedbackScope(net); // expect: MG1001
            var y = new float[2];
            net.Predict(row, y);
            return y;
        }
    }
}
