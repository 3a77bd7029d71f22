// Declarations: the interface every generated Trainer implements; Training/FitLoop drives a trainer through it.
using System;
using System.IO;

namespace ModelGen
{
    /// <summary>
    /// Implemented by every generated model's nested <c>Trainer</c>. For one thread at a time; while a step runs, the model
    /// must not be used on other threads (see <see cref="ConcurrencyChecks"/>).
    /// The members that train or read training-mode results (<see cref="TrainStep"/>, <see cref="ComputeGradients"/>,
    /// <see cref="LastOutputs"/>, <see cref="Gradients"/>) carry <see cref="TrainingOnlyAttribute"/> and
    /// <see cref="UsesBatchStatisticsAttribute"/>: through the interface the analyzer cannot tell which model it trains,
    /// so it treats them as batch-dependent. The members that only hold state are not marked.
    /// </summary>
    public interface ITrainer
    {
        /// <summary>The largest batch <see cref="TrainStep"/> accepts (activation caches are sized for it).</summary>
        int MaxBatchSize { get; }

        /// <summary>The smallest batch <see cref="TrainStep"/> accepts: 2 when the model has BatchNorm (the variance of one sample is 0), else 1.</summary>
        int MinBatchSize { get; }

        /// <summary>The number of optimizer updates made so far.</summary>
        long Iterations { get; }

        /// <summary>The learning rate of the next step (initially the declared one); a finite value of at least 0.</summary>
        double LearningRate { get; set; }

        /// <summary>Gradient clipping by global L2 norm before each update (PyTorch <c>clip_grad_norm_</c>); 0, the default, is off.</summary>
        double ClipGradientNorm { get; set; }

        /// <summary>Whether a step checks that its loss and gradients are finite before updating anything (default true).</summary>
        bool DetectDivergence { get; set; }

        /// <summary>Writes the trainer's whole state (model, optimizer, step count, learning rate) so training can resume bitwise.</summary>
        void SaveCheckpoint(Stream stream);

        /// <summary>Restores a state written by <see cref="SaveCheckpoint(Stream)"/> from a trainer of the same declaration; all or nothing.</summary>
        void LoadCheckpoint(Stream stream);

        /// <summary>The training loss the model was declared with.</summary>
        LossKind Loss { get; }

        /// <summary>The training-mode outputs of the last <see cref="TrainStep"/> (rows times the output length).</summary>
        [TrainingOnly]
        [UsesBatchStatistics]
        ReadOnlySpan<float> LastOutputs { get; }

        /// <summary>
        /// One training step on a batch: training-mode forward pass with batch statistics, running-statistics update,
        /// backward pass and optimizer update. Returns the batch loss before the update.
        /// </summary>
        /// <param name="inputs">Rows of input floats; the row count is <c>inputs.Length / InputLength</c>.</param>
        /// <param name="targets">The same number of rows of target floats.</param>
        [TrainingOnly]
        [UsesBatchStatistics]
        float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

        /// <summary>The training-mode forward and backward pass without any update; fills <see cref="Gradients"/> and returns the loss.</summary>
        [TrainingOnly]
        [UsesBatchStatistics]
        float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

        /// <summary>The gradients of the last step, laid out like the parameters.</summary>
        [TrainingOnly]
        [UsesBatchStatistics]
        ReadOnlySpan<float> Gradients { get; }
    }
}
