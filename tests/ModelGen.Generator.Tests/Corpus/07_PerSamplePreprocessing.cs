// The same detector with per-sample standardization fitted on the training set. Clean.
using System;
using ModelGen;

namespace Corpus.PerSample
{
    [Model, Input(5), Dense(8), ReLU, Dense(2), Softmax]
    public partial class SensorNet { }

    public sealed class Detector
    {
        private readonly SensorNet _net = new SensorNet();
        private readonly float[] _mean = new float[5];
        private readonly float[] _std = { 1, 1, 1, 1, 1 };

        [InferenceEntryPoint]
        public float[] Detect(float[] row)
        {
            var x = (float[])row.Clone();
            for (int j = 0; j < x.Length; j++) x[j] = (x[j] - _mean[j]) / _std[j];
            var y = new float[SensorNet.OutputSize];
            _net.Predict(x, y);
            return y;
        }
    }
}
