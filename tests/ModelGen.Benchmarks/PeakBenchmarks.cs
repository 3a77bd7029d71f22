using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ModelGen.Benchmarks
{
    /// <summary>
    /// The machine's fp32 fused multiply-add peak as .NET reaches it: 12 independent Vector256 (and, where accelerated,
    /// Vector512) accumulator chains in registers, no memory traffic. GFLOP/s = 2 * lanes * 12 * Iterations / time; the
    /// reference for "fraction of peak" in docs/benchmarks.md.
    /// </summary>
    public class PeakBenchmarks
    {
        /// <summary>Loop trips per call: 12 FMAs each.</summary>
        public const int Iterations = 1 << 20;

        /// <summary>Flops per call of the 256-bit loop: 2 * 8 lanes * 12 * Iterations.</summary>
        public const double Flops256 = 2.0 * 8 * 12 * Iterations;

        /// <summary>One core, 256-bit FMA.</summary>
        [Benchmark]
        public float Fma256OneThread() => Chains256(1.0000001f);

        /// <summary>Two threads, 256-bit FMA (twice the flops of one call).</summary>
        [Benchmark]
        public float Fma256TwoThreads()
        {
            float a = 0, b = 0;
            Parallel.Invoke(() => a = Chains256(1.0000001f), () => b = Chains256(0.9999999f));
            return a + b;
        }

        private static float Chains256(float m)
        {
            var f = Vector256.Create(m);
            var c = Vector256.Create(1e-7f);
            Vector256<float> a0 = f, a1 = f, a2 = f, a3 = f, a4 = f, a5 = f, a6 = f, a7 = f, a8 = f, a9 = f, a10 = f, a11 = f;
            for (int i = 0; i < Iterations; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, f, c); a1 = Vector256.FusedMultiplyAdd(a1, f, c); a2 = Vector256.FusedMultiplyAdd(a2, f, c);
                a3 = Vector256.FusedMultiplyAdd(a3, f, c); a4 = Vector256.FusedMultiplyAdd(a4, f, c); a5 = Vector256.FusedMultiplyAdd(a5, f, c);
                a6 = Vector256.FusedMultiplyAdd(a6, f, c); a7 = Vector256.FusedMultiplyAdd(a7, f, c); a8 = Vector256.FusedMultiplyAdd(a8, f, c);
                a9 = Vector256.FusedMultiplyAdd(a9, f, c); a10 = Vector256.FusedMultiplyAdd(a10, f, c); a11 = Vector256.FusedMultiplyAdd(a11, f, c);
            }

            return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        }
    }
}
