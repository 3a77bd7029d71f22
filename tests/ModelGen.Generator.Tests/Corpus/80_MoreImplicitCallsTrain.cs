// More calls nobody writes, each from its own entry point, each reaching a member that uses the batch: await foreach,
// await using, a list pattern, a range, foreach with deconstruction, an object initializer, ++ on a property.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelGen;

namespace Corpus.MoreImplicit
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch() { }
    }

    public sealed class Rows : IAsyncEnumerable<float>
    {
        public IAsyncEnumerator<float> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Cursor();

        private sealed class Cursor : IAsyncEnumerator<float>
        {
            public float Current => 0;

            public ValueTask<bool> MoveNextAsync() { Stats.NormalizeBatch(); return new ValueTask<bool>(false); }

            public ValueTask DisposeAsync() => default;
        }
    }

    public sealed class Lease : IAsyncDisposable
    {
        public ValueTask DisposeAsync() { Stats.NormalizeBatch(); return default; }
    }

    public sealed class Window
    {
        public int Length { get { Stats.NormalizeBatch(); return 4; } }

        public float this[int i] => i;

        public Window Slice(int start, int length) => this;
    }

    public readonly struct Pair
    {
        public void Deconstruct(out float a, out float b) { Stats.NormalizeBatch(); a = 0; b = 0; }
    }

    public sealed class Options
    {
        private int _size;

        public int Size { get => _size; set { Stats.NormalizeBatch(); _size = value; } }

        public int Count { get => 0; set => Stats.NormalizeBatch(); }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static async Task<float> Stream(Rows rows)
        {
            float sum = 0;
            await foreach (var v in rows) // expect: MG1001
            {
                sum += v;
            }

            return sum;
        }

        [InferenceEntryPoint]
        public static async Task<int> Leased()
        {
            await using var lease = new Lease(); // expect: MG1001
            return 1;
        }

        [InferenceEntryPoint]
        public static bool Matches(Window w) => w is [_, _, .., var last] && last > 0; // expect: MG1001

        [InferenceEntryPoint]
        public static Window Middle(Window w) => w[1..^1]; // expect: MG1001

        [InferenceEntryPoint]
        public static float Sum(Pair[] pairs)
        {
            float s = 0;
            foreach (var (a, b) in pairs) // expect: MG1001
            {
                s += a + b;
            }

            return s;
        }

        [InferenceEntryPoint]
        public static Options Configure() => new Options { Size = 4 }; // expect: MG1001

        [InferenceEntryPoint]
        public static int Bump(Options options) => options.Count++; // expect: MG1001
    }
}
