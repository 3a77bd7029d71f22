// Monte Carlo dropout for uncertainty, declared with a reason, sampled by an opted-in entry point. Clean.
using System;
using ModelGen;

namespace Corpus.McDropout
{
    [Model, Input(6), Dense(32), ReLU, Dropout(0.3, ActiveAtInference = true, Reason = "Monte Carlo dropout: 30 samples give the predictive spread"), Dense(1)]
    public partial class YieldNet { }

    public static class Uncertainty
    {
        [InferenceEntryPoint]
        [UsesBatchStatistics(Reason = "Monte Carlo dropout sampling for an uncertainty band")]
        public static (float Mean, float Std) Estimate(YieldNet net, float[] x)
        {
            double sum = 0, sq = 0;
            var y = new float[1];
            for (int i = 0; i < 30; i++) { net.Predict(x, y); sum += y[0]; sq += y[0] * y[0]; }
            double mean = sum / 30;
            return ((float)mean, (float)Math.Sqrt(sq / 30 - mean * mean));
        }
    }
}
