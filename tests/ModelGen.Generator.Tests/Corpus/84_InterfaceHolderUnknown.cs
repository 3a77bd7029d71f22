// The same receivers, but the field can also be set from a parameter, and the local holds either scorer: the batch
// scorer can be what runs.
using ModelGen;

namespace Corpus.HolderUnknown
{
    public interface IScorer { float Score(float[] rows); }

    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public class RowScorer : IScorer { public float Score(float[] rows) => rows[0]; }

    public sealed class BatchScorer : IScorer { public float Score(float[] rows) { Stats.NormalizeBatch(rows); return rows[0]; } }

    public sealed class Service
    {
        private readonly IScorer _scorer = new RowScorer();

        public Service() { }

        public Service(IScorer scorer) => _scorer = scorer;

        [InferenceEntryPoint]
        public float Predict(float[] row) => _scorer.Score(row); // expect: MG1001

        [InferenceEntryPoint]
        public static float Either(float[] row, bool adapt)
        {
            IScorer local = adapt ? new BatchScorer() : new RowScorer();
            return local.Score(row); // expect: MG1001
        }

        [InferenceEntryPoint]
        public static float ViaOut(float[] row)
        {
            IScorer local = new RowScorer();
            Replace(out local);
            return local.Score(row); // expect: MG1001
        }

        private static void Replace(out IScorer scorer) => scorer = new BatchScorer();
    }
}
