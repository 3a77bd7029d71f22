// An event with custom accessors: subscribing runs the add accessor, which warms the model up on a calibration batch.
using System;
using ModelGen;

namespace Corpus.EventAccessor
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class WarmNet { }

    public sealed class Monitor
    {
        private readonly WarmNet _net = new WarmNet();
        private readonly float[] _calibration = new float[16];
        private Action<float[]>? _scored;

        public event Action<float[]> Scored
        {
            add
            {
                _net.CreateTrainer(4).TrainStep(_calibration, new float[8]);
                _scored += value;
            }

            remove => _scored -= value;
        }

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            Scored += r => Console.WriteLine(r.Length); // expect: MG1001
            var y = new float[2];
            _net.Predict(row, y);
            _scored?.Invoke(y);
            return y;
        }
    }
}
