// Kernels: four features at a time for the generated trainers' per-feature passes (BatchNorm statistics, activations).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen
{
    /// <summary>
    /// Four features at a time for the trainer's per-feature passes (BatchNorm statistics in double, element-wise
    /// activations): each lane is exactly the scalar operation on its feature, so vectorizing across features changes no bit.
    /// </summary>
    public static partial class GeneratedCodeSupport
    {
        /// <summary>The 4 lanes added as <c>(v0 + v1) + (v2 + v3)</c>: one fixed order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double SumPairs4(Vector256<double> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));

        /// <summary>The 4 floats from <paramref name="index"/> on, each converted to double (exactly).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Widen4(ref float start, int index)
        {
            var v = Vector128.LoadUnsafe(ref start, (nuint)index);
            return Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));
        }

        /// <summary>4 doubles rounded to float (round to nearest even, as a <c>(float)</c> cast).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Narrow4(Vector256<double> v) => Vector128.Narrow(v.GetLower(), v.GetUpper());

        /// <summary>The 4 floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load4(ref float start, int index) => Vector128.LoadUnsafe(ref start, (nuint)index);

        /// <summary>Writes 4 floats from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store4(Vector128<float> value, ref float start, int index) => Vector128.StoreUnsafe(value, ref start, (nuint)index);

        /// <summary>4 copies of a double.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Splat4(double value) => Vector256.Create(value);

        /// <summary>The ReLU derivative written from the output, <c>y &gt; 0 ? 1 : 0</c>, in every lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ReluDerivative8(Vector256<float> y) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);

        /// <summary>The leaky ReLU derivative written from the output, <c>y &gt; 0 ? 1 : alpha</c>, in every lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LeakyReluDerivative8(Vector256<float> y, float alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(alpha));
    }
}
