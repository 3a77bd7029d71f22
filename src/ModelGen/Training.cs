using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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

        /// <summary>
        /// Cancels training between steps: <c>Fit</c> then throws <see cref="FitCanceledException"/>, which carries the
        /// <see cref="History"/> of the epochs completed before (the model keeps the steps made so far).
        /// </summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>Sets the trainer's learning rate at the start of every epoch (default: none, the rate stays as it is).</summary>
        public LearningRateSchedule? Schedule { get; set; }

        /// <summary>Stops training when a monitored metric stops improving (default: none, all epochs run).</summary>
        public EarlyStopping? EarlyStopping { get; set; }

        /// <summary>
        /// A file that makes training resumable (as Keras' BackupAndRestore): after every epoch, Fit saves the trainer's whole
        /// state (<c>SaveCheckpoint</c>) and its own (epochs done, shuffle order and generator, schedule, early-stopping state
        /// and best weights, history) there, atomically. When Fit starts and the file exists, it resumes from it: the saved
        /// epochs are not run again, and the run ends bitwise as an uninterrupted one would. Call Fit with the same data and
        /// options (checked). The file is deleted when Fit completes.
        /// </summary>
        public string? CheckpointPath { get; set; }

        /// <summary>
        /// Called after every epoch with its report, synchronously on the thread that called <c>Fit</c>, before the next
        /// epoch starts (unlike <see cref="Progress{T}"/>, which posts to the thread pool or a synchronization context).
        /// </summary>
        public Action<EpochReport>? OnEpochEnd { get; set; }
    }

    /// <summary>The quantities <see cref="EarlyStopping"/> can monitor.</summary>
    public enum FitMetric
    {
        /// <summary>The validation loss (lower is better); needs a validation set.</summary>
        ValidationLoss,

        /// <summary>The validation accuracy (higher is better); needs a validation set and a classification loss.</summary>
        ValidationAccuracy,

        /// <summary>The mean training loss of the epoch (lower is better).</summary>
        Loss,

        /// <summary>The training accuracy of the epoch (higher is better); needs a classification loss.</summary>
        Accuracy,
    }

    /// <summary>
    /// Early stopping for <c>Fit</c> (Keras <c>EarlyStopping</c>): an epoch improves when the monitored metric beats the best so
    /// far by more than <see cref="MinDelta"/>; after <see cref="Patience"/> epochs without improvement, training stops.
    /// </summary>
    public sealed class EarlyStopping
    {
        /// <summary>The metric to watch (default: the validation loss).</summary>
        public FitMetric Monitor { get; set; } = FitMetric.ValidationLoss;

        /// <summary>Epochs without improvement before stopping (default 5).</summary>
        public int Patience { get; set; } = 5;

        /// <summary>The smallest change that counts as an improvement (default 0).</summary>
        public double MinDelta { get; set; }

        /// <summary>
        /// Whether the model ends with the weights and running statistics of its best epoch (default true), whether training
        /// stopped early or ran all epochs. The optimizer's state is not rolled back (as in Keras).
        /// </summary>
        public bool RestoreBestWeights { get; set; } = true;
    }

    /// <summary>Why <c>Fit</c> ended.</summary>
    public enum FitStopReason
    {
        /// <summary>Every epoch ran.</summary>
        Completed,

        /// <summary><see cref="EarlyStopping"/> stopped training.</summary>
        EarlyStopped,
    }

    /// <summary>What <c>Fit</c> returns: the report of every completed epoch, why training ended and, with early stopping, the best epoch.</summary>
    public sealed class History : IReadOnlyList<EpochReport>
    {
        private readonly List<EpochReport> _epochs = new();

        internal History()
        {
        }

        /// <summary>Why training ended.</summary>
        public FitStopReason StopReason { get; internal set; }

        /// <summary>The best epoch by the early-stopping metric (from 1), or 0 without early stopping.</summary>
        public int BestEpoch { get; internal set; }

        /// <summary>Whether the model was given back the weights of <see cref="BestEpoch"/> at the end.</summary>
        public bool RestoredBestWeights { get; internal set; }

        /// <summary>The number of completed epochs.</summary>
        public int Count => _epochs.Count;

        /// <summary>The report of a completed epoch (index 0 is epoch 1).</summary>
        public EpochReport this[int index] => _epochs[index];

        /// <summary>The training losses, one per epoch.</summary>
        public IReadOnlyList<double> Losses => _epochs.ConvertAll(e => e.Loss);

        /// <summary>The validation losses, one per epoch (NaN without a validation set).</summary>
        public IReadOnlyList<double> ValidationLosses => _epochs.ConvertAll(e => e.ValidationLoss);

        /// <inheritdoc/>
        public IEnumerator<EpochReport> GetEnumerator() => _epochs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        internal void Add(EpochReport report) => _epochs.Add(report);
    }

    /// <summary>
    /// <c>Fit</c> was canceled through <see cref="FitOptions.CancellationToken"/>; <see cref="History"/> holds the epochs
    /// completed before. An <see cref="OperationCanceledException"/>, so code that catches those sees it too.
    /// </summary>
    public sealed class FitCanceledException : OperationCanceledException
    {
        internal FitCanceledException(History history, CancellationToken token)
            : base($"Training was canceled after {history.Count} completed epoch(s).", token)
        {
            History = history;
        }

        /// <summary>The reports of the epochs completed before the cancellation.</summary>
        public History History { get; }
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
    /// <param name="LearningRate">The learning rate the epoch trained with.</param>
    public sealed record EpochReport(
        int Epoch,
        int Epochs,
        double Loss,
        double Accuracy,
        double ValidationLoss,
        double ValidationAccuracy,
        int Steps,
        TimeSpan Elapsed,
        double LearningRate = double.NaN)
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
        /// <param name="progress">Receives one report per epoch (as <see cref="IProgress{T}"/> delivers it; see <see cref="FitOptions.OnEpochEnd"/> for a synchronous call).</param>
        /// <returns>The report of every epoch, why training ended, and the best epoch with early stopping.</returns>
        /// <exception cref="FitCanceledException">The cancellation token was canceled; the exception carries the history so far.</exception>
        /// <exception cref="TrainingDivergedException">A step's loss or gradients were not finite (with the trainer's DetectDivergence on).</exception>
        /// <remarks>
        /// When the model has BatchNorm and the last batch of an epoch would hold a single row, that row is left out of
        /// the epoch (the variance of one sample is 0); with shuffling, a different row is left out each epoch.
        /// </remarks>
        public static History Run(
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

            var stopping = options.EarlyStopping;
            if (stopping is not null)
            {
                if (stopping.Patience < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(options), stopping.Patience, "EarlyStopping.Patience must not be negative.");
                }

                bool needsValidation = stopping.Monitor is FitMetric.ValidationLoss or FitMetric.ValidationAccuracy;
                if (needsValidation && options.ValidationInputs is null)
                {
                    throw new ArgumentException($"EarlyStopping monitors {stopping.Monitor}, which needs FitOptions.ValidationInputs and ValidationTargets; set them, or monitor FitMetric.Loss.", nameof(options));
                }

                if (stopping.Monitor is FitMetric.ValidationAccuracy or FitMetric.Accuracy && trainer.Loss == LossKind.MeanSquaredError)
                {
                    throw new ArgumentException($"EarlyStopping monitors {stopping.Monitor}, but a regression model (mean squared error) has no accuracy; monitor a loss.", nameof(options));
                }
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
            var history = new History();
            var rng = new DeterministicRandom(options.Seed);
            var clock = new Stopwatch();
            double initialRate = trainer.LearningRate;
            EpochReport? previous = null;
            double best = double.NaN;
            int sinceBest = 0;
            MemoryStream? bestWeights = null;
            int first = 1;
            if (options.CheckpointPath is not null && File.Exists(options.CheckpointPath))
            {
                // Resume: the trainer's state and the loop's, as they were after the last saved epoch.
                var loop = FitCheckpoint.Restore(options.CheckpointPath, trainer, options, rows, history);
                first = history.StopReason == FitStopReason.EarlyStopped ? options.Epochs + 1 : loop.Epoch + 1;
                rng.State = loop.Random;
                loop.Order.CopyTo(order, 0);
                initialRate = loop.InitialRate;
                (best, sinceBest, bestWeights) = (loop.Best, loop.SinceBest, loop.BestWeights);
                previous = history.Count > 0 ? history[history.Count - 1] : null;
                if (loop.Schedule is not null)
                {
                    options.Schedule?.RestoreState(loop.Schedule);
                }
            }

            for (int epoch = first; epoch <= options.Epochs; epoch++)
            {
                clock.Restart();
                if (options.Schedule is not null)
                {
                    trainer.LearningRate = TrainingValues.CheckLearningRate(options.Schedule.Rate(epoch - 1, initialRate, previous));
                }

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
                    if (options.CancellationToken.IsCancellationRequested)
                    {
                        throw new FitCanceledException(history, options.CancellationToken);
                    }

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
                var report = new EpochReport(epoch, options.Epochs, steps == 0 ? double.NaN : lossSum / steps, acc, valLoss, valAcc, steps, clock.Elapsed, trainer.LearningRate);
                history.Add(report);
                previous = report;
                bool stop = false;
                if (stopping is not null)
                {
                    double value = Monitored(stopping.Monitor, report);
                    bool higherIsBetter = stopping.Monitor is FitMetric.Accuracy or FitMetric.ValidationAccuracy;
                    bool improved = double.IsNaN(best)
                        ? !double.IsNaN(value)
                        : higherIsBetter ? value > best + stopping.MinDelta : value < best - stopping.MinDelta;
                    if (improved)
                    {
                        best = value;
                        sinceBest = 0;
                        history.BestEpoch = epoch;
                        if (stopping.RestoreBestWeights)
                        {
                            bestWeights ??= new MemoryStream();
                            bestWeights.SetLength(0);
                            model.SaveWeights(bestWeights);
                        }
                    }
                    else if (++sinceBest > stopping.Patience - 1 && epoch < options.Epochs)
                    {
                        history.StopReason = FitStopReason.EarlyStopped;
                        stop = true;
                    }
                }

                if (options.CheckpointPath is not null)
                {
                    var loop = new FitState(epoch, rng.State, order, initialRate, best, sinceBest, bestWeights, options.Schedule?.SaveState());
                    FitCheckpoint.Save(options.CheckpointPath, trainer, options, rows, loop, history);
                }

                options.OnEpochEnd?.Invoke(report);
                progress?.Report(report);
                if (stop)
                {
                    break;
                }
            }

            if (options.CheckpointPath is not null)
            {
                // The run is complete: a later Fit with this path starts afresh (as Keras' BackupAndRestore).
                File.Delete(options.CheckpointPath);
            }

            if (bestWeights is not null && history.BestEpoch != history.Count)
            {
                bestWeights.Position = 0;
                model.LoadWeights(bestWeights);
                history.RestoredBestWeights = true;
            }

            return history;
        }

        private static double Monitored(FitMetric metric, EpochReport report) => metric switch
        {
            FitMetric.ValidationLoss => report.ValidationLoss,
            FitMetric.ValidationAccuracy => report.ValidationAccuracy,
            FitMetric.Accuracy => report.Accuracy,
            _ => report.Loss,
        };

        private static int CheckRows(int inputLength, int targetLength, int inLen, int outLen, string inName, string targetName, LossKind loss)
        {
            if (inputLength % inLen != 0)
            {
                throw new ArgumentException($"{inName} has {inputLength} floats, which is not a whole number of rows of {inLen}.", inName);
            }

            int rows = inputLength / inLen;
            if (targetLength != rows * outLen)
            {
                throw new ArgumentException(ClassLabels.TargetLengthMessage(targetLength, rows, outLen, loss, targetName), targetName);
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

    /// <summary>The precision, recall and F1 score of one class, and how many rows belong to it.</summary>
    /// <param name="Class">The class index.</param>
    /// <param name="Precision">Of the rows predicted as this class, the fraction that are.</param>
    /// <param name="Recall">Of the rows of this class, the fraction predicted as it.</param>
    /// <param name="F1">The harmonic mean of precision and recall.</param>
    /// <param name="Support">The number of rows of this class.</param>
    public sealed record ClassScores(int Class, double Precision, double Recall, double F1, long Support);
}
