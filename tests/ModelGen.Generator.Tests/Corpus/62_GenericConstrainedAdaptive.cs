// The same helper, called from the inference path with the batch-adaptive scorer.
using ModelGen;

namespace Corpus.GenericAdaptive
{
    public interface IScorer { float Score(float[] rows); }

    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public sealed class RowScorer : IScorer { public float Score(float[] rows) => rows[0]; }

    public sealed class BatchScorer : IScorer { public float Score(float[] rows) { Stats.NormalizeBatch(rows); return rows[0]; } }

    public static class Scoring
    {
        public static float Run<TScorer>(TScorer scorer, float[] rows) where TScorer : IScorer => scorer.Score(rows);

        [InferenceEntryPoint]
        public static float Predict(float[] row) => Run(new RowScorer(), row) + Run(new BatchScorer(), row); // expect: MG1001
    }
}
