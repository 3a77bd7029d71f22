// Training: loss and accuracy measures of predictions, used by FitLoop's validation and by users' evaluation.
using System;

namespace ModelGen
{
    /// <summary>Loss and accuracy of predictions, for evaluation and validation (not used by training arithmetic).</summary>
    public static class Metrics
    {
        /// <summary>
        /// The mean loss of predicted rows against target rows, computed in double precision from the predicted
        /// probabilities or values (probabilities are clamped to [1e-7, 1 - 1e-7] for the logarithm, as Keras does).
        /// </summary>
        public static double Loss(LossKind kind, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength)
        {
            CheckShapes(predictions, targets, outputLength);
            int rows = predictions.Length / outputLength;
            if (rows == 0)
            {
                return double.NaN;
            }

            const double clip = 1e-7;
            double sum = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double p = predictions[i];
                double t = targets[i];
                switch (kind)
                {
                    case LossKind.CategoricalCrossEntropy:
                        sum -= t * Math.Log(Math.Min(Math.Max(p, clip), 1 - clip));
                        break;
                    case LossKind.BinaryCrossEntropy:
                        double q = Math.Min(Math.Max(p, clip), 1 - clip);
                        sum -= (t * Math.Log(q)) + ((1 - t) * Math.Log(1 - q));
                        break;
                    default:
                        sum += (p - t) * (p - t);
                        break;
                }
            }

            return kind == LossKind.CategoricalCrossEntropy ? sum / rows : sum / predictions.Length;
        }

        /// <summary>
        /// The fraction of correct predictions: argmax agreement per row for categorical cross-entropy, per-output
        /// agreement at the 0.5 threshold for binary cross-entropy, NaN for mean squared error.
        /// </summary>
        public static double Accuracy(LossKind kind, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength)
        {
            CheckShapes(predictions, targets, outputLength);
            if (kind == LossKind.MeanSquaredError || predictions.Length == 0)
            {
                return double.NaN;
            }

            long total = kind == LossKind.BinaryCrossEntropy ? predictions.Length : predictions.Length / outputLength;
            return (double)CountCorrect(kind, predictions, targets, outputLength) / total;
        }

        /// <summary>The number of correct predictions as <see cref="Accuracy"/> counts them.</summary>
        public static long CountCorrect(LossKind kind, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength)
        {
            CheckShapes(predictions, targets, outputLength);
            long correct = 0;
            if (kind == LossKind.BinaryCrossEntropy)
            {
                for (int i = 0; i < predictions.Length; i++)
                {
                    correct += (predictions[i] >= 0.5f) == (targets[i] >= 0.5f) ? 1 : 0;
                }
            }
            else if (kind == LossKind.CategoricalCrossEntropy)
            {
                for (int r = 0; r < predictions.Length; r += outputLength)
                {
                    correct += ArgMax(predictions.Slice(r, outputLength)) == ArgMax(targets.Slice(r, outputLength)) ? 1 : 0;
                }
            }

            return correct;
        }

        /// <summary>
        /// The fraction of rows whose target class (the argmax of the target row) is among the <paramref name="k"/> largest
        /// predictions (ties broken toward the lower index, as in <see cref="ArgMax"/>). k = 1 is <see cref="Accuracy"/>.
        /// </summary>
        public static double TopKAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength, int k)
        {
            CheckShapes(predictions, targets, outputLength);
            if (k < 1 || k > outputLength)
            {
                throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the number of classes, {outputLength}.");
            }

            int rows = predictions.Length / outputLength;
            if (rows == 0)
            {
                return double.NaN;
            }

            long hits = 0;
            for (int r = 0; r < rows; r++)
            {
                var p = predictions.Slice(r * outputLength, outputLength);
                int target = ArgMax(targets.Slice(r * outputLength, outputLength));
                int ahead = 0;
                for (int j = 0; j < outputLength; j++)
                {
                    // Classes ranked before the target: larger, or equal with a lower index.
                    if (p[j] > p[target] || (p[j] == p[target] && j < target))
                    {
                        ahead++;
                    }
                }

                hits += ahead < k ? 1 : 0;
            }

            return (double)hits / rows;
        }

        /// <summary>
        /// The confusion matrix of a classifier: <c>[actual, predicted]</c> counts, actual = argmax of the target row,
        /// predicted = argmax of the prediction row.
        /// </summary>
        public static long[,] ConfusionMatrix(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength)
        {
            CheckShapes(predictions, targets, outputLength);
            var matrix = new long[outputLength, outputLength];
            for (int r = 0; r < predictions.Length; r += outputLength)
            {
                matrix[ArgMax(targets.Slice(r, outputLength)), ArgMax(predictions.Slice(r, outputLength))]++;
            }

            return matrix;
        }

        /// <summary>
        /// Per-class precision, recall and F1 from a confusion matrix (<see cref="ConfusionMatrix"/>); a class never predicted
        /// has precision 0, a class never present recall 0, and F1 is 0 when both are (scikit-learn's zero_division=0).
        /// </summary>
        public static ClassScores[] PerClass(long[,] confusion)
        {
            if (confusion is null)
            {
                throw new ArgumentNullException(nameof(confusion));
            }

            int n = confusion.GetLength(0);
            var scores = new ClassScores[n];
            for (int c = 0; c < n; c++)
            {
                long truePositive = confusion[c, c], predicted = 0, actual = 0;
                for (int j = 0; j < n; j++)
                {
                    predicted += confusion[j, c];
                    actual += confusion[c, j];
                }

                double precision = predicted == 0 ? 0 : (double)truePositive / predicted;
                double recall = actual == 0 ? 0 : (double)truePositive / actual;
                double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                scores[c] = new ClassScores(c, precision, recall, f1, actual);
            }

            return scores;
        }

        /// <summary>The mean absolute error over every output of every row (regression).</summary>
        public static double MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
        {
            CheckShapes(predictions, targets, 1);
            double sum = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                sum += Math.Abs((double)predictions[i] - targets[i]);
            }

            return predictions.Length == 0 ? double.NaN : sum / predictions.Length;
        }

        /// <summary>The root of the mean squared error over every output of every row (regression).</summary>
        public static double RootMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
            Math.Sqrt(Loss(LossKind.MeanSquaredError, predictions, targets, 1));

        /// <summary>The index of the largest value (the first one on ties; NaN never wins).</summary>
        public static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++)
            {
                if (values[i] > values[best] || float.IsNaN(values[best]))
                {
                    best = i;
                }
            }

            return best;
        }

        private static void CheckShapes(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputLength)
        {
            if (outputLength <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(outputLength), outputLength, "The output length must be positive.");
            }

            if (predictions.Length != targets.Length || predictions.Length % outputLength != 0)
            {
                throw new ArgumentException($"Predictions ({predictions.Length} floats) and targets ({targets.Length} floats) must be the same whole number of rows of {outputLength}.");
            }
        }
    }
}
