// Kernels: the vectorized scans for values outside a range, behind every finiteness check (training batches, gradients,
// SetParameters); Training/TrainingValues exposes them to generated code.
using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen
{
    /// <summary>Scans of float values for the first one outside a range, a vector at a time where the machine has vectors.</summary>
    internal static class ValueScan
    {
        /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
        internal static int IndexOfNonFinite(ReadOnlySpan<float> values) => IndexOutside(values, float.MinValue, float.MaxValue);

        /// <summary>The index of the first value not in [<paramref name="low"/>, <paramref name="high"/>] (NaN never is), or -1.</summary>
        internal static int IndexOutside(ReadOnlySpan<float> values, float low, float high)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
            {
                var lows = new Vector<float>(low);
                var highs = new Vector<float>(high);
                var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
                for (int v = 0; v < vectors.Length; v++)
                {
                    // In range means low <= x and x <= high; NaN compares false with both.
                    var inside = Vector.BitwiseAnd(Vector.GreaterThanOrEqual(vectors[v], lows), Vector.LessThanOrEqual(vectors[v], highs));
                    if (!Vector.EqualsAll(inside, new Vector<int>(-1)))
                    {
                        break;
                    }

                    i += Vector<float>.Count;
                }
            }

            for (; i < values.Length; i++)
            {
                float x = values[i];
                if (!(x >= low && x <= high))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
