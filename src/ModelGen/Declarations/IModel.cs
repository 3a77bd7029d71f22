// Declarations: the interface every generated model implements (inference and weight I/O); Onnx/ and Training/ work on
// models through it.
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
}
