// Two awaitables: the inference path awaits the row-wise one; the batch one is awaited only by the training job.
using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using ModelGen;

namespace Corpus.AwaitClean
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }

        public static void NormalizeRow(float[] row) { }
    }

    public readonly struct RowPrep
    {
        private readonly float[] _row;

        public RowPrep(float[] row) => _row = row;

        public Awaiter GetAwaiter() => new Awaiter(_row, batch: false);

        public readonly struct Awaiter : INotifyCompletion
        {
            private readonly float[] _rows;
            private readonly bool _batch;

            public Awaiter(float[] rows, bool batch) { _rows = rows; _batch = batch; }

            public bool IsCompleted => true;

            public float[] GetResult() { Stats.NormalizeRow(_rows); return _rows; }

            public void OnCompleted(Action continuation) => continuation();
        }
    }

    public readonly struct BatchPrep
    {
        private readonly float[] _rows;

        public BatchPrep(float[] rows) => _rows = rows;

        public BatchAwaiter GetAwaiter() => new BatchAwaiter(_rows);
    }

    public readonly struct BatchAwaiter : INotifyCompletion
    {
        private readonly float[] _rows;

        public BatchAwaiter(float[] rows) => _rows = rows;

        public bool IsCompleted => true;

        public float[] GetResult() { Stats.NormalizeBatch(_rows); return _rows; }

        public void OnCompleted(Action continuation) => continuation();
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static async Task<float> PredictAsync(float[] row) => (await new RowPrep(row))[0];

        public static async Task<float> TrainAsync(float[] rows) => (await new BatchPrep(rows))[0];
    }
}
