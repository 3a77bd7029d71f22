// Kernels: the worker threads generated code splits a call over (rows, panels, features); called only by generated
// code.
using System;
using System.ComponentModel;
using System.Threading;

namespace ModelGen
{
    /// <summary>
    /// The worker threads generated code splits a call over. Not meant to be called by hand. One call runs at a time
    /// (a call that finds the pool busy runs on its own thread); the caller works on a part too, then waits for the rest.
    /// Nothing is allocated per call: the job slot is reused and the spans travel as pinned pointers.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class WorkerPool
    {
        private static readonly object Gate = new();
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static int s_busy;

        /// <summary>
        /// How long a worker spins for the next job before it blocks, in stopwatch ticks (50 microseconds): long enough for the
        /// next layer of a training step, short enough not to take a shared core from the caller's serial work for long (on
        /// the 2-core test machine, 50 beat 200 and 20 for TrainStep, Predict and PredictBatch: docs/benchmarks.md).
        /// </summary>
        private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 20000;

        /// <summary>
        /// Splits <c>[0, count)</c> into up to <see cref="Parallelism.MaxDegreeOfParallelism"/> ranges whose bounds are
        /// multiples of <paramref name="granularity"/> (the last range takes the rest) and runs <paramref name="body"/> on each,
        /// one on the calling thread. Returns when all are done. With one range, or when another call holds the pool, runs
        /// everything on the calling thread. Exceptions from a part are rethrown on the calling thread.
        /// </summary>
        public static unsafe void Run<TState>(TState state, ReadOnlySpan<float> inputs, Span<float> outputs, int count, int granularity, PartAction<TState> body)
        {
            int units = (count + granularity - 1) / Math.Max(1, granularity);
            int parts = Math.Min(Parallelism.MaxDegreeOfParallelism, units);
            if (parts <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            {
                body(state, inputs, outputs, 0, count);
                return;
            }

            try
            {
                var workers = Workers(parts - 1);
                fixed (float* x = inputs)
                fixed (float* y = outputs)
                {
                    var job = Job<TState>.Instance;
                    job.Set(state, body, x, inputs.Length, y, outputs.Length, count, granularity, units, parts);
                    for (int i = 0; i < parts - 1; i++)
                    {
                        workers[i].Post(job, i + 1);
                    }

                    job.Execute(0);
                    for (int i = 0; i < parts - 1; i++)
                    {
                        workers[i].Wait();
                    }

                    var error = job.TakeError();
                    job.Clear();
                    if (error is not null)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                    }
                }
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        private static Worker[] Workers(int needed)
        {
            var workers = Volatile.Read(ref s_workers);
            if (workers.Length >= needed)
            {
                return workers;
            }

            lock (Gate)
            {
                if (s_workers.Length < needed)
                {
                    var grown = new Worker[needed];
                    Array.Copy(s_workers, grown, s_workers.Length);
                    for (int i = s_workers.Length; i < needed; i++)
                    {
                        grown[i] = new Worker(i);
                    }

                    Volatile.Write(ref s_workers, grown);
                }

                return s_workers;
            }
        }

        /// <summary>A job: the state, the body and the pinned spans of one call.</summary>
        private abstract class JobBase
        {
            public abstract void Execute(int part);
        }

        private sealed unsafe class Job<TState> : JobBase
        {
            public static readonly Job<TState> Instance = new();

            private TState _state = default!;
            private PartAction<TState>? _body;
            private float* _x;
            private int _xLength;
            private float* _y;
            private int _yLength;
            private int _count;
            private int _granularity;
            private int _units;
            private int _parts;
            private Exception? _error;

            public void Set(TState state, PartAction<TState> body, float* x, int xLength, float* y, int yLength, int count, int granularity, int units, int parts)
            {
                _state = state;
                _body = body;
                _x = x;
                _xLength = xLength;
                _y = y;
                _yLength = yLength;
                _count = count;
                _granularity = granularity;
                _units = units;
                _parts = parts;
                _error = null;
            }

            public override void Execute(int part)
            {
                // Part i takes units [i * units / parts, (i + 1) * units / parts): contiguous, in order, sizes within one.
                int start = (int)((long)part * _units / _parts) * _granularity;
                int end = part == _parts - 1 ? _count : (int)((long)(part + 1) * _units / _parts) * _granularity;
                try
                {
                    _body!(_state, new ReadOnlySpan<float>(_x, _xLength), new Span<float>(_y, _yLength), start, Math.Min(end, _count));
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref _error, ex, null);
                }
            }

            public Exception? TakeError() => Interlocked.Exchange(ref _error, null);

            public void Clear()
            {
                _state = default!;
                _body = null;
                _x = null;
                _y = null;
            }
        }

        /// <summary>A background thread that runs one part of each job it is posted, then reports done.</summary>
        private sealed class Worker
        {
            private readonly SemaphoreSlim _start = new(0);
            private readonly ManualResetEventSlim _done = new(false, 2047);
            private JobBase? _job;
            private int _part;
            private int _posted;

            public Worker(int index)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = "ModelGen worker " + index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                thread.Start();
            }

            public void Post(JobBase job, int part)
            {
                _job = job;
                _part = part;
                _done.Reset();
                Volatile.Write(ref _posted, 1);
                _start.Release();
            }

            public void Wait() => _done.Wait();

            private void Loop()
            {
                while (true)
                {
                    // Spin a little first: the jobs of one training step come in quick succession.
                    long until = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
                    while (Volatile.Read(ref _posted) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(20);
                    }

                    _start.Wait();
                    Volatile.Write(ref _posted, 0);
                    _job!.Execute(_part);
                    _job = null;
                    _done.Set();
                }
            }
        }
    }
}
