// A service split over two partial declarations; the helper in the second one uses batch statistics.
using System;
using ModelGen;

namespace Corpus.Partial
{
    [Model, Input(4), Dense(6), ReLU, Dense(2), Softmax]
    public partial class TagNet { }

    public static class Norm
    {
        [UsesBatchStatistics]
        public static void Center(float[] rows) { }
    }

    public partial class Tagger
    {
        private readonly TagNet _net = new TagNet();

        [InferenceEntryPoint]
        public float[] Tag(float[] rows) { Prepare(rows); var y = new float[rows.Length / 2]; _net.PredictBatch(rows, y); return y; } // expect: MG1001
    }

    public partial class Tagger
    {
        private void Prepare(float[] rows) => Stage(rows);
        private static void Stage(float[] rows) => Norm.Center(rows);
    }
}
