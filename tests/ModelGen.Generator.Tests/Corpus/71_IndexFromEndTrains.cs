// A window type with Count and an int indexer: window[^1] calls both, and its Count refreshes batch statistics.
using ModelGen;

namespace Corpus.IndexFromEnd
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch(float[] rows) { }
    }

    public sealed class Window
    {
        private readonly float[] _values;

        public Window(float[] values) => _values = values;

        public int Count
        {
            get
            {
                Stats.NormalizeBatch(_values);
                return _values.Length;
            }
        }

        public float this[int i] => _values[i];
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static float Latest(float[] rows) => Last(new Window(rows)); // expect: MG1001

        private static float Last(Window window) => window[^1];
    }
}
