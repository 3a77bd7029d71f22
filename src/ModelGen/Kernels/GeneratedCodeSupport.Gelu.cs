// Kernels: the exact GELU and its derivative for generated code.
using System;
using System.ComponentModel;

namespace ModelGen
{
    /// <summary>The exact GELU and its derivative for generated code.</summary>
    public static partial class GeneratedCodeSupport
    {
        private const double InvSqrt2 = 0.70710678118654752440;
        private const double InvSqrt2Pi = 0.39894228040143267794;
        private const double TwoOverSqrtPi = 1.12837916709551257390;

        /// <summary>
        /// GELU in its exact form, <c>x * (1 + erf(x / sqrt(2))) / 2</c> (PyTorch's default), computed in double and
        /// rounded once to float.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static float Gelu(float x) => (float)(x * 0.5 * (1.0 + Erf(x * InvSqrt2)));

        /// <summary>
        /// The derivative of <see cref="Gelu"/> at <paramref name="x"/>: <c>Phi(x) + x * phi(x)</c>, the standard normal
        /// distribution and density, computed in double and rounded once to float.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static float GeluDerivative(float x)
        {
            double v = x;
            return (float)((0.5 * (1.0 + Erf(v * InvSqrt2))) + (v * InvSqrt2Pi * Math.Exp(-0.5 * v * v)));
        }

        /// <summary>
        /// The error function in double, to about 1e-15 relative: the Maclaurin series up to |x| of 2 (at most 60 terms;
        /// the largest term is below 2^4, so cancellation costs at most 4 of 53 bits), then 1 - erfc(x) with erfc from its
        /// continued fraction (60 levels, evaluated bottom-up; exact to double at 2); 1 beyond |x| of 6, where erfc is below
        /// 2e-17. NaN gives NaN.
        /// Only IEEE arithmetic in a fixed order plus one <see cref="Math.Exp"/>, so a float GELU built on it rounds the same
        /// on every platform whose <c>Math.Exp</c> agrees.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static double Erf(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            double a = Math.Abs(x);
            double result;
            if (a <= 2.0)
            {
                // erf(x) = 2 / sqrt(pi) * sum over n of (-1)^n x^(2n+1) / (n! (2n + 1)).
                double x2 = a * a, term = a, sum = a;
                for (int n = 1; n < 60; n++)
                {
                    term *= -x2 / n;
                    double add = term / ((2 * n) + 1);
                    sum += add;
                    if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                    {
                        break;
                    }
                }

                result = TwoOverSqrtPi * sum;
            }
            else if (a < 6)
            {
                // erfc(a) = exp(-a^2) / sqrt(pi) * 1 / (a + (1/2) / (a + 1 / (a + (3/2) / (a + 2 / (a + ...))))).
                double f = a;
                for (int k = 60; k >= 1; k--)
                {
                    f = a + (k * 0.5 / f);
                }

                result = 1.0 - (Math.Exp(-a * a) / (f * 1.77245385090551602730));
            }
            else
            {
                result = 1.0;
            }

            return x < 0 ? -result : result;
        }
    }
}
