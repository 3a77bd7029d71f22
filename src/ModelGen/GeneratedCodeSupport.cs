using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
