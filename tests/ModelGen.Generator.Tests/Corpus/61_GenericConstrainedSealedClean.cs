// A generic helper constrained to an interface, called with a sealed row-wise scorer from the inference path and with the
// batch-adaptive scorer from the calibration job: the inference call can only run the row-wise implementation.
using ModelGen;

namespace Corpus.GenericSealed
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
        public static float Run<TScorer>(TScorer scorer, float[] rows) where TScorer : IScorer => Twice(scorer, rows) / 2;

        private static float Twice<T>(T scorer, float[] rows) where T : IScorer => scorer.Score(rows) * 2;

        [InferenceEntryPoint]
        public static float Predict(float[] row) => Run(new RowScorer(), row);

        public static float Calibrate(float[] rows) => Run(new BatchScorer(), rows);
    }
}
