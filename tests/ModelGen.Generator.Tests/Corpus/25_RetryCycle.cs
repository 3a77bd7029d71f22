// Retry logic with mutual recursion; the fallback branch refits the model.
using System;
using ModelGen;

namespace Corpus.Retry
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class QualityNet { }

    public sealed class Inspector
    {
        private readonly QualityNet _net = new QualityNet();

        [InferenceEntryPoint]
        public float[] Inspect(float[] rows) => Attempt(rows, 3); // expect: MG1001

        private float[] Attempt(float[] rows, int left)
        {
            var y = new float[rows.Length / 2];
            _net.PredictBatch(rows, y);
            return Array.Exists(y, float.IsNaN) ? Retry(rows, left) : y;
        }

        private float[] Retry(float[] rows, int left)
        {
            if (left > 0) return Attempt(rows, left - 1);
            _net.CreateTrainer(32).TrainStep(rows, new float[rows.Length / 2]);
            return Attempt(rows, 0);
        }
    }
}
