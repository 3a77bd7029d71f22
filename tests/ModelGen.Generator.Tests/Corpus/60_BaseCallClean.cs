// An override that calls base.Score: the compiler calls that one body, not every override of Score in the program.
using ModelGen;

namespace Corpus.BaseCall
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public class Scorer
    {
        public virtual float Score(float[] row) => row[0];
    }

    public sealed class Calibrated : Scorer
    {
        public override float Score(float[] row) => (0.9f * base.Score(row)) + 0.05f;
    }

    public sealed class Adaptive : Scorer
    {
        public override float Score(float[] row) { Stats.NormalizeBatch(row); return base.Score(row); }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(Calibrated scorer, float[] row) => scorer.Score(row);
    }
}
