using ModelGen.Generator.Model;

namespace ModelGen.Generator.Planning
{
    /// <summary>
    /// What the emitters need beyond the declaration, decided once: where every tensor lives, which layers fuse into
    /// which inference step, which buffers each step reads and writes, and the sizes of every workspace. A plain
    /// equatable value, so it caches in the pipeline and can be tested on its own.
    /// </summary>
    /// <param name="Spec">The declaration.</param>
    /// <param name="Layers">Per layer (same order as <see cref="ModelSpec.Layers"/>): offsets and tensors.</param>
    /// <param name="Tensors">Every tensor in <c>state_dict</c> order, with its offset in its storage.</param>
    /// <param name="ParameterCount">Floats of trainable parameters.</param>
    /// <param name="ComputeCount">
    /// Floats of the parameters in the compute layout the kernels and the optimizer use: every tensor at a multiple of 16,
    /// padded to whole panels, dense weights in panels (<see cref="TensorSpec.Panels"/>).
    /// </param>
    /// <param name="StateCount">Floats of non-trainable state (running statistics).</param>
    /// <param name="CounterCount">Counters (<c>num_batches_tracked</c>).</param>
    /// <param name="DerivedCount">Floats of inference constants derived from the tensors (BatchNorm's folded scale and shift).</param>
    /// <param name="Inference">The inference steps and buffers.</param>
    /// <param name="Training">The training buffers, or null for an inference-only model.</param>
    internal sealed record ModelPlan(
        ModelSpec Spec,
        EquatableArray<LayerPlan> Layers,
        EquatableArray<TensorPlan> Tensors,
        int ParameterCount,
        int ComputeCount,
        int StateCount,
        int CounterCount,
        int DerivedCount,
        InferencePlan Inference,
        TrainingPlan? Training);

    /// <summary>Where one layer's tensors and derived constants live.</summary>
    /// <param name="ParameterOffset">Offset of the layer's first parameter (the running parameter offset for a layer without parameters).</param>
    /// <param name="StateOffset">Offset of its first state float (0 without state).</param>
    /// <param name="CounterIndex">Index of its first counter (0 without counters).</param>
    /// <param name="DerivedOffset">Offset of its derived inference constants (0 without).</param>
    /// <param name="Tensors">Its tensors with their offsets.</param>
    /// <param name="HeInitialization">A producer followed (across affine and identity layers) by a rectifier: He, not Glorot.</param>
    internal sealed record LayerPlan(int ParameterOffset, int StateOffset, int CounterIndex, int DerivedOffset, EquatableArray<TensorPlan> Tensors, bool HeInitialization)
    {
        /// <summary>The offset of the tensor with this suffix (<c>weight</c>, <c>bias</c>, <c>running_var</c>, ...) in its storage.</summary>
        public int Offset(string suffix) => Tensor(suffix).Offset;

        /// <summary>The offset of a parameter tensor in the compute layout.</summary>
        public int Compute(string suffix) => Tensor(suffix).ComputeOffset;

        private TensorPlan Tensor(string suffix)
        {
            foreach (var t in Tensors)
            {
                if (t.Suffix == suffix)
                {
                    return t;
                }
            }

            throw new System.InvalidOperationException("The layer has no tensor '" + suffix + "'.");
        }
    }

    /// <summary>One tensor: its <c>state_dict</c> name, shape, storage and offset there.</summary>
    /// <param name="ComputeOffset">Parameters: the offset in the compute layout (a multiple of 16); others: the same as <paramref name="Offset"/>.</param>
    /// <param name="Panels">A dense weight stored in panels in the compute layout.</param>
    internal sealed record TensorPlan(string Name, string Suffix, EquatableArray<int> Shape, TensorStorageKind Storage, int Offset, int ComputeOffset, bool Panels)
    {
        /// <summary>Elements of the tensor.</summary>
        public int Elements => System.Linq.Enumerable.Aggregate(Shape, 1, (a, d) => a * d);

        /// <summary>Floats it takes in the compute layout (panels of 16 outputs, or the elements padded to a whole panel).</summary>
        public int ComputeSize => Panels ? Model.Limits.Pad(Shape[0]) * PanelInputs : Model.Limits.Pad(Elements);

