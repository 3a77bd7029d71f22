using System;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// The exact GELU rests on <see cref="GeneratedCodeSupport.Erf"/>. Its values are checked against the C library's erf
    /// (Python's <c>math.erf</c>, correctly rounded to within an ulp), at points in each of its three regimes and at their
    /// borders; GELU and its derivative against their definitions and a central difference.
    /// </summary>
    public class GeluTests
    {
        [Theory]
        [InlineData(1e-8, 1.1283791670955126e-08)]
        [InlineData(0.1, 0.1124629160182849)]
        [InlineData(0.5, 0.5204998778130465)]
        [InlineData(1.0, 0.8427007929497149)]
        [InlineData(1.5, 0.9661051464753108)]
        [InlineData(1.9999, 0.9953201979070294)]
        [InlineData(2.0, 0.9953222650189527)]
        [InlineData(2.0001, 0.9953243313041966)]
        [InlineData(2.4999, 0.9995928300996666)]
        [InlineData(2.5, 0.999593047982555)]
        [InlineData(2.5001, 0.9995932657565293)]
        [InlineData(3.0, 0.9999779095030014)]
        [InlineData(4.0, 0.9999999845827421)]
        [InlineData(5.0, 0.9999999999984626)]
        [InlineData(5.99, 1.0)]
        [InlineData(6.5, 1.0)]
        [InlineData(-0.7, -0.6778011938374184)]
        [InlineData(-3.2, -0.9999939742388483)]
        public void ErfMatchesTheCLibraryTo1e15(double x, double expected)
        {
            // 1e-15 relative: the series loses at most 4 of 53 bits to cancellation at |x| = 2 (docs on Erf), far
            // below float precision (6e-8), which is all GELU needs.
            double actual = GeneratedCodeSupport.Erf(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * Math.Abs(expected), $"erf({x}) = {actual:R}, expected {expected:R}");
        }

        [Fact]
        public void ErfOfNaNIsNaNAndOfInfinityIsOne()
        {
            Assert.True(double.IsNaN(GeneratedCodeSupport.Erf(double.NaN)));
            Assert.Equal(1.0, GeneratedCodeSupport.Erf(double.PositiveInfinity));
            Assert.Equal(-1.0, GeneratedCodeSupport.Erf(double.NegativeInfinity));
        }

        [Fact]
        public void GeluAndItsDerivativeFollowTheirDefinitions()
        {
            for (float x = -8f; x <= 8f; x += 0.01f)
            {
                double cdf = 0.5 * (1 + GeneratedCodeSupport.Erf(x / Math.Sqrt(2)));
                Assert.Equal((float)(x * cdf), GeneratedCodeSupport.Gelu(x));

                // The derivative against a central difference in double (step 1e-5: truncation ~1e-10, rounding ~1e-11).
                double h = 1e-5;
                double Gelu(double v) => v * 0.5 * (1 + GeneratedCodeSupport.Erf(v / Math.Sqrt(2)));
                double numeric = (Gelu(x + h) - Gelu(x - h)) / (2 * h);
                Assert.True(Math.Abs(numeric - GeneratedCodeSupport.GeluDerivative(x)) <= 1e-6, $"GELU'({x}) = {GeneratedCodeSupport.GeluDerivative(x)}, central difference {numeric}");
            }

            Assert.Equal(0f, GeneratedCodeSupport.Gelu(0f));
            Assert.Equal(0.5f, GeneratedCodeSupport.GeluDerivative(0f));
            Assert.True(float.IsNaN(GeneratedCodeSupport.Gelu(float.NaN)));
        }
    }
}
