// A collection expression builds the collection with its constructor and Add; this Add normalizes what it holds so far.
using System.Collections;
using System.Collections.Generic;
using ModelGen;

namespace Corpus.CollectionAdd
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(List<float[]> rows) { }
    }

    public sealed class RowBatch : IEnumerable<float[]>
    {
        private readonly List<float[]> _rows = new();

        public void Add(float[] row)
        {
            _rows.Add(row);
            Stats.NormalizeBatch(_rows);
        }

        public IEnumerator<float[]> GetEnumerator() => _rows.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static int Predict(float[] a, float[] b) => Count(a, b); // expect: MG1001

        private static int Count(float[] a, float[] b)
        {
            RowBatch batch = [a, b];
            return 2;
        }
    }
}
