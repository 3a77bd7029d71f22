// Online learning one event at a time on a model without BatchNorm: fine. Clean.
using System;
using ModelGen;

namespace Corpus.OnlinePlain
{
    [Model, Input(4), Dense(8), Tanh, Dense(1), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.01)]
    public partial class ClickNet { }

    public sealed class OnlineLearner
    {
        private readonly ClickNet _net = new ClickNet();
        private readonly ClickNet.Trainer _trainer;

        public OnlineLearner() => _trainer = _net.CreateTrainer(maxBatchSize: 1);

        public void OnEvent(float[] features, bool clicked) => _trainer.TrainStep(features, new[] { clicked ? 1f : 0f });

        [InferenceEntryPoint]
        public float Probability(float[] features) { var y = new float[1]; _net.Predict(features, y); return y[0]; }
    }
}
