// Kernels: the 16-float panel operations of the generated dense and convolution kernels, one set of bits for every
// vector width.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#if !NET9_0_OR_GREATER
using System.Runtime.Intrinsics.X86;
#endif

namespace ModelGen
{
    /// <summary>
    /// 16-float panels for the generated dense kernels. A panel value is a <see cref="Vector512{T}"/> whatever the
    /// machine: one 512-bit register where AVX-512 runs, two 256-bit halves, four 128-bit quarters, or 16 scalars. Every
    /// lane is computed on its own with the same IEEE 754 operations (fused multiply-add rounds once, on every path), so
    /// the result has the same bits whichever path runs; the tests force each path and compare.
    /// </summary>
    public static partial class GeneratedCodeSupport
    {
        /// <summary>
        /// Whether the generated kernels take their 512-bit variant (one <see cref="Vector512{T}"/> per 16-float panel) rather
        /// than the 256-bit one (two <see cref="Vector256{T}"/> halves): by default where <see cref="Vector512.IsHardwareAccelerated"/>.
        /// The environment variable <c>MODELGEN_VECTOR_BITS</c> (<c>512</c> or <c>256</c>, read once per process) forces
        /// either, emulated if the hardware lacks it, so tests can run both. Results do not depend on it: every lane is the
        /// same chain of IEEE 754 operations in both.
        /// </summary>
        public static readonly bool Wide = Environment.GetEnvironmentVariable("MODELGEN_VECTOR_BITS") switch
        {
            "512" => true,
            "256" => false,
            _ => Vector512.IsHardwareAccelerated,
        };

        /// <summary>The width of the kernels in use, in bits (512 or 256), for reports.</summary>
        public static int VectorBits => Wide ? 512 : 256;

        private static readonly int ScalarBits = ChooseVectorBits();
        private static readonly bool Use512 = ScalarBits >= 512;
        private static readonly bool Use256 = ScalarBits >= 256;
        private static readonly bool Use128 = ScalarBits >= 128;

        /// <summary>The 16 floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load16(ref float start, int index) => Vector512.LoadUnsafe(ref start, (nuint)index);

        /// <summary>Writes 16 floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store16(Vector512<float> value, ref float start, int index) => Vector512.StoreUnsafe(value, ref start, (nuint)index);

        /// <summary>Writes the first <paramref name="count"/> lanes (fewer than 16) from <paramref name="index"/> on, nothing after.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void StorePartial16(Vector512<float> value, ref float start, int index, int count)
        {
            for (int i = 0; i < count; i++)
            {
                Unsafe.Add(ref start, (nint)(index + i)) = value.GetElement(i);
            }
        }

        /// <summary>16 copies of <paramref name="value"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Splat16(float value) => Vector512.Create(value);

        /// <summary>16 copies of the float at <paramref name="index"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Splat16(ref float start, int index) => Vector512.Create(Unsafe.Add(ref start, (nint)index));

        /// <summary>Sixteen zeros.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Zero16() => Vector512<float>.Zero;

        /// <summary><c>a * b + c</c> in every lane, rounded once (IEEE 754 fusedMultiplyAdd).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Fma16(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        {
            if (Use512)
            {
                return Fma512(a, b, c);
            }

            if (Use256)
            {
                return Fma16Halves(a, b, c);
            }

            return Use128 ? Fma16Quarters(a, b, c) : Fma16Scalar(a, b, c);
        }

        /// <summary>ReLU in every lane with <see cref="MathF.Max(float, float)"/>'s semantics against 0: NaN stays NaN, -0 becomes +0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Relu16(Vector512<float> v) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero) | ~Vector512.Equals(v, v), v, Vector512<float>.Zero);

        /// <summary>LeakyReLU in every lane: <c>v &gt; 0 ? v : alpha * v</c> (NaN stays NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LeakyRelu16(Vector512<float> v, float alpha) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * Vector512.Create(alpha));

        /// <summary><c>a * b + c</c> in every lane, rounded once (IEEE 754 fusedMultiplyAdd).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Fma8(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma256(a, b, c);

        /// <summary>ReLU in every lane, as <see cref="Relu16"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Relu8(Vector256<float> v) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero) | ~Vector256.Equals(v, v), v, Vector256<float>.Zero);

        /// <summary>LeakyReLU in every lane, as <see cref="LeakyRelu16"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LeakyRelu8(Vector256<float> v, float alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * Vector256.Create(alpha));

        /// <summary>16 copies of the float at <paramref name="index"/> as 8 lanes (the 256-bit variant's broadcast).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Splat8(ref float start, int index) => Vector256.Create(Unsafe.Add(ref start, (nint)index));

