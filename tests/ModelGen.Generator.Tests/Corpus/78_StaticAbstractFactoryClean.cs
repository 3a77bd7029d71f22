// Generic math style: a static abstract factory called through the type parameter. The inference path instantiates it
// with the per-row scaler; the batch scaler's factory (which fits on a calibration batch) is used by training only.
using ModelGen;

namespace Corpus.StaticAbstractClean
{
    public interface IScaler<TSelf> where TSelf : IScaler<TSelf>
    {
        static abstract TSelf Create(float[] sample);

        float Apply(float value);
    }

    public static class Stats
    {
        [UsesBatchStatistics]
        public static float BatchMean(float[] rows) => 0;
    }

    public readonly struct RowScaler : IScaler<RowScaler>
    {
        public static RowScaler Create(float[] sample) => default;

        public float Apply(float value) => value;
    }

    public readonly struct BatchScaler : IScaler<BatchScaler>
    {
        private readonly float _mean;

        private BatchScaler(float mean) => _mean = mean;

        public static BatchScaler Create(float[] sample) => new BatchScaler(Stats.BatchMean(sample));

        public float Apply(float value) => value - _mean;
    }

    public static class Api
    {
        public static float Scale<T>(float[] rows) where T : IScaler<T> => T.Create(rows).Apply(rows[0]);

        [InferenceEntryPoint]
        public static float Predict(float[] row) => Scale<RowScaler>(row);

        public static float Train(float[] rows) => Scale<BatchScaler>(rows);
    }
}
