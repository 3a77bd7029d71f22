// A batch-statistics model (declared with a reason) called from an ordinary inference endpoint without the opt-in.
using System;
using ModelGen;

namespace Corpus.TtaLeak
{
    [Model, Input(10), Dense(10), BatchNorm(UseBatchStatisticsAtInference = true, Reason = "test-time adaptation"), ReLU, Dense(2), Softmax]
    public partial class AdaptiveNet { }

    public sealed class Endpoint
    {
        private readonly AdaptiveNet _net = new AdaptiveNet();

        [InferenceEntryPoint]
        public float[] Classify(float[] sample)
        {
            var y = new float[AdaptiveNet.OutputSize];
            _net.Predict(sample, y); // expect: MG1007
            return y;
        }
    }
}
