// Training: the options of one Fit run; FitLoop reads them.
using System;
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
}