        /// <summary>The 16 floats from <paramref name="index"/> on with the lanes from <paramref name="count"/> on set to 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LoadMasked16(ref float start, int index, int count) =>
            Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)count)), Load16(ref start, index), Vector512<float>.Zero);

        /// <summary>The 8 floats from <paramref name="index"/> on with the lanes from <paramref name="count"/> on set to 0 (all 0 for a count of 0 or less).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadMasked8(ref float start, int index, int count) =>
            Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)count)), Load8(ref start, index), Vector256<float>.Zero);

        /// <summary>Writes the first <paramref name="count"/> lanes (fewer than 8) from <paramref name="index"/> on, nothing after.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void StorePartial8(Vector256<float> value, ref float start, int index, int count)
        {
            // Through a stack copy: one vector store, then one small block copy of the lanes wanted.
            Span<float> lanes = stackalloc float[8];
            value.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
            lanes.Slice(0, count).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, (nint)index), count));
        }

        /// <summary>
        /// The sum of a 16-lane panel in one fixed order, the same for both kernel variants: lanes i and i + 8 first, then
        /// i and i + 4, then i and i + 2, then lane 0 and lane 1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum16(Vector512<float> v) => Sum16(v.GetLower(), v.GetUpper());

        /// <summary>The sum of a 16-lane panel held as two halves, in <see cref="Sum16(Vector512{float})"/>'s order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum16(Vector256<float> low, Vector256<float> high)
        {
            var s8 = low + high;
            var s4 = s8.GetLower() + s8.GetUpper();
            return (s4.GetElement(0) + s4.GetElement(2)) + (s4.GetElement(1) + s4.GetElement(3));
        }

        /// <summary>The scalar form of <see cref="Relu16"/>, for tails and scalar code.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Relu(float v) => v > 0f || float.IsNaN(v) ? v : 0f;

        private static int ChooseVectorBits()
        {
            const int limit = 512;
            if (limit >= 512 && Vector512.IsHardwareAccelerated && Fma512Supported)
            {
                return 512;
            }

            if (limit >= 256 && Vector256.IsHardwareAccelerated && Fma256Supported)
            {
                return 256;
            }

            return limit >= 128 && Vector128.IsHardwareAccelerated && Fma128Supported ? 128 : 0;
        }

#if NET9_0_OR_GREATER
        private static bool Fma512Supported => true;

        private static bool Fma256Supported => true;

        private static bool Fma128Supported => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Fma512(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> Fma256(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector128<float> Fma128(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
#else
        private static bool Fma512Supported => Avx512F.IsSupported;

        private static bool Fma256Supported => Fma.IsSupported;

        private static bool Fma128Supported => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Fma512(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
            Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : Fma16Scalar(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> Fma256(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
            Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : Vector256.Create(Fma128(a.GetLower(), b.GetLower(), c.GetLower()), Fma128(a.GetUpper(), b.GetUpper(), c.GetUpper()));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector128<float> Fma128(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        {
            if (Fma.IsSupported)
            {
                return Fma.MultiplyAdd(a, b, c);
            }

            if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
            {
                return System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(c, a, b);
            }

            return Vector128.Create(
                MathF.FusedMultiplyAdd(a.GetElement(0), b.GetElement(0), c.GetElement(0)),
                MathF.FusedMultiplyAdd(a.GetElement(1), b.GetElement(1), c.GetElement(1)),
                MathF.FusedMultiplyAdd(a.GetElement(2), b.GetElement(2), c.GetElement(2)),
                MathF.FusedMultiplyAdd(a.GetElement(3), b.GetElement(3), c.GetElement(3)));
        }
#endif

        /// <summary>The 128-bit path: four quarters.</summary>
        internal static Vector512<float> Fma16Quarters(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        {
            var lo = Vector256.Create(Fma128(a.GetLower().GetLower(), b.GetLower().GetLower(), c.GetLower().GetLower()), Fma128(a.GetLower().GetUpper(), b.GetLower().GetUpper(), c.GetLower().GetUpper()));
            var hi = Vector256.Create(Fma128(a.GetUpper().GetLower(), b.GetUpper().GetLower(), c.GetUpper().GetLower()), Fma128(a.GetUpper().GetUpper(), b.GetUpper().GetUpper(), c.GetUpper().GetUpper()));
            return Vector512.Create(lo, hi);
        }

        /// <summary>The scalar path: <see cref="MathF.FusedMultiplyAdd"/> lane by lane.</summary>
        internal static Vector512<float> Fma16Scalar(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        {
            Span<float> r = stackalloc float[16];
            for (int i = 0; i < 16; i++)
            {
                r[i] = MathF.FusedMultiplyAdd(a.GetElement(i), b.GetElement(i), c.GetElement(i));
            }

            return Vector512.Create<float>(r);
        }

        /// <summary>The 256-bit path: two halves.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector512<float> Fma16Halves(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
            Vector512.Create(Fma256(a.GetLower(), b.GetLower(), c.GetLower()), Fma256(a.GetUpper(), b.GetUpper(), c.GetUpper()));
    }
}
