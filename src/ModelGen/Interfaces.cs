using System;
using System.IO;

namespace ModelGen
{
    /// <summary>
    /// Implemented by every generated model: inference and weight I/O. Inference reads only the model's parameters and
    /// running statistics, so a sample's prediction never depends on the other samples of a batch.
    /// </summary>
    /// <remarks>
    /// Threads: any number of threads may predict at once. <see cref="LoadWeights"/>, <see cref="SetParameters"/> and
    /// <see cref="SetTensor"/> are atomic for those predictions (each uses the old weights or the new ones, never a mix),
    /// and are serialized with each other and with <see cref="SaveWeights"/> and <see cref="GetTensor"/>. A training step
    /// (<see cref="ITrainer.TrainStep"/>) changes the weights in place and must not overlap any other use of the same model;
    /// set <see cref="ConcurrencyChecks.Enabled"/> while testing to have a prediction that overlaps one throw. See
    /// docs/reliability.md.
    /// </remarks>
    public interface IModel
    {
        /// <summary>The number of floats in one input sample.</summary>
        int InputLength { get; }

        /// <summary>The number of floats in one output sample.</summary>
        int OutputLength { get; }

        /// <summary>The number of trainable parameters.</summary>
        int ParameterLength { get; }

        /// <summary>Predicts one sample. Thread-safe; allocates nothing.</summary>
        /// <param name="input">Exactly <see cref="InputLength"/> floats.</param>
        /// <param name="output">Exactly <see cref="OutputLength"/> floats, overwritten; must not overlap <paramref name="input"/>.</param>
        [InferenceEntryPoint]
        void Predict(ReadOnlySpan<float> input, Span<float> output);

        /// <summary>Predicts any number of rows; row <c>i</c> is bitwise identical to <see cref="Predict"/> of row <c>i</c>.</summary>
        /// <param name="inputs">A whole number of rows of <see cref="InputLength"/> floats.</param>
        /// <param name="outputs">The same number of rows of <see cref="OutputLength"/> floats, overwritten; must not overlap <paramref name="inputs"/>.</param>
        [InferenceEntryPoint]
        void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

        /// <summary>The network as the generator compiled it: layers, sizes, hyper-parameters, tensor offsets.</summary>
        ModelDescription Description { get; }

        /// <summary>
        /// The trainable parameters, laid out as <see cref="ModelDescription"/> says: a view of the model's own array, so one
        /// read while another thread loads weights can see a mix; <see cref="GetTensor"/> and <see cref="SaveWeights"/> copy.
        /// </summary>
        ReadOnlySpan<float> Parameters { get; }

        /// <summary>Replaces every trainable parameter, atomically for predictions on other threads; NaN and infinities are rejected.</summary>
        void SetParameters(ReadOnlySpan<float> values);

        /// <summary>A copy of one named tensor (counters converted to float).</summary>
        float[] GetTensor(string name);

        /// <summary>
        /// Overwrites one named tensor, atomically for predictions on other threads. Rejected: NaN and infinities, a negative
        /// running variance, a counter that is not a whole number of at least 0.
        /// </summary>
        void SetTensor(string name, ReadOnlySpan<float> values);

        /// <summary>Writes the weights and running statistics in the safetensors format.</summary>
        void SaveWeights(Stream stream);

        /// <summary>
        /// Reads weights written by <see cref="SaveWeights(Stream)"/> or by PyTorch (safetensors, <c>state_dict</c> names). The
        /// whole file is checked before the model changes (all or nothing), and the new weights replace the old ones at once
        /// for predictions on other threads.
        /// </summary>
        void LoadWeights(Stream stream);
    }

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
