using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// The kernels rely on fused multiply-add rounding once (IEEE 754 fusedMultiplyAdd) on every path the runtime can take:
    /// 512-bit hardware, 256-bit halves, 128-bit quarters, the scalar MathF fallback, and .NET's own Vector*.FusedMultiplyAdd
    /// software fallbacks where the hardware lacks the instruction. Each is compared bit for bit with an exact reference
    /// computed here in double-double arithmetic, independent of every FMA implementation (docs/correctness.md).
    /// </summary>
    public class FusedMultiplyAddTests
    {
        /// <summary>The correctly rounded float of a * b + c, without any fused instruction.</summary>
        internal static float Exact(float a, float b, float c)
        {
            double p = (double)a * b; // exact: 24 + 24 significant bits fit in 53, and no float product overflows a double
            double s = p + c;
            if (!double.IsFinite(s) || !double.IsFinite(p))
            {
                return (float)s; // infinities and NaN: no rounding question
            }

            double v = s - p;
            double error = (p - (s - v)) + (c - v); // two-sum: p + c == s + error exactly
            float f = (float)s;
            if (error == 0)
            {
                return f; // s is the exact value; the cast rounds it once
            }

            // s is the double nearest the exact value, and every midpoint between two floats is a double, so rounding s
            // differs from rounding the exact value only when s sits exactly on a midpoint: then the error breaks the tie.
            float g = (double)f > s ? MathF.BitDecrement(f) : MathF.BitIncrement(f);
            double fd = float.IsInfinity(f) ? Math.CopySign(Math.Pow(2, 128), f) : f;
            double gd = float.IsInfinity(g) ? Math.CopySign(Math.Pow(2, 128), g) : g;
            if ((fd + gd) / 2 != s)
            {
                return f;
            }

            return error > 0 ? MathF.Max(f, g) : MathF.Min(f, g);
        }

        /// <summary>Triples that separate a fused multiply-add from its imitations, plus random and special values.</summary>
        public static IEnumerable<(float A, float B, float C)> Cases()
        {
            // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 is a float midpoint; a tiny c decides it. Unfused float arithmetic and
            // "fma in double, then round to float" both return 1 + 2^-11 (ties to even); the fused result is one ulp above.
            float a = 1f + MathF.Pow(2, -12);
            yield return (a, a, MathF.Pow(2, -80));
            yield return (a, a, -MathF.Pow(2, -80));
            yield return (-a, a, MathF.Pow(2, -80));
            yield return (a, a, 0f);

            // Cancellation: c removes the rounded product, leaving its rounding error.
            float x = 1.1f, y = 3.3f;
            yield return (x, y, -(x * y));

            // Subnormal results, overflow, signed zeros, infinities, NaN.
            yield return (1e-20f, 1e-20f, 1e-45f);
            yield return (1.5e-38f, 0.5f, -7e-39f);
            yield return (float.MaxValue, 2f, -float.MaxValue);
            yield return (float.MaxValue, 1.0000001f, 0f);
            yield return (-0f, 1f, 0f);
            yield return (-0f, 1f, -0f);
            yield return (float.PositiveInfinity, 0f, 1f);
            yield return (float.PositiveInfinity, 1f, float.NegativeInfinity);
            yield return (float.NaN, 1f, 1f);

            var rng = new DeterministicRandom(20261126);
            for (int i = 0; i < 20000; i++)
            {
                // Random significands over a range of exponents, and products built to land near midpoints.
                float p = Random(ref rng), q = Random(ref rng);
                float r = rng.NextInt(4) == 0 ? -(p * q) + (Random(ref rng) * 1e-9f) : Random(ref rng);
                yield return (p, q, r);
            }
        }

        private static float Random(ref DeterministicRandom rng)
        {
            float m = rng.NextUniform(1f, 2f);
            int e = rng.NextInt(60) - 30;
            return (rng.NextInt(2) == 0 ? m : -m) * MathF.Pow(2, e);
        }

        [Fact]
        public void TheReferenceSeparatesFusedFromUnfusedArithmetic()
        {
            // Guards the reference itself: on the midpoint case, the two imitations are wrong and the reference is not.
            float a = 1f + MathF.Pow(2, -12), c = MathF.Pow(2, -80);
            float fused = Exact(a, a, c);
            Assert.Equal(1f + MathF.Pow(2, -11) + MathF.Pow(2, -23), fused);
            Assert.NotEqual(fused, (a * a) + c);
            Assert.NotEqual(fused, (float)(((double)a * a) + c));
        }

        public static IEnumerable<object[]> Paths() => new[]
        {
            new object[] { "MathF.FusedMultiplyAdd" },
            new object[] { "Vector128.FusedMultiplyAdd" },
            new object[] { "Vector256.FusedMultiplyAdd" },
            new object[] { "Vector512.FusedMultiplyAdd" },
            new object[] { "GeneratedCodeSupport.Fma16" },
            new object[] { "GeneratedCodeSupport.Fma8" },
            new object[] { "Fma16Halves" },
            new object[] { "Fma16Quarters" },
            new object[] { "Fma16Scalar" },
        };

        [Theory]
        [MemberData(nameof(Paths))]
        public void EveryPathRoundsOnce(string path)
        {
            var cases = new List<(float A, float B, float C)>(Cases());
            int checkedCount = 0;
            for (int start = 0; start < cases.Count; start += 16)
            {
                var a = new float[16];
                var b = new float[16];
                var c = new float[16];
                for (int i = 0; i < 16; i++)
                {
                    var t = cases[(start + i) % cases.Count];
                    (a[i], b[i], c[i]) = (t.A, t.B, t.C);
                }

                var result = Compute(path, a, b, c);
                for (int i = 0; i < 16; i++)
                {
                    float expected = Exact(a[i], b[i], c[i]);
                    bool same = float.IsNaN(expected) ? float.IsNaN(result[i]) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(result[i]);
                    Assert.True(same, $"{path}: fma({a[i]:R}, {b[i]:R}, {c[i]:R}) = {result[i]:R}, correctly rounded {expected:R}");
                    checkedCount++;
                }
            }

            Assert.True(checkedCount > 20000);
        }

        private static float[] Compute(string path, float[] a, float[] b, float[] c)
        {
            var va = Vector512.Create<float>(a);
            var vb = Vector512.Create<float>(b);
            var vc = Vector512.Create<float>(c);
            var r = new float[16];
            switch (path)
            {
                case "MathF.FusedMultiplyAdd":
                    for (int i = 0; i < 16; i++)
                    {
                        r[i] = MathF.FusedMultiplyAdd(a[i], b[i], c[i]);
                    }

                    return r;
                case "Vector128.FusedMultiplyAdd":
                    for (int q = 0; q < 16; q += 4)
                    {
                        Vector128.FusedMultiplyAdd(Vector128.Create<float>(a.AsSpan(q)), Vector128.Create<float>(b.AsSpan(q)), Vector128.Create<float>(c.AsSpan(q))).CopyTo(r, q);
                    }

                    return r;
                case "Vector256.FusedMultiplyAdd":
                    for (int h = 0; h < 16; h += 8)
                    {
                        Vector256.FusedMultiplyAdd(Vector256.Create<float>(a.AsSpan(h)), Vector256.Create<float>(b.AsSpan(h)), Vector256.Create<float>(c.AsSpan(h))).CopyTo(r, h);
                    }

                    return r;
                case "Vector512.FusedMultiplyAdd": Vector512.FusedMultiplyAdd(va, vb, vc).CopyTo(r); return r;
                case "GeneratedCodeSupport.Fma16": GeneratedCodeSupport.Fma16(va, vb, vc).CopyTo(r); return r;
                case "GeneratedCodeSupport.Fma8":
                    GeneratedCodeSupport.Fma8(va.GetLower(), vb.GetLower(), vc.GetLower()).CopyTo(r, 0);
                    GeneratedCodeSupport.Fma8(va.GetUpper(), vb.GetUpper(), vc.GetUpper()).CopyTo(r, 8);
                    return r;
                case "Fma16Halves": GeneratedCodeSupport.Fma16Halves(va, vb, vc).CopyTo(r); return r;
                case "Fma16Quarters": GeneratedCodeSupport.Fma16Quarters(va, vb, vc).CopyTo(r); return r;
                case "Fma16Scalar": GeneratedCodeSupport.Fma16Scalar(va, vb, vc).CopyTo(r); return r;
                default: throw new ArgumentException(path);
            }
        }

        public static IEnumerable<object[]> Specials() => new[]
        {
            new object[] { new[] { 0f, -0f, 1e-45f, -1e-45f, 1f, -1f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN, 3.5f, -2.25f, 1e-38f, -1e-38f } },
        };

        [Theory]
        [MemberData(nameof(Specials))]
        public void VectorActivationsMatchTheScalarDefinitionOnSpecialValues(float[] values)
        {
            // ReLU is MathF.Max(v, 0) (NaN stays NaN, -0 becomes +0) in all three forms; LeakyReLU is v > 0 ? v : alpha * v.
            var v16 = Vector512.Create<float>(values);
            var relu16 = GeneratedCodeSupport.Relu16(v16);
            var leaky16 = GeneratedCodeSupport.LeakyRelu16(v16, 0.1f);
            for (int i = 0; i < 16; i++)
            {
                float x = values[i];
                AssertSame(MathF.Max(x, 0f), GeneratedCodeSupport.Relu(x), $"Relu({x})");
                AssertSame(MathF.Max(x, 0f), relu16[i], $"Relu16({x})");
                AssertSame(MathF.Max(x, 0f), GeneratedCodeSupport.Relu8(i < 8 ? v16.GetLower() : v16.GetUpper())[i % 8], $"Relu8({x})");
                float leaky = x > 0f ? x : 0.1f * x;
                AssertSame(leaky, leaky16[i], $"LeakyRelu16({x})");
                AssertSame(leaky, GeneratedCodeSupport.LeakyRelu8(i < 8 ? v16.GetLower() : v16.GetUpper(), 0.1f)[i % 8], $"LeakyRelu8({x})");
            }
        }

        private static void AssertSame(float expected, float actual, string what)
        {
            bool same = float.IsNaN(expected) ? float.IsNaN(actual) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);
            Assert.True(same, $"{what} = {actual:R}, expected {expected:R}");
        }
    }
}
