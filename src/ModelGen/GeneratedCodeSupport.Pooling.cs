using System;
using System.Runtime.CompilerServices;
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
        public static Vector256<float> MaxStep8(Vector256<float> z, Vector256<float> value)
        {
            var take = Vector256.GreaterThan(value, z) | Vector256.AndNot(Vector256.Equals(z, z), Vector256.Equals(value, value));
            return Vector256.ConditionalSelect(take, value, z);
        }
    }
}
