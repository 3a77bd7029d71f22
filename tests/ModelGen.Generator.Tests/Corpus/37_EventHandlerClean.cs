// An event raised after every prediction; its subscriber only logs.
using System;
using ModelGen;

namespace Corpus.EventsClean
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class LoggedNet { }

    public sealed class Service
    {
        private readonly LoggedNet _net = new LoggedNet();

        public event Action<float[]>? Predicted;

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            var y = new float[2];
            _net.Predict(row, y);
            Predicted?.Invoke(y);
            return y;
        }

        public static Service WithLogging()
        {
            var service = new Service();
            service.Predicted += y => Console.WriteLine(string.Join(",", y));
            return service;
        }

        public void Retrain(float[] rows, float[] targets) => _net.CreateTrainer(16).TrainStep(rows, targets);
    }
}
