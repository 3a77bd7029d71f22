// Online learning, one event at a time, on a model with BatchNorm.
using System;
using ModelGen;

namespace Corpus.Online
{
    [Model, Input(4), Dense(8), BatchNorm, ReLU, Dense(1), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.01)]
    public partial class ClickNet { }

    public sealed class OnlineLearner
    {
        private readonly ClickNet _net = new ClickNet();
        private readonly ClickNet.Trainer _trainer;

        public OnlineLearner() => _trainer = _net.CreateTrainer(maxBatchSize: 1); // expect: MG1004

        public void OnEvent(float[] features, bool clicked) => _trainer.TrainStep(features, new[] { clicked ? 1f : 0f });
    }
}
