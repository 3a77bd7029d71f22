// Receivers typed by an interface but holding objects the compilation can see: a local and a private readonly field
// that are only ever assigned `new RowScorer()`. The batch scorer implements the same interface, for the training job.
using ModelGen;

namespace Corpus.HolderClean
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
        private IScorer? _fallback;

        [InferenceEntryPoint]
        public float Predict(float[] row)
        {
            IScorer local = new RowScorer();
            _fallback ??= new RowScorer();
            return local.Score(row) + _scorer.Score(row) + _fallback.Score(row);
        }

        public static float Train(float[] rows)
        {
            IScorer trainer = new BatchScorer();
            return trainer.Score(rows);
        }
    }
}
