// Polymorphic recursion: each call instantiates the method with a deeper type argument, without end. The analysis
// specializes generic calls by their type arguments, so it must stop somewhere (here, past a nesting depth) and still
// find the batch statistics the recursion reaches.
using System.Collections.Generic;
using ModelGen;

namespace Corpus.PolymorphicRecursion
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch() { }
    }

    public static class Nest
    {
        public static int Depth<T>(T value, int n)
        {
            if (n == 0)
            {
                Stats.NormalizeBatch();
                return 0;
            }

            return 1 + Depth(new List<T> { value }, n - 1);
        }

        public static int Clean<T>(T value, int n) => n == 0 ? 0 : 1 + Clean(new[] { value }, n - 1);

        [InferenceEntryPoint]
        public static int Predict(float x) => Depth(x, 3); // expect: MG1001

        [InferenceEntryPoint]
        public static int PredictClean(float x) => Clean(x, 3);
    }
}
