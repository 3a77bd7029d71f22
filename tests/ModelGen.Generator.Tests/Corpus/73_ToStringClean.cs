// Logging a request formats it (its ToString reads fields only) and numbers; another type's ToString uses the batch, but
// a sealed Request can only run its own.
using System;
using ModelGen;

namespace Corpus.ToStringClean
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static float BatchMean(float[] rows) => 0;
    }

    public sealed class Request
    {
        public Request(string id, float[] row) { Id = id; Row = row; }

        public string Id { get; }

        public float[] Row { get; }

        public override string ToString() => $"request {Id} ({Row.Length} features)";
    }

    public sealed class BatchReport
    {
        private readonly float[] _rows;

        public BatchReport(float[] rows) => _rows = rows;

        public override string ToString() => "mean " + Stats.BatchMean(_rows);
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(Request request)
        {
            Console.WriteLine($"scoring {request} at {DateTime.UtcNow}, " + request.Row.Length + " values");
            return request.Row[0];
        }

        public static void Report(float[] rows) => Console.WriteLine("nightly " + new BatchReport(rows));
    }
}
