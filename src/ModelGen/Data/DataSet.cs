// Data: an in-memory data set (features, targets, class labels) with CSV reading and splits, ready for Fit and
// PredictBatch.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Sylvan.Data.Csv;

namespace ModelGen
{
    /// <summary>
    /// A small in-memory data set: row-major float features and float targets, ready for <c>Trainer.Fit</c> and
    /// <c>PredictBatch</c>. Classification sets also carry the class index of every row (<see cref="Labels"/>) and, when
    /// the file named them, the class names.
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

        /// <summary>Creates a classification set from class indices (one-hot <see cref="Targets"/> are made from them).</summary>
        /// <param name="features">Rows of <paramref name="featureLength"/> floats.</param>
        /// <param name="labels">The class index of every row.</param>
        /// <param name="featureLength">Floats per feature row.</param>
        /// <param name="classCount">The number of classes.</param>
        /// <param name="classNames">Optional class names, index by index.</param>
        /// <param name="featureNames">Optional feature (column) names.</param>
        public static DataSet FromLabels(float[] features, int[] labels, int featureLength, int classCount, string[]? classNames = null, string[]? featureNames = null)
        {
            if (labels is null)
            {
                throw new ArgumentNullException(nameof(labels));
            }

            if (classNames is not null && classNames.Length != classCount)
            {
                throw new ArgumentException($"{classNames.Length} class names for {classCount} classes.", nameof(classNames));
            }

            return new DataSet(features, ClassLabels.OneHot(labels, classCount), featureLength, classCount)
            {
                Labels = labels,
                ClassNames = classNames,
                FeatureNames = featureNames,
            };
        }

        /// <summary>The features, row-major.</summary>
        public float[] Features { get; }

        /// <summary>The targets, row-major (one-hot rows for classification).</summary>
        public float[] Targets { get; }

        /// <summary>The class index of every row, for classification sets (else null); <c>Trainer.Fit</c> takes them as they are.</summary>
        public int[]? Labels { get; private init; }

        /// <summary>The class names by index, when the data named its classes (else null).</summary>
        public string[]? ClassNames { get; private init; }

        /// <summary>The feature (column) names, when the data had a header row (else null).</summary>
        public string[]? FeatureNames { get; private init; }

        /// <summary>Floats per feature row.</summary>
        public int FeatureLength { get; }

        /// <summary>Floats per target row.</summary>
        public int TargetLength { get; }

        /// <summary>The number of rows.</summary>
        public int Rows => Features.Length / FeatureLength;

        /// <summary>
        /// Reads a headerless classification CSV (optionally gzip-compressed, by the <c>.gz</c> extension): each line holds
        /// <paramref name="featureCount"/> numbers, then the class index. Features are multiplied by
        /// <paramref name="featureScale"/>; targets are one-hot rows of <paramref name="classCount"/>, and <see cref="Labels"/>
        /// holds the indices.
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

            using var text = OpenText(path);
            for (int i = 0; i < skipLines; i++)
            {
                text.ReadLine();
            }

