using System;
using System.Collections.Generic;
using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>One layer of a plan, as its emitter sees it: the spec, where its tensors live, and the whole plan.</summary>
    internal sealed class LayerContext
    {
        public LayerContext(ModelPlan model, int index)
        {
            Model = model;
            Spec = model.Spec.Layers[index];
            Plan = model.Layers[index];
        }

        /// <summary>The whole plan.</summary>
        public ModelPlan Model { get; }

        /// <summary>The layer's declaration.</summary>
        public LayerSpec Spec { get; }

        /// <summary>The layer's offsets.</summary>
        public LayerPlan Plan { get; }

        /// <summary>The layer's position as generated comments write it.</summary>
        public string Index => I(Spec.Index);

        /// <summary>
        /// The row stride of the layer's input in the trainer and in batch mode: the model's input rows are exactly
        /// <c>InputSize</c> floats; every buffer the generated code owns has rows padded to whole 16-float panels.
        /// </summary>
        public int InputStride => Spec.Source < 0 ? Model.Spec.InputSize : Limits.Pad(Spec.InputSize);

        /// <summary>The row stride of the layer's output buffers (padded to whole panels).</summary>
        public int OutputStride => Limits.Pad(Spec.OutputSize);
    }

    /// <summary>
    /// Generates the code of one layer kind: its share of the model's documentation, initialization, description, the
    /// inference path (one row and blocks of rows), batch-mode inference, and the trainer's forward and backward passes.
    /// The orchestrating emitters (model, inference, batch mode, training) call these in layer order and never switch on
    /// a layer kind. A kind implements what its <see cref="InferenceRole"/> needs; the defaults do nothing or throw.
    /// </summary>
    /// <remarks>
    /// Names in scope in the generated code: <c>p</c> (parameters), <c>folded</c> (derived inference constants),
    /// <c>At</c>, <c>Load8</c>, <c>Store8</c>, <c>Zero8</c>, <c>Splat8</c>, <c>Sum8</c>; in the trainer also <c>g</c>
    /// (gradients), <c>s</c> (state), <c>rows</c>, <c>_model</c>, <c>_seed</c>, <c>_iterations</c>, <c>Data(array)</c>
    /// and <c>updateRunningStatistics</c>; in batch mode <c>rows</c> and <c>call</c>.
    /// </remarks>
    internal abstract class LayerEmitter
    {
        /// <summary>The layer's line in the class remarks, e.g. <c>0: dense "fc1" 64 -> 32</c>.</summary>
        public abstract string Describe(LayerSpec layer);

        /// <summary>The layer's part of an inference step's comment, e.g. <c>layer 2, ReLU: z = max(z, 0)</c>.</summary>
        public virtual string DescribeInference(LayerSpec layer) => $"layer {I(layer.Index)}, {layer.KindName}";

        /// <summary>The expression that describes the layer in the generated <c>Description</c>.</summary>
        public abstract string DescriptionExpression(LayerContext c);

        /// <summary>Initializes the layer's tensors in the constructor (<c>random</c> is in scope).</summary>
        public virtual void EmitInitialization(SourceWriter w, LayerContext c)
        {
        }

        /// <summary>
        /// Class members the layer's inference code uses (per-thread scratch arrays, helpers shared with the trainer),
        /// written once into the model class.
        /// </summary>
        public virtual void EmitMembers(SourceWriter w, LayerContext c)
        {
        }

        /// <summary>Recomputes the layer's derived inference constants; returns whether it wrote anything.</summary>
        public virtual bool EmitRefresh(SourceWriter w, LayerContext c) => false;

        /// <summary>
        /// Producers: the rows whose inputs start at <paramref name="srcs"/> (one row, or a block of rows sharing loads;
        /// each row's arithmetic is the same either way), writing the rows <paramref name="dsts"/>, with the step's
        /// <paramref name="epilogues"/> fused. <paramref name="exactOutput"/>: the destination rows are the caller's output,
        /// exactly the output width (no padding to write into).
        /// </summary>
        /// <param name="first">With <paramref name="end"/> (names of ints in scope), only the outputs of the panels from
        /// <c>first</c> to <c>end</c>: one thread's part of a row (see <see cref="RowSplit"/>).</param>
        /// <param name="end">One past the last panel.</param>
        public virtual void EmitProducer(SourceWriter w, LayerContext c, string[] srcs, string[] dsts, IReadOnlyList<LayerContext> epilogues, bool exactOutput, string? first = null, string? end = null) => throw Unsupported(c, "a producer");

        /// <summary>
        /// Producers: how one row's outputs split over threads, as (panels of 16 outputs, granularity in panels), when a
        /// row is worth splitting (large weight matrices, which one core streams slower than two); null otherwise.
        /// </summary>
        public virtual (int Panels, int Granularity)? RowSplit(LayerSpec layer) => null;

        /// <summary>
        /// Producers: output ranges given to <see cref="EmitProducer"/> for a block of rows start at a multiple of this
        /// many 16-output panels (so every variant's groups of panels fall whole into a range).
        /// </summary>
        public virtual int BlockPanelGranularity(LayerSpec layer) => 1;

        /// <summary>Producers: whether a block of rows shares loads (else the block runs the row code per row).</summary>
        public virtual bool SharesLoadsAcrossRows(LayerSpec layer) => false;

        /// <summary>
        /// Affine and element-wise layers: the statement applied to the local <paramref name="z"/> of channel
        /// <paramref name="j"/> (the feature of a vector output; see <see cref="LayerSpec.OutputChannels"/>).
        /// </summary>
        public virtual string EpilogueStatement(LayerContext c, string z, string j) => throw Unsupported(c, "an epilogue");

        /// <summary>
        /// Affine and element-wise layers: the statement applied to the vector <paramref name="z"/> of the features from
        /// <paramref name="lane"/> on, in the lanes of <paramref name="width"/>; every lane as <see cref="EpilogueStatement"/>
        /// computes it. Null when the layer has no vector form (it then runs as a scalar pass after the step).
        /// </summary>
        public virtual string? VectorEpilogue(LayerContext c, Width width, string z, string lane) => null;

        /// <summary>Row operations: one row from <paramref name="src"/> into <paramref name="dst"/> (which may be the same buffer).</summary>
        public virtual void EmitRowOperation(SourceWriter w, LayerContext c, string src, string dst) => throw Unsupported(c, "a row operation");

        /// <summary>Identity layers: the comment saying so in the inference path.</summary>
        public virtual string IdentityNote(LayerContext c) => $"// Layer {c.Index}, {c.Spec.KindName} \"{c.Spec.Name}\", is the identity at inference.";

        /// <summary>Batch mode: what the layer does that makes inference depend on the batch (for the method's summary).</summary>
        public virtual string BatchDependenceNote(LayerSpec layer) => string.Empty;

        /// <summary>Batch mode: whether the layer draws from the per-call counter <c>call</c>.</summary>
        public virtual bool UsesCallCounter(LayerSpec layer) => false;

        /// <summary>Batch mode: the layer over <c>rows</c> rows from <paramref name="src"/> into <paramref name="dst"/>.</summary>
        public abstract void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst);

        /// <summary>Trainer: fields the layer caches between the forward and the backward pass (after its output field).</summary>
        public virtual void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
        }

        /// <summary>
        /// Trainer: the arrays behind those fields, allocated in the constructor in this order. The trainer's largest
        /// batch is bounded by the largest <see cref="TrainerBuffer.PerRow"/> of all layers, so every cache is listed here.
        /// </summary>
        public virtual IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c) => Array.Empty<TrainerBuffer>();

        /// <summary>Trainer: training-mode forward over <c>rows</c> rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
        public abstract void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y);

        /// <summary>
        /// Trainer: the training-mode forward with a writer for helper members of the trainer the forward pass calls (e.g.
        /// the parts a kind splits over threads); by default the forward without helpers.
        /// </summary>
        public virtual void EmitTrainingForward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y) => EmitTrainingForward(w, c, x, y);

        /// <summary>
        /// Trainer: the multiply-adds per row of the training-mode forward when every row is computed on its own (so the
        /// trainer may split the rows over threads, each row's arithmetic unchanged); 0 when rows depend on each other
        /// (batch statistics) or the work is too small to be worth a split.
        /// </summary>
        public virtual long TrainingForwardWorkPerRow(LayerSpec layer) => 0;

        /// <summary>
        /// Trainer: backward from the output gradient in <paramref name="d"/>, accumulating parameter gradients into <c>g</c>;
        /// when <paramref name="needInput"/>, leaves the input gradient in <paramref name="d"/> (in place; returns false) or
        /// in <paramref name="other"/> (returns true). <paramref name="members"/> takes any helper members of the trainer
        /// the backward pass calls (e.g. the parts a kind splits over threads).
        /// </summary>
        public abstract bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput);

        /// <summary>Inference, merge layers: one row of the inputs <paramref name="srcs"/> merged into <paramref name="dst"/>, then the fused epilogues.</summary>
        public virtual void EmitMerge(SourceWriter w, LayerContext c, IReadOnlyList<string> srcs, string dst, IReadOnlyList<LayerContext> epilogues) => throw Unsupported(c, "a merge");

        /// <summary>Trainer, merge layers: the forward over <c>rows</c> rows of the inputs <paramref name="xs"/> (row strides <paramref name="strides"/>) into <paramref name="y"/>.</summary>
        public virtual void EmitMergeForward(SourceWriter w, LayerContext c, IReadOnlyList<string> xs, IReadOnlyList<int> strides, string y) => throw Unsupported(c, "a merge");

        /// <summary>
        /// Trainer, merge layers: the gradient of input <paramref name="k"/> from the output gradient <paramref name="d"/>,
        /// written to (or, with <paramref name="accumulate"/>, added to) <paramref name="target"/>, rows <paramref name="targetStride"/> apart.
        /// </summary>
        public virtual void EmitMergeBackward(SourceWriter w, LayerContext c, IReadOnlyList<string> xs, IReadOnlyList<int> strides, string d, int k, string target, int targetStride, bool accumulate) => throw Unsupported(c, "a merge");

        /// <summary>
        /// <c>new global::ModelGen.{type}("name", new[] { input shape }, new[] { output shape }, {fields})</c>: the
        /// description every kind writes, its own fields as named arguments.
        /// </summary>
        protected static string Description(LayerContext c, string type, string fields = "") =>
            $"new global::ModelGen.{type}({Literal(c.Spec.Name)}, {Ints(c.Spec.Input.Dims)}, {Ints(c.Spec.Output.Dims)}{(fields.Length == 0 ? string.Empty : ", " + fields)})";

        /// <summary>
        /// Trainer: <c>int first = ...;</c>, the batch row the rows of this call start at, from where <paramref name="y"/>
        /// (the layer's output for this call) lies in the layer's output buffer: the trainer may hand the rows of a
        /// forward pass to threads in parts, and a layer whose other buffers or random streams are indexed by the batch row
        /// needs the part's place.
        /// </summary>
        protected static string FirstRowOfPart(LayerContext c, string y) =>
            $"int first = (int)(global::System.Runtime.CompilerServices.Unsafe.ByteOffset(ref Data(_y{c.Index}), ref {y}) / {I(sizeof(float) * c.OutputStride)});";

        /// <summary>The row stride of a buffer in batch mode: the caller's input rows, or the padded <c>Stride</c> of the scratch buffers.</summary>
        protected static string BatchStride(string buffer) => buffer == "x" ? "InputSize" : "Stride";

        /// <summary>An <c>int[]</c> expression.</summary>
        protected static string Ints(System.Collections.Generic.IEnumerable<int> values) => "new[] { " + string.Join(", ", System.Linq.Enumerable.Select(values, v => I(v))) + " }";

        private static InvalidOperationException Unsupported(LayerContext c, string what) =>
            new($"Layer {c.Index} ({c.Spec.KindName}) is not {what}; the planner should not have asked.");
    }

    /// <summary>
    /// One array of the trainer: <c>maxBatchSize * PerRow</c> elements, or <c>Fixed</c> elements when
    /// <paramref name="PerRow"/> is 0.
    /// </summary>
    /// <param name="Field">The field name.</param>
    /// <param name="ElementType">The C# element type (<c>float</c>, <c>int</c>).</param>
    /// <param name="PerRow">Elements per batch row, or 0 for an array whose size does not depend on the batch.</param>
    /// <param name="Fixed">Elements of an array that does not depend on the batch.</param>
    /// <param name="PerRowText">How the generated code writes <paramref name="PerRow"/> (a constant's name), or null for the number.</param>
    internal readonly record struct TrainerBuffer(string Field, string ElementType, int PerRow, int Fixed = 0, string? PerRowText = null);
}
