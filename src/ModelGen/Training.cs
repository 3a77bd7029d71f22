using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ModelGen
{
    /// <summary>Options of a training run (<c>Trainer.Fit</c>).</summary>
    public sealed class FitOptions
    {
        /// <summary>The number of passes over the training data (default 10).</summary>
        public int Epochs { get; set; } = 10;

        /// <summary>Rows per training step (default 32); at most the trainer's <see cref="ITrainer.MaxBatchSize"/>.</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Whether to shuffle the rows at the start of every epoch (default <see langword="true"/>).</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>The seed of the shuffling order; the same seed gives the same order on every platform (default 0).</summary>
        public int Seed { get; set; }

        /// <summary>Optional validation inputs, evaluated with the inference path after every epoch.</summary>
        public float[]? ValidationInputs { get; set; }

        /// <summary>The targets of <see cref="ValidationInputs"/>.</summary>
        public float[]? ValidationTargets { get; set; }

        /// <summary>Cancels training between steps.</summary>
        public CancellationToken CancellationToken { get; set; }
    }

    /// <summary>What one epoch of training measured.</summary>
    /// <param name="Epoch">The epoch number, from 1.</param>
    /// <param name="Epochs">The number of epochs of the run.</param>
    /// <param name="Loss">The mean training loss over the epoch's steps (training mode, before each update).</param>
    /// <param name="Accuracy">The training accuracy over the epoch (training-mode outputs), or NaN for regression.</param>
    /// <param name="ValidationLoss">The validation loss (inference mode), or NaN without a validation set.</param>
    /// <param name="ValidationAccuracy">The validation accuracy (inference mode), or NaN without a validation set or for regression.</param>
    /// <param name="Steps">The number of training steps in the epoch.</param>
    /// <param name="Elapsed">The wall-clock time of the epoch.</param>
    public sealed record EpochReport(
        int Epoch,
        int Epochs,
        double Loss,
        double Accuracy,
        double ValidationLoss,
        double ValidationAccuracy,
        int Steps,
        TimeSpan Elapsed)
    {
        /// <inheritdoc/>
        public override string ToString()
        {
            string s = FormattableString.Invariant($"epoch {Epoch}/{Epochs}: loss {Loss:0.0000}");
            if (!double.IsNaN(Accuracy))
            {
                s += FormattableString.Invariant($", accuracy {Accuracy:0.0000}");
            }

            if (!double.IsNaN(ValidationLoss))
            {
                s += FormattableString.Invariant($", val loss {ValidationLoss:0.0000}");
            }

            if (!double.IsNaN(ValidationAccuracy))
            {
                s += FormattableString.Invariant($", val accuracy {ValidationAccuracy:0.0000}");
            }

            return s + FormattableString.Invariant($" ({Elapsed.TotalMilliseconds:0} ms)");
        }
    }

    /// <summary>The training loop behind every generated <c>Trainer.Fit</c>: epochs, shuffling, batching, validation, progress.</summary>
    [TrainingOnly]
    public static class FitLoop
    {
        /// <summary>Trains <paramref name="trainer"/> on the rows of <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
        /// <param name="model">The model being trained (used for validation through its inference path).</param>
        /// <param name="trainer">The model's trainer.</param>
        /// <param name="inputs">Training rows, <see cref="IModel.InputLength"/> floats each.</param>
        /// <param name="targets">Target rows, <see cref="IModel.OutputLength"/> floats each.</param>
        /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
        /// <param name="progress">Receives one report per epoch.</param>
        /// <returns>The report of every epoch.</returns>
        /// <remarks>
        /// When the model has BatchNorm and the last batch of an epoch would hold a single row, that row is left out of
        /// the epoch (the variance of one sample is 0); with shuffling, a different row is left out each epoch.
        /// </remarks>
        public static IReadOnlyList<EpochReport> Run(
            IModel model,
            ITrainer trainer,
            ReadOnlySpan<float> inputs,
            ReadOnlySpan<float> targets,
            FitOptions? options = null,
            IProgress<EpochReport>? progress = null)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            if (trainer is null)
            {
                throw new ArgumentNullException(nameof(trainer));
            }

            options ??= new FitOptions();
            int inLen = model.InputLength;
            int outLen = model.OutputLength;

            // Class-index targets (one per row, categorical cross-entropy) become one-hot rows once, before training.
            if (ExpandClassIndices(trainer.Loss, inputs.Length, targets, inLen, outLen) is { } oneHot)
            {
                targets = oneHot;
            }

            int rows = CheckRows(inputs.Length, targets.Length, inLen, outLen, "inputs", "targets", trainer.Loss);
            if (options.Epochs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "FitOptions.Epochs must not be negative.");
            }

            if (options.BatchSize < trainer.MinBatchSize || options.BatchSize > trainer.MaxBatchSize)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options),
                    options.BatchSize,
                    $"FitOptions.BatchSize must be between {trainer.MinBatchSize} and the trainer's MaxBatchSize {trainer.MaxBatchSize}; create the trainer with CreateTrainer(maxBatchSize: {Math.Max(options.BatchSize, 1)}) for larger batches.");
            }

            if (rows < trainer.MinBatchSize)
            {
                throw new ArgumentException($"Training needs at least {trainer.MinBatchSize} rows; got {rows}.", nameof(inputs));
            }

            int valRows = 0;
            float[] valTargets = Array.Empty<float>();
            if (options.ValidationInputs is not null || options.ValidationTargets is not null)
            {
                if (options.ValidationInputs is null || options.ValidationTargets is null)
                {
                    throw new ArgumentException("Set both FitOptions.ValidationInputs and FitOptions.ValidationTargets, or neither.", nameof(options));
                }

                valTargets = ExpandClassIndices(trainer.Loss, options.ValidationInputs.Length, options.ValidationTargets, inLen, outLen) ?? options.ValidationTargets;
                valRows = CheckRows(options.ValidationInputs.Length, valTargets.Length, inLen, outLen, "ValidationInputs", "ValidationTargets", trainer.Loss);
            }

            var order = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                order[i] = i;
            }

            var batchIn = new float[options.BatchSize * inLen];
            var batchTarget = new float[options.BatchSize * outLen];
            var valOut = new float[valRows * outLen];
            var reports = new List<EpochReport>(options.Epochs);
            var rng = new DeterministicRandom(options.Seed);
            var clock = new Stopwatch();
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                clock.Restart();
                if (options.Shuffle)
                {
                    for (int i = rows - 1; i > 0; i--)
                    {
                        int j = rng.NextInt(i + 1);
                        (order[i], order[j]) = (order[j], order[i]);
                    }
                }

                double lossSum = 0;
                long correct = 0;
                long counted = 0;
                int steps = 0;
                for (int start = 0; start < rows; start += options.BatchSize)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    int n = Math.Min(options.BatchSize, rows - start);
                    if (n < trainer.MinBatchSize)
                    {
                        break;
                    }

                    for (int r = 0; r < n; r++)
                    {
                        int src = order[start + r];
                        inputs.Slice(src * inLen, inLen).CopyTo(batchIn.AsSpan(r * inLen));
                        targets.Slice(src * outLen, outLen).CopyTo(batchTarget.AsSpan(r * outLen));
                    }

                    var t = batchTarget.AsSpan(0, n * outLen);
                    lossSum += trainer.TrainStep(batchIn.AsSpan(0, n * inLen), t);
                    correct += Metrics.CountCorrect(trainer.Loss, trainer.LastOutputs.Slice(0, n * outLen), t, outLen);
                    counted += n * (long)(trainer.Loss == LossKind.BinaryCrossEntropy ? outLen : 1);
                    steps++;
                }

                double valLoss = double.NaN;
                double valAcc = double.NaN;
                if (valRows > 0)
                {
                    model.PredictBatch(options.ValidationInputs, valOut);
                    valLoss = Metrics.Loss(trainer.Loss, valOut, valTargets, outLen);
                    valAcc = Metrics.Accuracy(trainer.Loss, valOut, valTargets, outLen);
                }

                double acc = trainer.Loss == LossKind.MeanSquaredError || counted == 0 ? double.NaN : (double)correct / counted;
                var report = new EpochReport(epoch, options.Epochs, steps == 0 ? double.NaN : lossSum / steps, acc, valLoss, valAcc, steps, clock.Elapsed);
                reports.Add(report);
                progress?.Report(report);
            }

            return reports;
        }

        private static int CheckRows(int inputLength, int targetLength, int inLen, int outLen, string inName, string targetName, LossKind loss)
        {
            if (inputLength % inLen != 0)
            {
                throw new ArgumentException($"{inName} has {inputLength} floats, which is not a whole number of rows of {inLen}.", inName);
            }

            int rows = inputLength / inLen;
            if (targetLength != rows * outLen)
            {
                throw new ArgumentException(targetName + ClassLabels.TargetLengthMessage(targetLength, rows, outLen, loss).Substring("targets".Length), targetName);
            }

            return rows;
        }

        /// <summary>One-hot rows for class-index targets (categorical cross-entropy, one target per input row), else null.</summary>
        private static float[]? ExpandClassIndices(LossKind loss, int inputLength, ReadOnlySpan<float> targets, int inLen, int outLen)
        {
            bool indices = loss == LossKind.CategoricalCrossEntropy && outLen > 1 && inputLength % inLen == 0 && targets.Length == inputLength / inLen;
            return indices ? ClassLabels.OneHot(targets, outLen) : null;
        }
    }

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