            using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false });
            var features = new List<float>();
            var labels = new List<int>();
            int line = skipLines;
            while (csv.Read())
            {
                line++;
                if (csv.RowFieldCount == 1 && csv.GetString(0).Trim().Length == 0)
                {
                    continue;
                }

                if (csv.RowFieldCount != featureCount + 1)
                {
                    throw new InvalidDataException($"{path}:{line}: expected {featureCount} features and a label ({featureCount + 1} fields), found {csv.RowFieldCount} fields.");
                }

                for (int i = 0; i < featureCount; i++)
                {
                    features.Add(Number(csv, i, path, line, null) * featureScale);
                }

                string label = csv.GetString(featureCount);
                if (!int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) || index < 0 || index >= classCount)
                {
                    throw new InvalidDataException($"{path}:{line}: the label '{label}' is not a class index in 0..{classCount - 1}.");
                }

                labels.Add(index);
            }

            return FromLabels(features.ToArray(), labels.ToArray(), featureCount, classCount);
        }

        /// <summary>
        /// Reads a classification table with a header row (optionally gzip-compressed, by the <c>.gz</c> extension; quoted
        /// fields allowed): the column named <paramref name="labelColumn"/> holds the classes, every other column is a
        /// numeric feature. Class values that are all whole numbers from 0 are used as indices; otherwise they are names,
        /// numbered in sorted (ordinal) order, or in the order of <paramref name="classNames"/> when given.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="labelColumn">The header of the class column.</param>
        /// <param name="classNames">The classes in index order (optional; required when the data may lack some class).</param>
        /// <param name="separator">The field separator (default ',').</param>
        /// <exception cref="InvalidDataException">A field is not a number, a class is unknown, or the label column is missing; the message names the line and column.</exception>
        public static DataSet ReadCsv(string path, string labelColumn, IReadOnlyList<string>? classNames = null, char separator = ',')
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using var text = OpenText(path);
            return ReadCsv(text, labelColumn, classNames, separator, path);
        }

        /// <summary>Reads a classification table from <paramref name="reader"/>; see <see cref="ReadCsv(string, string, IReadOnlyList{string}?, char)"/>.</summary>
        public static DataSet ReadCsv(TextReader reader, string labelColumn, IReadOnlyList<string>? classNames = null, char separator = ',', string name = "the CSV data")
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (labelColumn is null)
            {
                throw new ArgumentNullException(nameof(labelColumn));
            }

            using var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = true, Delimiter = separator });
            var headers = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
            int label = Array.IndexOf(headers, labelColumn);
            if (label < 0)
            {
                throw new InvalidDataException($"{name} has no column '{labelColumn}'; its columns are {string.Join(", ", headers)}.");
            }

            var featureNames = headers.Where((_, i) => i != label).ToArray();
            var features = new List<float>();
            var classes = new List<string>();
            int line = 1;
            while (csv.Read())
            {
                line++;
                if (csv.RowFieldCount != headers.Length)
                {
                    throw new InvalidDataException($"{name}:{line}: {csv.RowFieldCount} fields; the header has {headers.Length}.");
                }

                for (int i = 0; i < headers.Length; i++)
                {
                    if (i != label)
                    {
                        features.Add(Number(csv, i, name, line, headers[i]));
                    }
                }

                classes.Add(csv.GetString(label).Trim());
            }

            string[] names;
            if (classNames is not null)
            {
                names = classNames.ToArray();
            }
            else if (classes.All(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                int count = classes.Count == 0 ? 0 : classes.Max(c => int.Parse(c, CultureInfo.InvariantCulture)) + 1;
                names = Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            }
            else
            {
                names = classes.Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToArray();
            }

            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++)
            {
                index[names[i]] = i;
            }

            var labels = new int[classes.Count];
            for (int r = 0; r < classes.Count; r++)
            {
                if (!index.TryGetValue(classes[r], out labels[r]))
                {
                    throw new InvalidDataException($"{name}:{r + 2}: the class '{classes[r]}' in column '{labelColumn}' is not one of {string.Join(", ", names)}.");
                }
            }

            if (names.Length == 0)
            {
                throw new InvalidDataException($"{name} has no rows.");
            }

            return FromLabels(features.ToArray(), labels, featureNames.Length, names.Length, names, featureNames);
        }

        /// <summary>Splits the rows into a shuffled training part and a test part holding <paramref name="testFraction"/> of them.</summary>
        public (DataSet Train, DataSet Test) Split(double testFraction, int seed = 0)
        {
            CheckFraction(testFraction);
            var order = Shuffled(Enumerable.Range(0, Rows).ToArray(), seed);
            int testRows = (int)Math.Round(Rows * testFraction);
            return (Take(order.AsSpan(testRows)), Take(order.AsSpan(0, testRows)));
        }

        /// <summary>
        /// Splits a classification set so every class keeps its share: of each class's rows (shuffled with the seed),
        /// <paramref name="testFraction"/> (rounded) go to the test part. Both parts are then shuffled.
        /// </summary>
        /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
        public (DataSet Train, DataSet Test) StratifiedSplit(double testFraction, int seed = 0)
        {
            CheckFraction(testFraction);
            var labels = Labels ?? throw new InvalidOperationException("A stratified split needs class labels; this data set has none (create it with FromLabels, ReadCsv or LoadClassificationCsv).");
            var train = new List<int>();
            var test = new List<int>();
            foreach (var group in Enumerable.Range(0, Rows).GroupBy(r => labels[r]).OrderBy(g => g.Key))
            {
                var rows = Shuffled(group.ToArray(), seed + group.Key);
                int testRows = (int)Math.Round(rows.Length * testFraction);
                test.AddRange(rows.Take(testRows));
                train.AddRange(rows.Skip(testRows));
            }

            return (Take(Shuffled(train.ToArray(), seed)), Take(Shuffled(test.ToArray(), seed + 1)));
        }

        private static void CheckFraction(double testFraction)
        {
            if (!(testFraction > 0 && testFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
            }
        }

        private static int[] Shuffled(int[] rows, int seed)
        {
            var rng = new DeterministicRandom(seed);
            for (int i = rows.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }

            return rows;
        }

        private DataSet Take(ReadOnlySpan<int> rows)
        {
            var f = new float[rows.Length * FeatureLength];
            var t = new float[rows.Length * TargetLength];
            var l = Labels is null ? null : new int[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                Array.Copy(Features, rows[i] * FeatureLength, f, i * FeatureLength, FeatureLength);
                Array.Copy(Targets, rows[i] * TargetLength, t, i * TargetLength, TargetLength);
                if (l is not null)
                {
                    l[i] = Labels![rows[i]];
                }
            }

            return new DataSet(f, t, FeatureLength, TargetLength) { Labels = l, ClassNames = ClassNames, FeatureNames = FeatureNames };
        }

        private static TextReader OpenText(string path)
        {
            Stream file = File.OpenRead(path);
            Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            return new StreamReader(stream);
        }

        private static float Number(CsvDataReader csv, int column, string name, int line, string? header)
        {
            string field = csv.GetString(column);
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                throw new InvalidDataException($"{name}:{line}: field {column + 1}{(header is null ? string.Empty : $" ('{header}')")} is '{field}', not a finite number.");
            }

            return value;
        }
    }
}
