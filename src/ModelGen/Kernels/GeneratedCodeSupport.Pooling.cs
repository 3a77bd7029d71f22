// Kernels: the vector helpers of the generated pooling layers.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen
{
    /// <summary>Pooling: eight outputs of one output row at a time, lane by lane the same operations as one at a time.</summary>
    public static partial class GeneratedCodeSupport
    {
        /// <summary>
        /// The eight floats at <paramref name="index"/>, <paramref name="index"/> + <paramref name="stride"/>, ...; lanes
        /// from <paramref name="lanes"/> on repeat the last of the first <paramref name="lanes"/> (so nothing past them is
        /// read). A contiguous load when the stride is 1 and all eight lanes are wanted.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Gather8(ref float start, int index, int stride, int lanes)
        {
            if (stride == 1 && lanes == 8)
            {
                return Vector256.LoadUnsafe(ref start, (nuint)index);
            }

            int last = lanes - 1;
            return Vector256.Create(
                At(ref start, index),
                At(ref start, index + (Math.Min(1, last) * stride)),
                At(ref start, index + (Math.Min(2, last) * stride)),
                At(ref start, index + (Math.Min(3, last) * stride)),
                At(ref start, index + (Math.Min(4, last) * stride)),
                At(ref start, index + (Math.Min(5, last) * stride)),
                At(ref start, index + (Math.Min(6, last) * stride)),
                At(ref start, index + (Math.Min(7, last) * stride)));
        }

        /// <summary>
        /// One step of max pooling in each lane, without a branch: <paramref name="value"/> where it is larger than
        /// <paramref name="z"/>, or where it is NaN and <paramref name="z"/> is not; else <paramref name="z"/>. The same
        /// choice as <c>if (value &gt; z || float.IsNaN(value) &amp;&amp; !float.IsNaN(z)) z = value;</c>: the first largest
        /// value of the window in reading order (of +0 and -0 the first), NaN from the first NaN on.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MaxStep8(Vector256<float> z, Vector256<float> value) => Vector256.ConditionalSelect(MaxTakes8(z, value), value, z);

        /// <summary>The lanes where <see cref="MaxStep8"/> takes <paramref name="value"/> (all bits set) instead of <paramref name="z"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MaxTakes8(Vector256<float> z, Vector256<float> value) =>
            Vector256.GreaterThan(value, z) | Vector256.AndNot(Vector256.Equals(z, z), Vector256.Equals(value, value));

        /// <summary>The indices <see cref="Gather8"/> reads: <paramref name="index"/> + min(q, lanes - 1) * <paramref name="stride"/> in lane q.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Taps8(int index, int stride, int lanes) =>
            Vector256.Create(index) + (Vector256.Min(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(lanes - 1)) * stride);

        /// <summary>Lane by lane, <paramref name="taken"/> where <paramref name="take"/> is set (all bits), else <paramref name="kept"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> SelectIndices8(Vector256<float> take, Vector256<int> taken, Vector256<int> kept) =>
            Vector256.ConditionalSelect(take.AsInt32(), taken, kept);

        /// <summary>Writes the first <paramref name="count"/> lanes (at most 8) of <paramref name="value"/> from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreIndices8(Vector256<int> value, ref int start, int index, int count)
        {
            if (count == 8)
            {
                Vector256.StoreUnsafe(value, ref start, (nuint)index);
                return;
            }

            Span<int> lanes = stackalloc int[8];
            value.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
            lanes.Slice(0, count).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, (nint)index), count));
        }
    }
}
