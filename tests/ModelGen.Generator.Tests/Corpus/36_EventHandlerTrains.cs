// An event raised after every prediction; a subscriber registered elsewhere fine-tunes the model on the request.
using System;
using ModelGen;

namespace Corpus.Events
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class EventNet { }

    public sealed class Service
    {
        public readonly EventNet Net = new EventNet();

        public event Action<float[]>? Predicted;

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            var y = new float[2];
            Net.Predict(row, y);
            Predicted?.Invoke(row); // expect: MG1001
            return y;
        }
    }

    public static class Wiring
    {
        public static Service Create()
        {
            var service = new Service();
            service.Predicted += row => service.Net.CreateTrainer(2).TrainStep(new[] { row[0], row[1], row[2], row[3], row[0], row[1], row[2], row[3] }, new float[4]);
            return service;
        }
    }
}
