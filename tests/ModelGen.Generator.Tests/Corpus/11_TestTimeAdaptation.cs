// Test-time adaptation on purpose: the entry point opts in with a reason. Clean.
using System;
using ModelGen;

namespace Corpus.Tta
{
    [Model, Input(10), Dense(10), BatchNorm(UseBatchStatisticsAtInference = true, Reason = "test-time adaptation to each incoming sensor batch"), ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class AdaptiveNet { }

    public sealed class Adapter
    {
        private readonly AdaptiveNet _net = new AdaptiveNet();

        [InferenceEntryPoint]
        [UsesBatchStatistics(Reason = "domain shift: BatchNorm follows each incoming batch of sensor readings")]
        public float[] Classify(float[] batch)
        {
            var y = new float[batch.Length / AdaptiveNet.InputSize * AdaptiveNet.OutputSize];
            _net.PredictBatch(batch, y);
            return y;
        }
    }
}
