using System.Linq;
using ModelGen.Generator.Emit.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>
    /// Emits <c>Predict</c> and <c>PredictBatch</c>: the planned steps for one row (<c>PredictRow</c>) and for blocks of
    /// rows (<c>PredictBlock</c>), each step's layers fused by their emitters; or, for a model that opted in to
    /// batch-dependent inference, the entry points over <see cref="BatchModeEmitter"/>'s path.
    /// </summary>
    internal static class InferenceEmitter
    {
        private const string Rt = "global::ModelGen.";
        private const string Span = "global::System.Span<float>";
        private const string RoSpan = "global::System.ReadOnlySpan<float>";
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        /// <summary>
        /// PredictBatch splits rows over threads from this many rows on, and only when the call has at least
        /// <see cref="Limits.ParallelWork"/> multiply-adds (about one per parameter per row): below that the hand-off costs
        /// more than it saves.
        /// </summary>
        public const int ParallelRows = 12;

        /// <summary>The rows from which PredictBatch of this model goes to the worker pool.</summary>
        public static int ParallelRowsFor(ModelPlan plan)
        {
            long work = System.Math.Max(1, plan.Spec.Layers.Sum(l => l.WorkPerRow));
            return (int)System.Math.Max(ParallelRows, System.Math.Min(int.MaxValue, (Limits.ParallelWork + work - 1) / work));
        }

        /// <summary>
        /// Models with more compute-layout floats than this (1 MiB of weights) stream them from beyond the first cache
        /// levels, so even two left-over rows go through one block (one pass over the weights) rather than one pass each.
        /// </summary>
        public const int LargeModelFloats = 1 << 18;

        /// <summary>
        /// Models with more compute-layout floats than this (128 KiB: beyond the first-level cache) run PredictBatch in
        /// tiles of <see cref="TileBlocks"/> blocks: a step's weights are read panel range by panel range, each range for
        /// all the tile's blocks while it is in cache.
        /// </summary>
        public const int TileModelFloats = 1 << 15;

        /// <summary>Blocks of rows per tile.</summary>
        public const int TileBlocks = 8;

        private static bool Tiles(ModelPlan plan) => plan.Inference.UsesBlocks && plan.Inference.Steps.Count > 0 && plan.ComputeCount > TileModelFloats;

        /// <summary>Refuses outputs that share memory with the inputs: a row's output would overwrite inputs still to be read.</summary>
        private static void EmitOverlapCheck(SourceWriter w, string input, string output)
        {
            w.Open($"if (global::System.MemoryExtensions.Overlaps({input}, ({RoSpan}){output}))");
            w.Line($"ThrowOverlap(nameof({input}), nameof({output}));");
            w.Close();
            w.Line();
        }

        /// <summary>
        /// Runs a prediction under the weights guard: a LoadWeights, SetParameters or SetTensor on another thread that
        /// overlaps it makes it run again, so it uses the old weights or the new ones, never a mix.
        /// </summary>
        private static void EmitGuarded(SourceWriter w, params string[] body)
        {
            w.Line("// A weight change on another thread (LoadWeights, SetParameters, SetTensor) during the prediction makes it run again:");
            w.Line("// it uses the old weights or the new ones, never a mix.");
            w.Line("long weights = _guard.BeginRead();");
            w.Open("do");
            if (body.Length == 1)
            {
                w.Line(body[0]);
            }
            else
            {
                // Pairs of a header ("if (...)", "else") and its one statement.
                for (int i = 0; i < body.Length; i += 2)
                {
                    w.Open(body[i]);
                    w.Line(body[i + 1]);
                    w.Close();
                }
            }

            w.Close(" while (!_guard.EndRead(ref weights));");
        }

        public static void Emit(SourceWriter w, ModelPlan plan)
        {
            var spec = plan.Spec;
            var inference = plan.Inference;
            w.Line("/// <summary>Predicts one sample with the running statistics. Thread-safe; allocates nothing.</summary>");
            w.Line("/// <param name=\"input\">Exactly <see cref=\"InputSize\"/> floats.</param>");
            w.Line("/// <param name=\"output\">Exactly <see cref=\"OutputSize\"/> floats, overwritten. Must not overlap <paramref name=\"input\"/>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the spans overlap.</exception>");
            w.Line($"[{Rt}InferenceEntryPoint]");
            if (inference.BatchMode)
            {
                w.Line(BatchModeEmitter.Marker(spec));
            }

            w.Open($"public void {Names.Predict}({RoSpan} input, {Span} output)");
            w.Open("if (input.Length != InputSize)");
            w.Line("ThrowLength(nameof(input), input.Length, InputSize, \"Predict expects one input sample of\");");
            w.Close();
            w.Line();
            w.Open("if (output.Length != OutputSize)");
            w.Line("ThrowLength(nameof(output), output.Length, OutputSize, \"Predict writes one output sample of\");");
            w.Close();
            w.Line();
            EmitOverlapCheck(w, "input", "output");
            EmitGuarded(w, inference.BatchMode
                ? "PredictBatchMode(input, output, 1);"
                : $"PredictRow(ref {Mm}.GetReference(input), ref {Mm}.GetReference(output));");
            w.Close();
            w.Line();

            w.Line("/// <summary>");
            w.Line("/// Predicts any number of rows with the running statistics. Row <c>i</c> of <paramref name=\"outputs\"/> is bitwise identical to");
            w.Line("/// <see cref=\"Predict\"/> of row <c>i</c> of <paramref name=\"inputs\"/>: every row runs the same code, and no value crosses rows.");
            w.Line("/// Thread-safe; allocates nothing.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">A whole number of rows of <see cref=\"InputSize\"/> floats.</param>");
            w.Line("/// <param name=\"outputs\">The same number of rows of <see cref=\"OutputSize\"/> floats, overwritten. Must not overlap <paramref name=\"inputs\"/>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The spans do not hold whole, matching rows, or they overlap.</exception>");
            w.Line($"[{Rt}InferenceEntryPoint]");
            if (inference.BatchMode)
            {
                w.Line(BatchModeEmitter.Marker(spec));
            }

            w.Open($"public void {Names.PredictBatch}({RoSpan} {Names.InputsParameter}, {Span} outputs)");
            w.Line("int rows = inputs.Length / InputSize;");
            w.Open("if (inputs.Length % InputSize != 0)");
            w.Line("ThrowLength(nameof(inputs), inputs.Length, InputSize, \"PredictBatch expects whole input rows of\");");
            w.Close();
            w.Line();
            w.Open("if (outputs.Length != rows * OutputSize)");
            w.Line("ThrowLength(nameof(outputs), outputs.Length, rows * OutputSize, $\"PredictBatch writes {rows} output rows of {OutputSize} floats, in all\");");
            w.Close();
            w.Line();
            EmitOverlapCheck(w, "inputs", "outputs");
            if (inference.BatchMode)
            {
                EmitGuarded(w, "PredictBatchMode(inputs, outputs, rows);");
                w.Close();
                w.Line();
                BatchModeEmitter.Emit(w, plan);
                return;
            }

            w.Line($"// Many rows: split them over the cores in whole blocks (each row computes the same on any thread).");
            w.Line($"bool parallel = rows >= {I(ParallelRowsFor(plan))} && {Rt}Parallelism.MaxDegreeOfParallelism > 1;");
            EmitGuarded(w, "if (parallel)", $"{Rt}WorkerPool.Run(this, inputs, outputs, rows, {I(System.Math.Max(1, inference.BlockRows))}, s_predictRows);", "else", "PredictRows(inputs, outputs, 0, rows);");
            w.Close();
            w.Line();
            w.Line("/// <summary>PredictBatch's work on one thread: a range of rows (the worker pool calls it with each part).</summary>");
            w.Line($"private static readonly {Rt}PartAction<{plan.Spec.ClassName}> s_predictRows = static (model, inputs, outputs, start, end) => model.PredictRows(inputs, outputs, start, end);");
            w.Line();
            w.Line("/// <summary>Predicts the rows from <paramref name=\"start\"/> to <paramref name=\"end\"/> of a batch: blocks of rows, then single rows.</summary>");
            w.Open($"private void PredictRows({RoSpan} inputs, {Span} outputs, int start, int end)");
            w.Line($"ref float x = ref {Mm}.GetReference(inputs);");
            w.Line($"ref float y = ref {Mm}.GetReference(outputs);");
            w.Line("int r = start;");
            if (Tiles(plan))
            {
                int tile = inference.BlockRows * TileBlocks;
                w.Line($"// Tiles of {I(tile)} rows read each weight panel range once for {I(TileBlocks)} blocks; the rows' operations are PredictRow's.");
                w.Open($"for (; r + {I(tile)} <= end; r += {I(tile)})");
                w.Line("PredictTile(ref At(ref x, r * InputSize), ref At(ref y, r * OutputSize));");
                w.Close();
                w.Line();
            }

            if (inference.UsesBlocks)
            {
                w.Line($"// Blocks of {I(inference.BlockRows)} rows share each weight load; each output of each row is PredictRow's chain of fused multiply-adds.");
                w.Open($"for (; r + {I(inference.BlockRows)} <= end; r += {I(inference.BlockRows)})");
                w.Line($"PredictBlock(ref At(ref x, r * InputSize), ref At(ref y, r * OutputSize));");
                w.Close();
                w.Line();
                int least = plan.ComputeCount > LargeModelFloats ? 2 : 3;
                w.Line($"// {I(least)} or more rows left: one more block in a per-thread scratch block (its other rows hold stale values, computed");
                w.Line("// and discarded): one pass over the weights instead of one per row, each row's bits unchanged.");
                w.Open($"if (end - r >= {I(least)})");
                w.Line("int tail = end - r;");
                w.Line($"float[] scratch = t_tailBlock ??= new float[{I(inference.BlockRows)} * (InputSize + OutputSize)];");
                w.Line($"inputs.Slice(r * InputSize, tail * InputSize).CopyTo(new {Span}(scratch));");
                w.Line($"PredictBlock(ref scratch[0], ref scratch[{I(inference.BlockRows)} * InputSize]);");
                w.Line($"new {RoSpan}(scratch, {I(inference.BlockRows)} * InputSize, tail * OutputSize).CopyTo(outputs.Slice(r * OutputSize));");
                w.Line("r = end;");
                w.Close();
                w.Line();
            }

            w.Open("for (; r < end; r++)");
            w.Line("PredictRow(ref At(ref x, r * InputSize), ref At(ref y, r * OutputSize));");
            w.Close();
            w.Close();
            w.Line();

            if (Tiles(plan) && inference.Scratch.Count > 0)
            {
                w.Line("/// <summary>The buffers of a tile of rows: allocated on the thread's first tile, reused after.</summary>");
                w.Line("[global::System.ThreadStatic]");
                w.Line("private static float[]? t_tile;");
                w.Line();
            }

            if (inference.UsesBlocks)
            {
                w.Line("/// <summary>The last rows of a batch padded to a whole block: allocated on the thread's first use, reused after.</summary>");
                w.Line("[global::System.ThreadStatic]");
                w.Line("private static float[]? t_tailBlock;");
                w.Line();
            }

            if (inference.HeapWorkspace)
            {
                w.Line("/// <summary>");
                w.Line($"/// The inference buffers ({I(inference.WorkspaceFloats)} floats: too wide for the stack), one array per thread: allocated on the");
                w.Line("/// thread's first prediction and reused after, so a prediction allocates nothing and threads never share a buffer.");
                w.Line("/// </summary>");
                w.Line("[global::System.ThreadStatic]");
                w.Line("private static float[]? t_workspace;");
                w.Line();
            }

            EmitRow(w, plan);
            if (inference.UsesBlocks && inference.Steps.Count > 0)
            {
                EmitBlock(w, plan);
            }

            if (Tiles(plan))
            {
                EmitTile(w, plan);
            }
        }

        private static void EmitRow(SourceWriter w, ModelPlan plan)
        {
            var inference = plan.Inference;
            var contexts = ModelEmitter.Contexts(plan);
            var methods = w.Fork();
            w.Line("/// <summary>The inference path for one row: reads <paramref name=\"x\"/>, writes <paramref name=\"y\"/>.</summary>");
            w.Open("private void PredictRow(ref float x, ref float y)");
            Buffers(w, plan, 1);
            if (inference.Steps.Count == 0)
            {
                w.Line("// Every layer is the identity at inference: copy the input.");
                w.Line($"{Mm}.CreateReadOnlySpan(ref x, InputSize).CopyTo({Mm}.CreateSpan(ref y, OutputSize));");
            }

            foreach (int index in inference.IdentityLayers)
            {
                w.Line(LayerCatalog.EmitterFor(contexts[index].Spec).IdentityNote(contexts[index]));
            }

            // One method per step keeps each method small enough for the JIT to optimize fully.
            int number = 1;
            foreach (var step in inference.Steps)
            {
                string description = Describe(plan, step);
                var head = contexts[step.Head];
                var split = step.Kind == StepKind.Producer ? LayerCatalog.EmitterFor(head.Spec).RowSplit(head.Spec) : null;
                if (split is { } s)
                {
                    // A large layer: its panels split over the cores (each output still one chain, computed on one thread).
                    string srcLength = step.Source == "x" ? "InputSize" : I(inference.Width);
                    string dstLength = step.Destination == "y" ? "OutputSize" : I(inference.Width);
                    w.Line($"// {description}");
                    ParallelSplit.Emit(
                        w,
                        methods,
                        ParallelSplit.Enabled,
                        ParallelSplit.ReadOnlySpan(step.Source, srcLength),
                        ParallelSplit.Span(step.Destination, dstLength),
                        I(s.Panels),
                        s.Granularity,
                        $"RowStep{I(number)}(ref {step.Source}, ref {step.Destination}, 0, {I(s.Panels)});",
                        plan.Spec.ClassName,
                        $"s_rowStep{I(number)}",
                        $"One thread's part of <see cref=\"RowStep{I(number)}\"/>: the panels from <c>start</c> to <c>end</c>.",
                        "model, src, dst, start, end",
                        $"model.RowStep{I(number)}({ParallelSplit.Element("src")}, {ParallelSplit.Element("dst")}, start, end);");
                    w.Line();
                    methods.Line($"/// <summary>Step {I(number)} for one row, the output panels from <paramref name=\"first\"/> to <paramref name=\"end\"/>: {Xml(description)}.</summary>");
                    methods.Open($"private void RowStep{I(number)}(ref float src, ref float dst, int first, int end)");
                    References(methods, plan);
                    LayerCatalog.EmitterFor(head.Spec).EmitProducer(methods, head, new[] { "src" }, new[] { "dst" }, Epilogues(contexts, step), exactOutput: step.Destination == "y", "first", "end");
                    methods.Close();
                    methods.Line();
                    number++;
                    continue;
                }

                w.Line($"RowStep{I(number)}({Arguments(step, b => b)}, ref {step.Destination}); // {description}");
                methods.Line($"/// <summary>Step {I(number)} for one row: {Xml(description)}.</summary>");
                methods.Open($"private void RowStep{I(number)}({Parameters(step)}, ref float dst)");
                References(methods, plan);
                EmitStepRow(methods, contexts, step, SourceNames(step), "dst");
                methods.Close();
                methods.Line();
                number++;
            }

            w.Close();
            w.Line();
            w.Append(methods);
        }

        private static void EmitBlock(SourceWriter w, ModelPlan plan)
        {
            var inference = plan.Inference;
            var contexts = ModelEmitter.Contexts(plan);
            int block = inference.BlockRows;
            var methods = w.Fork();
            w.Line($"/// <summary>");
            w.Line($"/// The inference path for {I(block)} consecutive rows: each weight panel is loaded once for all of them, and each row goes");
            w.Line("/// through exactly the operations of <see cref=\"PredictRow\"/>, in the same order, so its result has the same bits.");
            w.Line("/// </summary>");
            w.Open("private void PredictBlock(ref float x, ref float y)");
            Buffers(w, plan, block);
            int number = 1;
            foreach (var step in inference.Steps)
            {
                string description = Describe(plan, step);
                var head = contexts[step.Head];
                var emitter = LayerCatalog.EmitterFor(head.Spec);
                if (step.Kind == StepKind.Producer && emitter.SharesLoadsAcrossRows(head.Spec))
                {
                    w.Line($"BlockStep{I(number)}(ref {step.Source}, ref {step.Destination}, 0, {I(Panels(head))}); // {description}");
                    methods.Line($"/// <summary>Step {I(number)} for {I(block)} rows at once, the output panels from <paramref name=\"first\"/> to <paramref name=\"end\"/>: {Xml(description)}.</summary>");
                    methods.Open($"private void BlockStep{I(number)}(ref float src, ref float dst, int first, int end)");
                    References(methods, plan);
                    var srcs = Enumerable.Range(0, block).Select(k => "s" + I(k)).ToArray();
                    var dsts = Enumerable.Range(0, block).Select(k => "d" + I(k)).ToArray();
                    for (int k = 0; k < block; k++)
                    {
                        methods.Line($"ref float {srcs[k]} = ref At(ref src, {I(k)} * {Stride(inference, step.Source)});");
                        methods.Line($"ref float {dsts[k]} = ref At(ref dst, {I(k)} * {Stride(inference, step.Destination)});");
                    }

                    emitter.EmitProducer(methods, head, srcs, dsts, Epilogues(contexts, step), exactOutput: step.Destination == "y", "first", "end");
                    methods.Close();
                    methods.Line();
                }
                else
                {
                    // Nothing to share between rows: the row step, once per row.
                    w.Open($"for (int k = 0; k < {I(block)}; k++) // {description}");
                    w.Line($"RowStep{I(number)}({Arguments(step, b => $"At(ref {b}, k * {Stride(inference, b)})")}, ref At(ref {step.Destination}, k * {Stride(inference, step.Destination)}));");
                    w.Close();
                }

                number++;
            }

            w.Close();
            w.Line();
            w.Append(methods);
        }

        /// <summary>A step's source arguments, <c>ref a</c> (a merge: one per input), each buffer written by <paramref name="row"/>.</summary>
        private static string Arguments(InferenceStep step, System.Func<string, string> row) =>
            string.Join(", ", Sources(step).Select(b => "ref " + row(b)));

        /// <summary>A step method's source parameters: <c>ref float src</c>, or for a merge <c>ref float src0, ref float src1, ...</c>.</summary>
        private static string Parameters(InferenceStep step) => string.Join(", ", SourceNames(step).Select(n => "ref float " + n));

        private static string[] SourceNames(InferenceStep step) =>
            step.Kind == StepKind.Merge ? Enumerable.Range(0, step.Sources.Count).Select(k => "src" + I(k)).ToArray() : new[] { "src" };

        private static System.Collections.Generic.IReadOnlyList<string> Sources(InferenceStep step) =>
            step.Kind == StepKind.Merge ? step.Sources : new[] { step.Source };

        /// <summary>The row stride of a buffer of the block and tile paths: the caller's rows, or the ping-pong buffers' width.</summary>
        private static string Stride(InferencePlan inference, string buffer) => buffer switch { "x" => "InputSize", "y" => "OutputSize", _ => I(inference.Width) };

        /// <summary>16-output panels of a producer.</summary>
        private static int Panels(LayerContext c) => (c.Spec.OutputSize + 15) / 16;

        private static void EmitTile(SourceWriter w, ModelPlan plan)
        {
            var inference = plan.Inference;
            var contexts = ModelEmitter.Contexts(plan);
            int block = inference.BlockRows, tile = block * TileBlocks;
            w.Line("/// <summary>");
            w.Line($"/// The inference path for {I(tile)} consecutive rows ({I(TileBlocks)} blocks of {I(block)}): each step reads its weights panel range by");
            w.Line("/// panel range and runs every block on a range while it is in cache. Each row goes through exactly the operations of");
            w.Line("/// <see cref=\"PredictRow\"/>, in the same order, so its result has the same bits.");
            w.Line("/// </summary>");
            w.Open("private void PredictTile(ref float x, ref float y)");
            if (inference.Scratch.Count > 0)
            {
                w.Line($"float[] tile = t_tile ??= new float[{I(System.Math.Max(2, inference.Scratch.Count) * tile * inference.Width)}];");
                for (int n = 0; n < inference.Scratch.Count; n++)
                {
                    w.Line(n == 0
                        ? $"ref float {inference.Scratch[n]} = ref {Mm}.GetArrayDataReference(tile);"
                        : $"ref float {inference.Scratch[n]} = ref At(ref {Mm}.GetArrayDataReference(tile), {I(n * tile * inference.Width)});");
                }
            }

            int number = 1;
            foreach (var step in inference.Steps)
            {
                string description = Describe(plan, step);
                var head = contexts[step.Head];
                var emitter = LayerCatalog.EmitterFor(head.Spec);
                if (step.Kind == StepKind.Producer && emitter.SharesLoadsAcrossRows(head.Spec))
                {
                    int granularity = emitter.BlockPanelGranularity(head.Spec);
                    w.Line($"// {description}");
                    w.Open($"for (int pg = 0; pg < {I(Panels(head))}; pg += {I(granularity)})");
                    w.Open($"for (int k = 0; k < {I(TileBlocks)}; k++)");
                    w.Line($"BlockStep{I(number)}(ref At(ref {step.Source}, k * {I(block)} * {Stride(inference, step.Source)}), ref At(ref {step.Destination}, k * {I(block)} * {Stride(inference, step.Destination)}), pg, pg + {I(granularity)});");
                    w.Close();
                    w.Close();
                }
                else
                {
                    w.Open($"for (int k = 0; k < {I(tile)}; k++) // {description}");
                    w.Line($"RowStep{I(number)}({Arguments(step, b => $"At(ref {b}, k * {Stride(inference, b)})")}, ref At(ref {step.Destination}, k * {Stride(inference, step.Destination)}));");
                    w.Close();
                }

                number++;
            }

            w.Close();
            w.Line();
        }

        /// <summary>The references a step method starts with.</summary>
        private static void References(SourceWriter w, ModelPlan plan)
        {
            w.Line($"ref float p = ref {Mm}.GetArrayDataReference(_compute);");
            if (plan.DerivedCount > 0)
            {
                w.Line($"ref float folded = ref {Mm}.GetArrayDataReference(_folded);");
            }
        }

        /// <summary>The ping-pong buffers for <paramref name="rows"/> rows: on the stack, or in the thread's workspace.</summary>
        private static void Buffers(SourceWriter w, ModelPlan plan, int rows)
        {
            int floats = rows * plan.Inference.Width;
            var scratch = plan.Inference.Scratch;
            if (plan.Inference.HeapWorkspace && scratch.Count > 0)
            {
                w.Line($"float[] workspace = t_workspace ??= new float[{I(plan.Inference.WorkspaceFloats)}];");
                for (int n = 0; n < scratch.Count; n++)
                {
                    w.Line(n == 0
                        ? $"ref float {scratch[n]} = ref {Mm}.GetArrayDataReference(workspace);"
                        : $"ref float {scratch[n]} = ref At(ref {Mm}.GetArrayDataReference(workspace), {I(n * floats)});");
                }

                return;
            }

            foreach (string buffer in scratch)
            {
                w.Line($"{Span} {buffer}Buffer = stackalloc float[{I(floats)}];");
                w.Line($"ref float {buffer} = ref {Mm}.GetReference({buffer}Buffer);");
            }
        }

        /// <summary>One step on one row, reading <paramref name="srcs"/> (one buffer, or a merge's inputs) and writing <paramref name="dst"/>.</summary>
        private static void EmitStepRow(SourceWriter w, LayerContext[] contexts, InferenceStep step, string[] srcs, string dst)
        {
            var head = contexts[step.Head];
            var emitter = LayerCatalog.EmitterFor(head.Spec);
            string src = srcs[0];
            switch (step.Kind)
            {
                case StepKind.Merge:
                    emitter.EmitMerge(w, head, srcs, dst, Epilogues(contexts, step));
                    break;
                case StepKind.Row:
                    emitter.EmitRowOperation(w, head, src, dst);
                    break;
                case StepKind.Producer:
                    emitter.EmitProducer(w, head, new[] { src }, new[] { dst }, Epilogues(contexts, step), exactOutput: step.Destination == "y");
                    break;
                default:
                    int spatial = head.Spec.OutputSpatial;
                    if (spatial > 1)
                    {
                        // Channels of positions: the per-feature layers take the channel.
                        w.Open($"for (int ch = 0; ch < {I(head.Spec.OutputChannels)}; ch++)");
                        w.Open($"for (int j = ch * {I(spatial)}, jEnd = j + {I(spatial)}; j < jEnd; j++)");
                    }
                    else
                    {
                        w.Open($"for (int j = 0; j < {I(step.Size)}; j++)");
                    }

                    w.Line($"float z = At(ref {src}, j);");
                    foreach (int index in step.Layers)
                    {
                        w.Line(LayerCatalog.EmitterFor(contexts[index].Spec).EpilogueStatement(contexts[index], "z", spatial > 1 ? "ch" : "j"));
                    }

                    w.Line($"At(ref {dst}, j) = z;");
                    w.Close();
                    if (spatial > 1)
                    {
                        w.Close();
                    }

                    break;
            }
        }

        /// <summary>The fused layers after a producer, applied in order to each output value.</summary>
        private static LayerContext[] Epilogues(LayerContext[] contexts, InferenceStep step) => step.Layers.Skip(1).Select(i => contexts[i]).ToArray();

        private static string Describe(ModelPlan plan, InferenceStep step) =>
            string.Join(", then ", step.Layers.Select(i => LayerCatalog.EmitterFor(plan.Spec.Layers[i]).DescribeInference(plan.Spec.Layers[i])));
    }
}
