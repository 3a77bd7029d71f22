// A summary type whose ToString recomputes the batch's statistics; the service logs it by interpolation and concatenation.
using System;
using ModelGen;

namespace Corpus.ToStringTrains
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static float BatchMean(float[] rows) => 0;
    }

    public sealed class Summary
    {
        private readonly float[] _rows;

        public Summary(float[] rows) => _rows = rows;

        public override string ToString() => "mean " + Stats.BatchMean(_rows);
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(float[] rows)
        {
            var summary = new Summary(rows);
            Console.WriteLine($"scoring {summary}"); // expect: MG1001
            Console.WriteLine("scored " + summary); // expect: MG1001
            return rows[0];
        }
    }
}
