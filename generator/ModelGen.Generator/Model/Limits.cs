namespace ModelGen.Generator.Model
{
    /// <summary>The sizes ModelGen accepts; larger declarations get MG0014.</summary>
    internal static class Limits
    {
        /// <summary>
        /// The widest layer (or input) in floats per sample: 2^20. Inference buffers of that width live in a per-thread
        /// workspace (<see cref="StackBytes"/> decides when), and training buffers hold a batch of rows of it.
        /// </summary>
        public const int MaxWidth = 1 << 20;

        /// <summary>The largest parameter count (the parameters live in one <c>float[]</c>).</summary>
        public const long MaxParameters = int.MaxValue / 4;

        /// <summary>
        /// The most stack an inference method takes for its activation buffers: 32 KiB. Wider models get a per-thread
        /// workspace on the heap instead (allocated once per thread), so a deep call stack or a small thread stack is safe.
        /// </summary>
        public const int StackBytes = 32 * 1024;

        /// <summary>Floats per panel of the compute layout and of padded rows: 16 (one 512-bit vector, two 256-bit ones).</summary>
        public const int Lanes = 16;

        /// <summary>
        /// The multiply-adds below which a training step's layer runs on one thread: 2^18 (about 5 microseconds of work on
        /// one core, several times what handing a part to the worker pool costs).
        /// </summary>
        public const long ParallelWork = 1 << 18;

        /// <summary><paramref name="floats"/> rounded up to a whole number of panels.</summary>
        public static int Pad(int floats) => (floats + Lanes - 1) / Lanes * Lanes;
    }
}
