// A positional pattern calls Deconstruct; this one computes the batch's mean and deviation.
using ModelGen;

namespace Corpus.PositionalPattern
{
    public sealed class Batch
    {
        private readonly float[] _rows;

        public Batch(float[] rows) => _rows = rows;

        [UsesBatchStatistics]
        public void Deconstruct(out float mean, out float deviation)
        {
            mean = 0;
            foreach (var v in _rows)
            {
                mean += v / _rows.Length;
            }

            deviation = 1;
        }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(float[] row)
        {
            var batch = new Batch(row);
            return Scale(batch, row); // expect: MG1001
        }

        private static float Scale(Batch batch, float[] row) => batch is (var mean, var deviation) ? (row[0] - mean) / deviation : row[0];
    }
}
