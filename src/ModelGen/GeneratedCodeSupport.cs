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
    public static class GeneratedCodeSupport
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

        /// <summary>Throws the <see cref="ArgumentException"/> for a span of the wrong length.</summary>
        /// <param name="parameter">The parameter's name.</param>
        /// <param name="actual">Its length.</param>
        /// <param name="expected">The length it needs.</param>
        /// <param name="what">What the method expects, e.g. "Predict expects one input sample of".</param>
        [DoesNotReturn]
        public static void ThrowLength(string parameter, int actual, int expected, string what) =>
            throw new ArgumentException($"{parameter} has {actual} floats; {what} {expected} floats.", parameter);
    }
}
