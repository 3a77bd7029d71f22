namespace ModelGen.Generator.Model
{
    /// <summary>What a layer is at inference, as the planner needs to know it to fuse layers into steps.</summary>
    internal enum InferenceRole
    {
        /// <summary>Computes each output feature from the whole input (dense): starts a step; epilogues fuse into it.</summary>
        Producer,

        /// <summary>A per-feature affine map (BatchNorm with running statistics): fuses after a producer.</summary>
        Affine,

        /// <summary>An element-wise function (activations): fuses after a producer or an affine map.</summary>
        Elementwise,

        /// <summary>An operation over a whole row (softmax): a step of its own.</summary>
        Row,

        /// <summary>Nothing at inference (dropout): no step.</summary>
        Identity,

        /// <summary>
        /// Combines several inputs (the merge layers: add, concatenate, ...): starts a step that reads every input; for an
        /// element-wise merge, affine and element-wise epilogues fuse into it.
        /// </summary>
        Merge,
    }

    /// <summary>Where a tensor lives in the generated model.</summary>
    internal enum TensorStorageKind
    {
        /// <summary>The trainable parameters (<c>float[]</c>).</summary>
        Parameters,

        /// <summary>Non-trainable state such as running statistics (<c>float[]</c>).</summary>
        State,

        /// <summary>Counters such as <c>num_batches_tracked</c> (<c>long[]</c>).</summary>
        Counters,
    }

    /// <summary>One tensor a layer owns: its suffix (the <c>state_dict</c> name after the layer name), shape and storage.</summary>
    /// <param name="Panels">
    /// A <c>[outputs, inputs]</c> weight that the kernels read in panels: in the compute layout, for each block of 16
    /// outputs, the 16 weights of input 0, then of input 1, ... (outputs past the last padded with 0).
    /// </param>
    internal sealed record TensorSpec(string Suffix, EquatableArray<int> Shape, TensorStorageKind Storage, bool Panels = false)
    {
        /// <summary>Elements in the tensor (1 for a scalar).</summary>
        public long Elements => System.Linq.Enumerable.Aggregate(Shape, 1L, (a, d) => a * d);
    }

    /// <summary>
    /// One layer as declared: its position, name, inferred input and output shapes and, in the derived record of its kind,
    /// only its own hyper-parameters. Records compare by value, so the pipeline caches on them.
    /// </summary>
    /// <param name="Index">The position in the layer list (0-based).</param>
    /// <param name="Name">The tensor-name prefix (the declared name, or the position as in <c>torch.nn.Sequential</c>).</param>
    /// <param name="Input">The shape of one sample entering the layer.</param>
    /// <param name="Output">The shape of one sample leaving the layer.</param>
    internal abstract record LayerSpec(int Index, string Name, Shape Input, Shape Output)
    {
        /// <summary>
        /// The layers whose outputs this layer reads, by index (-1: the model's input): the previous layer for a layer in a
        /// straight stack, the layer named by <c>From</c>, and for a merge layer the current tensor followed by the named
        /// ones. Set by the parser; the list is in topological order, so every index is below <see cref="Index"/>.
        /// </summary>
        public EquatableArray<int> Inputs { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The layer whose output is this layer's (first) input, or -1 for the model's input.</summary>
        public int Source => Inputs.Count > 0 ? Inputs[0] : Index - 1;

        /// <summary>The kind as users write it, e.g. <c>Dense</c>, <c>LeakyReLU</c> (used in messages).</summary>
        public abstract string KindName { get; }

        /// <summary>What the layer is at inference (for fusion).</summary>
        public abstract InferenceRole Role { get; }

        /// <summary>Floats in one input sample.</summary>
        public int InputSize => Input.Size;

        /// <summary>Floats in one output sample.</summary>
        public int OutputSize => Output.Size;

        /// <summary>The tensors the layer owns, in <c>state_dict</c> order.</summary>
        public virtual EquatableArray<TensorSpec> Tensors => EquatableArray<TensorSpec>.Empty;

        /// <summary>Floats of constants derived from the tensors for inference (BatchNorm's folded scale and shift).</summary>
        public virtual int DerivedConstants => 0;

        /// <summary>Whether the layer owns trainable parameters.</summary>
        public bool HasParameters => ParameterCount > 0;

        /// <summary>Trainable parameters this layer owns.</summary>
        public long ParameterCount
        {
            get
            {
                long n = 0;
                foreach (var t in Tensors)
                {
                    if (t.Storage == TensorStorageKind.Parameters)
                    {
                        n += t.Elements;
                    }
                }

                return n;
            }
        }

        /// <summary>
        /// About the multiply-adds one row costs at inference, for deciding when to use threads: one per parameter (a dense
        /// weight is used once per row) unless the kind says otherwise (a convolution uses its weights at every position).
        /// </summary>
        public virtual long WorkPerRow => ParameterCount;

        /// <summary>Whether the layer was declared to depend on the batch or the call at inference (an explicit opt-in).</summary>
        public virtual bool BatchDependentAtInference => false;

        /// <summary>The declared reason for <see cref="BatchDependentAtInference"/>.</summary>
        public virtual string Reason => string.Empty;

        /// <summary>Whether training normalizes with batch statistics (so a batch needs at least two rows).</summary>
        public virtual bool UsesBatchStatisticsInTraining => false;

        /// <summary>
        /// Whether a row's training-mode output depends on the rest of the batch: batch statistics, or (dropout) a mask drawn
        /// for the row's position in the batch. Without such a layer the training-mode forward pass computes each row alone.
        /// </summary>
        public virtual bool TrainingOutputDependsOnBatch => UsesBatchStatisticsInTraining;

        /// <summary>Whether a dense layer right before this one initializes with He rather than Glorot (rectifiers).</summary>
        public virtual bool PrefersHeInitialization => false;

        /// <summary>The output shape for <paramref name="input"/> (default: the same shape).</summary>
        public virtual Shape InferOutput(Shape input) => input;

        /// <summary>
        /// Why the layer cannot take an input of this shape (completing the sentence "Layer n cannot take its input:
        /// ..."), or null when it can (the default).
        /// </summary>
        public virtual string? CheckInput(Shape input) => null;

        /// <summary>
        /// Channels of the output: the first dimension of a multi-dimensional output (<c>[C, H, W]</c>), else every
        /// feature. Per-feature layers (BatchNorm) have one value per channel; epilogues receive a value's channel.
        /// </summary>
        public int OutputChannels => Output.Rank >= 2 ? Output.Dims[0] : OutputSize;

        /// <summary>Values per output channel (1 for a vector output).</summary>
        public int OutputSpatial => OutputSize / OutputChannels;

        /// <summary>
        /// Whether the layer can write its output over its input (element-wise and per-feature layers); a producer
        /// cannot, so it needs the other buffer.
        /// </summary>
        public bool InPlace => Role != InferenceRole.Producer;
    }
}
