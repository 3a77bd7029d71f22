// Training: the loop behind every generated Trainer.Fit (epochs, shuffling, batches, validation, schedules, early
// stopping, checkpoints, progress), driving the trainer through ITrainer.
using System;
using System.Diagnostics;
using System.IO;

namespace ModelGen
{
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
}
