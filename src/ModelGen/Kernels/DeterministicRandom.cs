// Kernels: the seeded random generator behind weight initialization, dropout masks and shuffling, the same sequence on
// every platform.
using System;

namespace ModelGen
{
    /// <summary>
    /// A small, fast pseudo-random generator (SplitMix64) whose sequence is fixed by its seed on every platform and
    /// .NET version, unlike <see cref="Random"/>. Used for weight initialization, shuffling and dropout masks.
    /// </summary>
    public struct DeterministicRandom
    {
        private ulong _state;

        /// <summary>The generator's whole state, for checkpoints (a generator given this state continues the same sequence).</summary>
        internal ulong State
        {
            readonly get => _state;
            set => _state = value;
        }

        /// <summary>Creates a generator from a seed.</summary>
        public DeterministicRandom(long seed) => _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL);

        /// <summary>The next 64 random bits.</summary>
        public ulong NextUInt64()
        {
            ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
            return Mix(z);
        }

        /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
        public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

        /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>A uniform float in [<paramref name="low"/>, <paramref name="high"/>).</summary>
        public float NextUniform(float low, float high) => low + ((high - low) * NextSingle());

        /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
        public int NextInt(int maxExclusive)
        {
            if (maxExclusive <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The upper bound must be positive.");
            }

            return (int)((NextUInt64() >> 33) % (ulong)maxExclusive);
        }

        /// <summary>A standard normal sample (Box-Muller).</summary>
        public double NextGaussian()
        {
            double u1 = 1.0 - NextDouble();
            double u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        /// <summary>
        /// A stateless uniform float in [0, 1) that depends only on its five arguments: the same arguments give the same
        /// number on every platform. Dropout masks use it, so a mask depends on (seed, step, row, layer, unit) only; every
        /// combination has its own number, whatever the number of units.
        /// </summary>
        /// <param name="seed">The trainer's seed (or -1 for Monte Carlo dropout at inference).</param>
        /// <param name="step">The training iteration (or the inference call).</param>
        /// <param name="row">The row of the batch.</param>
        /// <param name="layer">The layer's position.</param>
        /// <param name="unit">The feature.</param>
        public static float Hash(long seed, long step, int row, int layer, int unit)
        {
            ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
            z = Mix(unchecked(z + ((ulong)step * 0xBF58476D1CE4E5B9UL)));
            z = Mix(unchecked(z + ((ulong)(uint)row << 32) + (uint)layer));
            z = Mix(unchecked(z + (uint)unit));
            return (z >> 40) * (1.0f / (1 << 24));
        }

        private static ulong Mix(ulong z)
        {
            unchecked
            {
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }
    }
}
