// The same factory, instantiated with the batch scaler on the inference path.
using ModelGen;

namespace Corpus.StaticAbstractTrains
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
        public static float Predict(float[] row) => Scale<BatchScaler>(row); // expect: MG1001
    }
}
