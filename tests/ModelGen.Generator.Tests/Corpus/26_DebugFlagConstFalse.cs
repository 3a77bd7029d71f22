// A debug-only adaptation path behind a constant that is false in this build. Clean.
using System;
using ModelGen;

namespace Corpus.DebugFlag
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class QualityNet { }

    public sealed class Inspector
    {
        private const bool AdaptInDebug = false;
        private readonly QualityNet _net = new QualityNet();

        [InferenceEntryPoint]
        public float[] Inspect(float[] rows)
        {
            if (AdaptInDebug)
            {
                Adapt(rows);
            }

            var y = new float[rows.Length / 2];
            _net.PredictBatch(rows, y);
            return y;
        }

        private void Adapt(float[] rows) => _net.CreateTrainer(32).ComputeGradients(rows, new float[rows.Length / 2]);
    }
}
