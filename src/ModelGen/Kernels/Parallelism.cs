// Kernels: the user's one setting for how many threads a generated model's call may use; WorkerPool reads it.
using System;
using System.Threading;

namespace ModelGen
{
    /// <summary>
    /// How many threads generated models use for one call (<c>Predict</c> through a large layer, <c>PredictBatch</c> over many
    /// rows, a training step). Work is split so that no sum crosses threads: by rows, or by whole panels of 16 outputs
    /// (docs/performance.md). Results are bitwise the same for every setting.
    /// </summary>
    public static class Parallelism
    {
        private static int s_degree = Math.Max(1, Environment.ProcessorCount);

        /// <summary>
        /// The most threads one call uses, the calling thread included (default: <see cref="Environment.ProcessorCount"/>;
        /// 1 runs everything on the calling thread). Can be changed at any time; a call in progress keeps the value it began with.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
        public static int MaxDegreeOfParallelism
        {
            get => Volatile.Read(ref s_degree);
            set => Volatile.Write(ref s_degree, value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The degree of parallelism must be at least 1."));
        }
    }
}
