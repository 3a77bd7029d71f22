// A custom awaitable: awaiting it calls GetAwaiter, IsCompleted and GetResult, and this GetResult refits the batch.
using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using ModelGen;

namespace Corpus.AwaitTrains
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public readonly struct Refit
    {
        public Refit(float[] rows) => Rows = rows;

        public float[] Rows { get; }

        public RefitAwaiter GetAwaiter() => new RefitAwaiter(Rows);
    }

    public readonly struct RefitAwaiter : INotifyCompletion
    {
        private readonly float[] _rows;

        public RefitAwaiter(float[] rows) => _rows = rows;

        public bool IsCompleted => true;

        public float[] GetResult()
        {
            Stats.NormalizeBatch(_rows);
            return _rows;
        }

        public void OnCompleted(Action continuation) => continuation();
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static async Task<float> PredictAsync(float[] rows)
        {
            var normalized = await new Refit(rows); // expect: MG1001
            return normalized[0];
        }
    }
}
