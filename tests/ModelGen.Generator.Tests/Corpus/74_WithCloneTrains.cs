// A record's copy constructor runs on every `with`; this one refits the normalization to the batch it carries.
using ModelGen;

namespace Corpus.WithClone
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static float[] Refit(float[] rows) => rows;
    }

    public record Features(float[] Rows, float Scale)
    {
        protected Features(Features original)
        {
            Rows = Stats.Refit(original.Rows);
            Scale = original.Scale;
        }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Predict(Features features) => Rescale(features).Rows[0]; // expect: MG1001

        private static Features Rescale(Features f) => f with { Scale = 2 };
    }
}
