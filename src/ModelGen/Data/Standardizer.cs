// Data: per-feature standardization fitted on a training split and applied to every split.
using System;

namespace ModelGen
{
    /// <summary>
    /// Per-feature standardization, <c>(x - mean) / std</c>, fitted on the training rows only and then applied to every
    /// split (as scikit-learn's <c>StandardScaler</c>: population standard deviation; a constant feature is only
    /// centered). Transforms in place, allocating nothing.
    /// </summary>
    public sealed class Standardizer
    {
        private Standardizer(double[] mean, double[] scale)
        {
            Mean = mean;
            Scale = scale;
        }

        /// <summary>The mean of every feature over the fitted rows.</summary>
        public double[] Mean { get; }

        /// <summary>The standard deviation of every feature (1 for a constant feature).</summary>
        public double[] Scale { get; }

        /// <summary>Computes the mean and standard deviation of every feature of <paramref name="features"/>, in double precision.</summary>
        /// <param name="features">Rows of <paramref name="featureLength"/> floats: the training split.</param>
        /// <param name="featureLength">Floats per row.</param>
        public static Standardizer Fit(ReadOnlySpan<float> features, int featureLength)
        {
            if (featureLength <= 0 || features.Length % featureLength != 0 || features.Length == 0)
            {
                throw new ArgumentException($"{features.Length} floats are not a whole, non-zero number of rows of {featureLength}.", nameof(features));
            }

            int rows = features.Length / featureLength;
            var mean = new double[featureLength];
            var scale = new double[featureLength];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < featureLength; j++)
                {
                    mean[j] += features[(r * featureLength) + j];
                }
            }

            for (int j = 0; j < featureLength; j++)
            {
                mean[j] /= rows;
            }

            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < featureLength; j++)
                {
                    double d = features[(r * featureLength) + j] - mean[j];
                    scale[j] += d * d;
                }
            }

            for (int j = 0; j < featureLength; j++)
            {
                double std = Math.Sqrt(scale[j] / rows);
                scale[j] = std > 0 ? std : 1;
            }

            return new Standardizer(mean, scale);
        }

        /// <summary>Standardizes rows in place with the fitted mean and scale.</summary>
        /// <param name="features">Rows of as many floats as the fitted rows had.</param>
        public void Transform(Span<float> features)
        {
            int n = Mean.Length;
            if (features.Length % n != 0)
            {
                throw new ArgumentException($"{features.Length} floats are not a whole number of rows of {n}.", nameof(features));
            }

            for (int i = 0; i < features.Length; i++)
            {
                int j = i % n;
                features[i] = (float)((features[i] - Mean[j]) / Scale[j]);
            }
        }
    }
}
