// A class without a written constructor still runs its base class's constructor; this base warms up on a batch.
using ModelGen;

namespace Corpus.BaseConstructor
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public class Calibrated
    {
        protected Calibrated()
        {
            Stats.NormalizeBatch(new float[16]);
        }
    }

    public sealed class RequestScorer : Calibrated
    {
        public float Score(float[] row) => row[0];
    }

    public sealed class ExplicitScorer : Calibrated
    {
        public ExplicitScorer(float bias) => Bias = bias;

        public float Bias { get; }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(float[] row) => new RequestScorer().Score(row); // expect: MG1001

        [InferenceEntryPoint]
        public static float PredictWithBias(float[] row) => new ExplicitScorer(0.5f).Bias + row[0]; // expect: MG1001
    }
}
