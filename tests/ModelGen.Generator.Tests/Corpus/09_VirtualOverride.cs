// A base scorer with an override that keeps training online. Virtual call resolved to the override.
using System;
using ModelGen;

namespace Corpus.Virtual
{
    [Model, Input(3), Dense(4), Tanh, Dense(1)]
    [Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.01)]
    public partial class DemandNet { }

    public abstract class Forecaster
    {
        protected readonly DemandNet Net = new DemandNet();
        public abstract float Forecast(float[] x);
    }

    public sealed class OnlineForecaster : Forecaster
    {
        private readonly DemandNet.Trainer _trainer;
        public OnlineForecaster() => _trainer = Net.CreateTrainer(1);
        public override float Forecast(float[] x) => _trainer.TrainStep(x, new float[1]);
    }

    public sealed class Dashboard
    {
        [InferenceEntryPoint]
        public float Show(Forecaster f, float[] x) => f.Forecast(x); // expect: MG1001
    }
}
