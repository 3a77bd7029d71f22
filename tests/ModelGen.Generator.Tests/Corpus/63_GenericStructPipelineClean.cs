// A pipeline generic over a struct normalizer (a class type parameter): the serving pipeline is built over the per-row
// normalizer, the training pipeline over the batch one.
using ModelGen;

namespace Corpus.StructPipeline
{
    public interface INormalizer { void Normalize(float[] rows); }

    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }

        public static void NormalizeRow(float[] row) { }
    }

    public struct RowNormalizer : INormalizer { public void Normalize(float[] rows) => Stats.NormalizeRow(rows); }

    public struct BatchNormalizer : INormalizer { public void Normalize(float[] rows) => Stats.NormalizeBatch(rows); }

    public sealed class Pipeline<TNormalizer> where TNormalizer : struct, INormalizer
    {
        private TNormalizer _normalizer;

        public float[] Run(float[] rows)
        {
            _normalizer.Normalize(rows);
            return rows;
        }
    }

    public static class Serving
    {
        private static readonly Pipeline<RowNormalizer> Serve = new();
        private static readonly Pipeline<BatchNormalizer> Train = new();

        [InferenceEntryPoint]
        public static float[] Predict(float[] row) => Serve.Run(row);

        public static float[] Prepare(float[] rows) => Train.Run(rows);
    }
}
