// Kernels: the helpers generated code calls on every step (element access, vectors, length checks); the partial files
// beside it add panels, pooling, per-feature passes and GELU.
using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Avx = System.Runtime.Intrinsics.X86.Avx;

namespace ModelGen
{
    /// <summary>
    /// Small helpers every generated model calls (element access without bounds checks, 8-float vector operations, length
    /// errors), kept here once instead of in every model. Not meant to be called by hand: hidden from IntelliSense, and
    /// the generated code is their only caller (it checks every length before it indexes).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class GeneratedCodeSupport
    {
        /// <summary>The element <paramref name="index"/> floats after <paramref name="start"/> (no bounds check: callers check lengths).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ref float At(ref float start, int index) => ref Unsafe.Add(ref start, (nint)index);

        /// <summary>A reference to the first element of <paramref name="array"/> (no bounds check).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ref float Data(float[] array) => ref MemoryMarshal.GetArrayDataReference(array);

        /// <summary>A scratch array of this thread for a weight-gradient kernel's copy of its output gradients.</summary>
        [ThreadStatic]
        private static float[]? t_gradientColumns;

        /// <summary>
        /// This thread's scratch of at least <paramref name="length"/> floats (contents undefined): allocated on the thread's
        /// first use and when a larger batch needs more, reused after, so training steps allocate nothing.
        /// </summary>
        public static float[] GradientColumns(int length)
        {
            var scratch = t_gradientColumns;
            if (scratch is null || scratch.Length < length)
            {
                t_gradientColumns = scratch = new float[length];
            }

            return scratch;
        }

        /// <summary>Eight zeros.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Zero8() => Vector256<float>.Zero;

        /// <summary>Eight copies of <paramref name="value"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Splat8(float value) => Vector256.Create(value);

        /// <summary>The eight floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load8(ref float start, int index) => Vector256.LoadUnsafe(ref start, (nuint)index);

        /// <summary>Writes eight floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store8(Vector256<float> value, ref float start, int index) => Vector256.StoreUnsafe(value, ref start, (nuint)index);

        /// <summary>Sums the 8 lanes in one fixed order: halves added lane-wise, then ((0 + 1) + (2 + 3)).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum8(Vector256<float> v)
        {
            var h = Vector256.GetLower(v) + Vector256.GetUpper(v);
            return (h[0] + h[1]) + (h[2] + h[3]);
        }

        /// <summary>
        /// Copies a row-major <c>[outputs, inputs]</c> weight from <paramref name="canonical"/> into the panel layout the
        /// generated kernels read: for each block of 16 outputs, the 16 weights of input 0, then of input 1, ...; outputs
        /// past the last are 0.
        /// </summary>
        public static void PackPanels(float[] canonical, int offset, float[] packed, int packedOffset, int outputs, int inputs)
        {
            int panels = (outputs + 15) / 16;
            for (int p = 0; p < panels; p++)
            {
                int baseOffset = packedOffset + (p * inputs * 16);
                for (int lane = 0; lane < 16; lane++)
                {
                    int j = (p * 16) + lane;
                    if (j >= outputs)
                    {
                        for (int k = 0; k < inputs; k++)
                        {
                            packed[baseOffset + (k * 16) + lane] = 0f;
                        }

                        continue;
                    }

                    int row = offset + (j * inputs);
                    for (int k = 0; k < inputs; k++)
                    {
                        packed[baseOffset + (k * 16) + lane] = canonical[row + k];
                    }
                }
            }
        }

        /// <summary>The inverse of <see cref="PackPanels"/>: the panels back into a row-major <c>[outputs, inputs]</c> weight.</summary>
        public static void UnpackPanels(float[] packed, int packedOffset, float[] canonical, int offset, int outputs, int inputs)
        {
            for (int j = 0; j < outputs; j++)
            {
                int baseOffset = packedOffset + ((j / 16) * inputs * 16) + (j % 16);
                int row = offset + (j * inputs);
                for (int k = 0; k < inputs; k++)
                {
                    canonical[row + k] = packed[baseOffset + (k * 16)];
                }
            }
        }

        /// <summary>
        /// Writes the panels of a dense weight (<paramref name="outputs"/> x <paramref name="inputs"/>, at
        /// <paramref name="offset"/> in <paramref name="packed"/>, the layout of <see cref="PackPanels"/>) into
        /// <paramref name="transposed"/> as the panels of the transposed weight: for each block of 16 inputs, the 16 weights
        /// of output 0, then of output 1, ...; lanes past the last input are 0. A copy, no arithmetic: 8 x 8 blocks at a
        /// time where the processor has AVX, one float at a time elsewhere, the same values.
        /// </summary>
        public static void TransposePanels(float[] packed, int offset, int inputs, int outputs, float[] transposed)
        {
            int outputPanels = (outputs + 15) / 16, inputPanels = (inputs + 15) / 16;
            ref float source = ref MemoryMarshal.GetArrayDataReference(packed);
            ref float target = ref MemoryMarshal.GetArrayDataReference(transposed);
            for (int t = 0; t < inputPanels; t++)
            {
                int kCount = Math.Min(16, inputs - (t * 16));
                for (int q = 0; q < outputPanels; q++)
                {
                    int jCount = Math.Min(16, outputs - (q * 16));

                    // Source: input t*16 + kk of panel q at offset + q*inputs*16 + (t*16 + kk)*16, its 16 outputs' lanes.
                    // Target: output q*16 + jj of panel t at t*outputs*16 + (q*16 + jj)*16, its 16 inputs' lanes.
                    ref float from = ref Unsafe.Add(ref source, (nint)(offset + (q * inputs * 16) + (t * 256)));
                    ref float to = ref Unsafe.Add(ref target, (nint)((t * outputs * 16) + (q * 256)));
                    if (kCount == 16 && jCount == 16 && Avx.IsSupported)
                    {
                        Transpose8x8(ref from, ref to);
                        Transpose8x8(ref Unsafe.Add(ref from, 8), ref Unsafe.Add(ref to, 128));
                        Transpose8x8(ref Unsafe.Add(ref from, 128), ref Unsafe.Add(ref to, 8));
                        Transpose8x8(ref Unsafe.Add(ref from, 136), ref Unsafe.Add(ref to, 136));
                        continue;
                    }

                    for (int jj = 0; jj < jCount; jj++)
                    {
                        for (int kk = 0; kk < 16; kk++)
                        {
                            Unsafe.Add(ref to, (nint)((jj * 16) + kk)) = kk < kCount ? Unsafe.Add(ref from, (nint)((kk * 16) + jj)) : 0f;
                        }
                    }
                }
            }
        }

        /// <summary>Transposes the 8 x 8 block of rows 16 floats apart at <paramref name="from"/> into rows 16 apart at <paramref name="to"/>.</summary>
        private static void Transpose8x8(ref float from, ref float to)
        {
            var r0 = Vector256.LoadUnsafe(ref from, 0);
            var r1 = Vector256.LoadUnsafe(ref from, 16);
            var r2 = Vector256.LoadUnsafe(ref from, 32);
            var r3 = Vector256.LoadUnsafe(ref from, 48);
            var r4 = Vector256.LoadUnsafe(ref from, 64);
            var r5 = Vector256.LoadUnsafe(ref from, 80);
            var r6 = Vector256.LoadUnsafe(ref from, 96);
            var r7 = Vector256.LoadUnsafe(ref from, 112);

            // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged: column i of the block in row i.
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var s0 = Avx.Shuffle(t0, t2, 0x44);
            var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44);
            var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44);
            var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44);
            var s7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref to, 0);
            Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref to, 16);
            Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref to, 32);
            Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref to, 48);
            Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref to, 64);
            Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref to, 80);
            Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref to, 96);
            Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref to, 112);
        }

        /// <summary>Throws the <see cref="ArgumentException"/> for a span of the wrong length.</summary>
        /// <param name="parameter">The parameter's name.</param>
        /// <param name="actual">Its length.</param>
        /// <param name="expected">The length it needs.</param>
        /// <param name="what">What the method expects, e.g. "Predict expects one input sample of".</param>
        [DoesNotReturn]
        public static void ThrowLength(string parameter, int actual, int expected, string what) =>
            throw new ArgumentException($"{parameter} has {actual} floats; {what} {expected} floats.", parameter);

        /// <summary>Throws the <see cref="ArgumentException"/> for an output span that overlaps the input span.</summary>
        /// <param name="input">The input parameter's name.</param>
        /// <param name="output">The output parameter's name.</param>
        [DoesNotReturn]
        public static void ThrowOverlap(string input, string output) =>
            throw new ArgumentException(
                $"{output} overlaps {input}: a prediction would overwrite inputs it has not read yet. Pass an output buffer that shares no memory with the input.",
                output);
    }
}
