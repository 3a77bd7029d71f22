// The same hierarchy, but the service holds the abstract Scorer: the adaptive override can be what runs.
using ModelGen;

namespace Corpus.VirtualWide
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

    public sealed class AdaptiveScorer : Scorer
    {
        public override float Score(float[] row) { Stats.NormalizeBatch(row); return row[0]; }
    }

    public sealed class Service
    {
        private readonly Scorer _scorer;

        public Service(Scorer scorer) => _scorer = scorer;

        [InferenceEntryPoint]
        public float Predict(float[] row) => _scorer.Score(row); // expect: MG1001
    }
}
