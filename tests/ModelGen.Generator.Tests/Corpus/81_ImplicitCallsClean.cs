// The silent partners of 67-80: every implicit call is here (event accessors, Deconstruct in a positional pattern, an
// index from the end, with, a collection expression, setters through deconstruction and ??=, an implicit base
// constructor, await foreach, await using, a list pattern, a range), each reaching only per-row code, while the one type
// that uses the batch is reached from a training method only.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelGen;

namespace Corpus.ImplicitClean
{
    public static class Stats
    {
        [UsesBatchStatistics]
        public static void NormalizeBatch() { }

        public static void NormalizeRow() { }
    }

    public sealed class Monitor
    {
        private Action? _handlers;

        public event Action Scored { add { Stats.NormalizeRow(); _handlers += value; } remove => _handlers -= value; }
    }

    public readonly struct Pair
    {
        public void Deconstruct(out float a, out float b) { Stats.NormalizeRow(); a = 0; b = 0; }
    }

    public sealed class Window
    {
        public int Length { get { Stats.NormalizeRow(); return 4; } }

        public float this[int i] => i;

        public Window Slice(int start, int length) => this;
    }

    public record Features(float[] Rows)
    {
        protected Features(Features original) { Stats.NormalizeRow(); Rows = original.Rows; }
    }

    public sealed class RowList : IEnumerable<float[]>
    {
        private readonly List<float[]> _rows = new();

        public void Add(float[] row) { Stats.NormalizeRow(); _rows.Add(row); }

        public IEnumerator<float[]> GetEnumerator() => _rows.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public sealed class Settings
    {
        private string? _name;

        public string? Name { get => _name; set { Stats.NormalizeRow(); _name = value; } }
    }

    public class Base
    {
        protected Base() => Stats.NormalizeRow();
    }

    public sealed class Derived : Base
    {
        public float Score(float[] row) => row[0];
    }

    public sealed class BatchBase
    {
        public BatchBase() => Stats.NormalizeBatch();
    }

    public sealed class Rows : IAsyncEnumerable<float>
    {
        public IAsyncEnumerator<float> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Cursor();

        private sealed class Cursor : IAsyncEnumerator<float>
        {
            public float Current => 0;

            public ValueTask<bool> MoveNextAsync() { Stats.NormalizeRow(); return new ValueTask<bool>(false); }

            public ValueTask DisposeAsync() => default;
        }
    }

    public sealed class Lease : IAsyncDisposable
    {
        public ValueTask DisposeAsync() { Stats.NormalizeRow(); return default; }
    }

    public static class Api
    {
        [InferenceEntryPoint]
        public static void Subscribe(Monitor m) => m.Scored += () => { };

        [InferenceEntryPoint]
        public static float Positional(Pair p) => p is (var a, var b) ? a + b : 0;

        [InferenceEntryPoint]
        public static float Latest(Window w) => w[^1];

        [InferenceEntryPoint]
        public static Window Middle(Window w) => w[1..^1];

        [InferenceEntryPoint]
        public static bool Matches(Window w) => w is [_, .., var last] && last > 0;

        [InferenceEntryPoint]
        public static Features Copy(Features f) => f with { Rows = f.Rows };

        [InferenceEntryPoint]
        public static int Collect(float[] a, float[] b)
        {
            RowList rows = [a, b];
            return 2;
        }

        [InferenceEntryPoint]
        public static int Assign(Settings s)
        {
            (s.Name, var n) = ("x", 1);
            s.Name ??= "y";
            return n;
        }

        [InferenceEntryPoint]
        public static float Create(float[] row) => new Derived().Score(row);

        [InferenceEntryPoint]
        public static async Task<float> Stream(Rows rows)
        {
            float sum = 0;
            await foreach (var v in rows)
            {
                sum += v;
            }

            await using var lease = new Lease();
            return sum;
        }

        public static void Train() => _ = new BatchBase();
    }
}
