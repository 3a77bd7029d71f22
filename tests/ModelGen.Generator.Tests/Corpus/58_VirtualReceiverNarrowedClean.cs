// A scorer hierarchy: one override adapts with batch statistics (used by the nightly job), but the service's receiver is
// statically a RowScorer, and nothing derived from RowScorer uses the batch: the adaptive override cannot run there.
using ModelGen;

namespace Corpus.VirtualNarrowed
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }

        public static void NormalizeRow(float[] row) { }
    }

    public abstract class Scorer
    {
        public abstract float Score(float[] row);
    }

    public class RowScorer : Scorer
    {
        public override float Score(float[] row) { Stats.NormalizeRow(row); return row[0]; }
    }

    public sealed class ClippedRowScorer : RowScorer
    {
        public override float Score(float[] row) => System.Math.Min(1f, base.Score(row));
    }

    public sealed class AdaptiveScorer : Scorer
    {
        public override float Score(float[] row) { Stats.NormalizeBatch(row); return row[0]; }
    }

    public sealed class Service
    {
        private readonly RowScorer _scorer;

        public Service(RowScorer scorer) => _scorer = scorer;

        [InferenceEntryPoint]
        public float Predict(float[] row) => _scorer.Score(row);

        public static float Nightly(float[] rows) => new AdaptiveScorer().Score(rows);
    }
}
