using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace ModelGen
{
    /// <summary>
    /// A small in-memory data set: row-major float features and float targets, ready for <c>Trainer.Fit</c> and
    /// <c>PredictBatch</c>.
    /// </summary>
    public sealed class DataSet
    {
        /// <summary>Creates a data set from row-major arrays.</summary>
        /// <param name="features">Rows of <paramref name="featureLength"/> floats.</param>
        /// <param name="targets">Rows of <paramref name="targetLength"/> floats.</param>
        /// <param name="featureLength">Floats per feature row.</param>
        /// <param name="targetLength">Floats per target row.</param>
        public DataSet(float[] features, float[] targets, int featureLength, int targetLength)
        {
            Features = features ?? throw new ArgumentNullException(nameof(features));
            Targets = targets ?? throw new ArgumentNullException(nameof(targets));
            if (featureLength <= 0 || targetLength <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(featureLength), "Row lengths must be positive.");
            }

            if (features.Length % featureLength != 0 || targets.Length != features.Length / featureLength * targetLength)
            {
                throw new ArgumentException(
                    $"{features.Length} feature floats and {targets.Length} target floats do not make whole rows of {featureLength} and {targetLength}.");
            }

            FeatureLength = featureLength;
            TargetLength = targetLength;
        }

        /// <summary>The features, row-major.</summary>
        public float[] Features { get; }

        /// <summary>The targets, row-major (one-hot rows for classification).</summary>
        public float[] Targets { get; }

        /// <summary>Floats per feature row.</summary>
        public int FeatureLength { get; }

        /// <summary>Floats per target row.</summary>
        public int TargetLength { get; }

        /// <summary>The number of rows.</summary>
        public int Rows => Features.Length / FeatureLength;

        /// <summary>
        /// Reads a classification CSV (optionally gzip-compressed, by the <c>.gz</c> extension): each line holds
        /// <paramref name="featureCount"/> numbers, then the class index. Features are multiplied by
        /// <paramref name="featureScale"/>; targets are one-hot rows of <paramref name="classCount"/>.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="featureCount">Numbers per line before the label.</param>
        /// <param name="classCount">The number of classes.</param>
        /// <param name="featureScale">A factor applied to every feature (e.g. 1/16 for 0..16 pixels).</param>
        /// <param name="skipLines">Lines to skip at the start (headers).</param>
        public static DataSet LoadClassificationCsv(string path, int featureCount, int classCount, float featureScale = 1f, int skipLines = 0)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using Stream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream);
            var features = new List<float>();
            var targets = new List<float>();
            int lineNumber = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (lineNumber <= skipLines || line.Trim().Length == 0)
                {
                    continue;
                }

                string[] parts = line.Split(',');
                if (parts.Length != featureCount + 1)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: expected {featureCount} features and a label ({featureCount + 1} fields), found {parts.Length} fields.");
                }

                for (int i = 0; i < featureCount; i++)
                {
                    if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: field {i + 1} '{parts[i]}' is not a number.");
                    }

                    features.Add(v * featureScale);
                }

                if (!int.TryParse(parts[featureCount], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0 || label >= classCount)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: the label '{parts[featureCount]}' is not a class index in 0..{classCount - 1}.");
                }

                for (int c = 0; c < classCount; c++)
                {
                    targets.Add(c == label ? 1f : 0f);
                }
            }

            return new DataSet(features.ToArray(), targets.ToArray(), featureCount, classCount);
        }

        /// <summary>Splits the rows into a shuffled training part and a test part holding <paramref name="testFraction"/> of them.</summary>
        public (DataSet Train, DataSet Test) Split(double testFraction, int seed = 0)
        {
            if (!(testFraction > 0 && testFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
            }

            var order = new int[Rows];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var rng = new DeterministicRandom(seed);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            int testRows = (int)Math.Round(Rows * testFraction);
            return (Take(order.AsSpan(testRows)), Take(order.AsSpan(0, testRows)));
        }

        private DataSet Take(ReadOnlySpan<int> rows)
        {
            var f = new float[rows.Length * FeatureLength];
            var t = new float[rows.Length * TargetLength];
            for (int i = 0; i < rows.Length; i++)
            {
                Array.Copy(Features, rows[i] * FeatureLength, f, i * FeatureLength, FeatureLength);
                Array.Copy(Targets, rows[i] * TargetLength, t, i * TargetLength, TargetLength);
            }

            return new DataSet(f, t, FeatureLength, TargetLength);
        }
    }
}