        /// <summary>A weight in panels: the inputs of each output (the elements after the first dimension, e.g. channels x kernel x kernel).</summary>
        public int PanelInputs => Elements / Shape[0];
    }

    /// <summary>How a step of the running-statistics inference path computes.</summary>
    internal enum StepKind
    {
        /// <summary>A producer (dense) computes each output from the whole row, then its fused epilogues.</summary>
        Producer,

        /// <summary>Per-feature layers (affine, element-wise) applied to each value.</summary>
        Elementwise,

        /// <summary>An operation over the whole row (softmax).</summary>
        Row,

        /// <summary>A merge of several inputs (add, concatenate, ...), then for an element-wise merge its fused epilogues.</summary>
        Merge,
    }

    /// <summary>
    /// One step of the inference path: layers fused into one pass over a row. The first layer is the head (a producer,
    /// or the first per-feature layer); the others are epilogues applied to each output value in order.
    /// </summary>
    /// <param name="Kind">How the step computes.</param>
    /// <param name="Layers">Indices of the fused layers, in order.</param>
    /// <param name="Source">The (first) buffer read: <c>x</c> (the input) or a scratch buffer (<c>a</c>, <c>b</c>, ...).</param>
    /// <param name="Destination">The buffer written: a scratch buffer or <c>y</c> (the output).</param>
    /// <param name="Size">Floats written per row.</param>
    /// <param name="Sources">Every buffer the head reads, in its input order (<see cref="Source"/> first; a merge reads several).</param>
    internal sealed record InferenceStep(StepKind Kind, EquatableArray<int> Layers, string Source, string Destination, int Size, EquatableArray<string> Sources)
    {
        public int Head => Layers[0];
    }

    /// <summary>The inference path.</summary>
    /// <param name="BatchMode">A layer opted in to batch dependence: inference runs layer by layer over the whole batch.</param>
    /// <param name="Steps">The running-statistics steps (empty in batch mode).</param>
    /// <param name="IdentityLayers">Layers that are the identity at inference (dropout).</param>
    /// <param name="Width">Floats of each ping-pong buffer for one row: the widest step, padded to whole panels.</param>
    /// <param name="BlockRows">Rows per block in <c>PredictBatch</c> (0: no blocks).</param>
    /// <param name="RowWidth">The widest tensor of a row anywhere (input or any layer output): batch-mode buffers.</param>
    /// <param name="HeapWorkspace">
    /// The ping-pong buffers would take more than <see cref="Limits.StackBytes"/> of stack: they live in a per-thread
    /// array of <see cref="WorkspaceFloats"/> floats instead of <c>stackalloc</c>.
    /// </param>
    internal sealed record InferencePlan(bool BatchMode, EquatableArray<InferenceStep> Steps, EquatableArray<int> IdentityLayers, int Width, int BlockRows, int RowWidth, bool HeapWorkspace)
    {
        public bool UsesBlocks => BlockRows > 0;

        /// <summary>The scratch buffers the steps write (<c>a</c>, <c>b</c>, ...), in the order they were first needed.</summary>
        public System.Collections.Generic.IReadOnlyList<string> Scratch =>
            System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Distinct(System.Linq.Enumerable.Where(System.Linq.Enumerable.Select(Steps, s => s.Destination), d => d != "y")));

        /// <summary>
        /// Floats of the per-thread workspace: the scratch buffers (at least two) of <see cref="Width"/> for the most rows a
        /// method handles, one after the other in the order of <see cref="Scratch"/>.
        /// </summary>
        public int WorkspaceFloats => System.Math.Max(2, Scratch.Count) * System.Math.Max(1, BlockRows) * Width;

    }

    /// <summary>The trainer's buffers.</summary>
    /// <param name="GradientWidth">Floats per row of the gradient ping-pong buffers (the widest tensor of a row).</param>
    /// <param name="MinBatchSize">2 when a layer normalizes with batch statistics in training, else 1.</param>
    /// <param name="FirstParameterLayer">The first layer with parameters (the backward pass stops there), or -1.</param>
    /// <param name="FusedLoss">The loss gradient is taken with respect to the last layer's input (softmax or sigmoid logits).</param>
    internal sealed record TrainingPlan(int GradientWidth, int MinBatchSize, int FirstParameterLayer, bool FusedLoss);
}
