using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// Dense layers: <c>z = W x + b</c> through <see cref="DenseKernel"/> on the weight panels of the compute layout, with
    /// the step's epilogue (BatchNorm folding, rectifiers) fused on the vectors and the rest as a scalar pass.
    /// </summary>
    internal sealed class DenseEmitter : LayerEmitter
    {
        public static DenseEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            return $"{I(l.Index)}: dense \"{l.Name}\" {I(l.InputSize)} -> {I(l.OutputSize)}{(l.UseBias ? string.Empty : " (no bias)")}";
        }

        public override string DescribeInference(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            return $"layer {I(l.Index)}, dense \"{l.Name}\" {I(l.InputSize)} -> {I(l.OutputSize)}: z = W x{(l.UseBias ? " + b" : string.Empty)}";
        }

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (DenseSpec)c.Spec;
            return Description(c, "DenseDescription", $"Units: {I(l.Units)}, UseBias: {(l.UseBias ? "true" : "false")}, WeightOffset: {I(c.Plan.Offset("weight"))}, BiasOffset: {(l.UseBias ? I(c.Plan.Offset("bias")) : "null")}");
        }

        public override void EmitInitialization(SourceWriter w, LayerContext c)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize;
            bool he = c.Plan.HeInitialization;
            double limit = he ? Math.Sqrt(6.0 / n) : Math.Sqrt(6.0 / (n + f));
            string rule = he ? $"He uniform, limit sqrt(6 / {I(n)})" : $"Glorot uniform, limit sqrt(6 / ({I(n)} + {I(f)}))";
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\": weight [{I(f)}, {I(n)}] {rule}{(l.UseBias ? "; bias 0" : string.Empty)}.");
            w.Open($"for (int i = 0; i < {I(n * f)}; i++)");
            w.Line($"_parameters[{VectorKernel.Index(c.Plan.Offset("weight"), "i")}] = random.NextUniform({F(-limit)}, {F(limit)});");
            w.Close();
            w.Line();
        }

        public override bool SharesLoadsAcrossRows(LayerSpec layer) => true;

        public override int BlockPanelGranularity(LayerSpec layer) => DenseKernel.BlockPanelGranularity;

        /// <summary>A row splits by panels from <see cref="Limits.ParallelWork"/> / 2 multiply-adds and more than one group of panels.</summary>
        public override (int Panels, int Granularity)? RowSplit(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            int panels = DenseKernel.Panels(l.OutputSize);
            return (long)l.InputSize * l.OutputSize >= Limits.ParallelWork / 2 && panels > DenseKernel.RowPanelGranularity
                ? (panels, DenseKernel.RowPanelGranularity)
                : null;
        }

        public override void EmitProducer(SourceWriter w, LayerContext c, string[] srcs, string[] dsts, IReadOnlyList<LayerContext> epilogues, bool exactOutput, string? first = null, string? end = null)
        {
            var l = (DenseSpec)c.Spec;
            var vector = epilogues.TakeWhile(e => LayerCatalog.EmitterFor(e.Spec).VectorEpilogue(e, Width.Wide, "z", "0") is not null).ToList();
            var scalar = epilogues.Skip(vector.Count).ToList();
            DenseKernel.Forward(w, c.Plan.Compute("weight"), l.InputSize, l.OutputSize, srcs, exactOutput, (width, accs, row, panel) =>
            {
                for (int h = 0; h < accs.Length; h++)
                {
                    string acc = accs[h];
                    string lane = h == 0 ? panel.Lane : DenseKernel.Plus(panel.Lane, 8);
                    if (BiasOffset(c) is { } bias)
                    {
                        w.Line($"{acc} += Load{width.S}(ref p, {VectorKernel.Index(bias, lane)});");
                    }

                    foreach (var e in vector)
                    {
                        w.Line(LayerCatalog.EmitterFor(e.Spec).VectorEpilogue(e, width, acc, lane)!);
                    }

                    int valid = Math.Min(width.Lanes, Math.Max(0, panel.Valid - (h * 8)));
                    if (!exactOutput || valid == width.Lanes)
                    {
                        w.Line($"Store{width.S}({acc}, ref {dsts[row]}, {lane});");
                    }
                    else if (valid > 0)
                    {
                        w.Line($"StorePartial{width.S}({acc}, ref {dsts[row]}, {lane}, {I(valid)});");
                    }
                }
            }, first, end);

            if (scalar.Count > 0)
            {
                w.Line($"// Then, per output: {string.Join(", then ", scalar.Select(e => LayerCatalog.EmitterFor(e.Spec).DescribeInference(e.Spec)))}.");
                foreach (string dst in dsts)
                {
                    w.Open(first is null || end is null
                        ? $"for (int j = 0; j < {I(l.OutputSize)}; j++)"
                        : $"for (int j = {first} * 16, jEnd = global::System.Math.Min({end} * 16, {I(l.OutputSize)}); j < jEnd; j++)");
                    w.Line($"float z = At(ref {dst}, j);");
                    foreach (var e in scalar)
                    {
                        w.Line(LayerCatalog.EmitterFor(e.Spec).EpilogueStatement(e, "z", "j"));
                    }

                    w.Line($"At(ref {dst}, j) = z;");
                    w.Close();
                }
            }
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize;
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\" {I(n)} -> {I(f)}: z = W x{(l.UseBias ? " + b" : string.Empty)}, row by row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {src}, r * {(src == "x" ? "InputSize" : "Stride")});");
            w.Line($"ref float yr = ref At(ref {dst}, r * Stride);");
            EmitProducer(w, c, new[] { "xr" }, new[] { "yr" }, Array.Empty<LayerContext>(), exactOutput: false);
            w.Close();
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize, block = Planner.BlockRows;
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\" {I(n)} -> {I(f)}: y[r, j] = W[j, :] . x[r, :]{(l.UseBias ? " + b[j]" : string.Empty)}; blocks of {I(block)} rows");
            w.Line("// share each weight load, the remaining rows go one by one (each output the same chain of fused multiply-adds).");
            w.Open();
            w.Line("int r = 0;");
            w.Open($"for (; r + {I(block)} <= rows; r += {I(block)})");
            var srcs = Enumerable.Range(0, block).Select(k => "s" + I(k)).ToArray();
            var dsts = Enumerable.Range(0, block).Select(k => "d" + I(k)).ToArray();
            for (int k = 0; k < block; k++)
            {
                w.Line($"ref float {srcs[k]} = ref At(ref {x}, (r + {I(k)}) * {I(c.InputStride)});");
                w.Line($"ref float {dsts[k]} = ref At(ref {y}, (r + {I(k)}) * {I(c.OutputStride)});");
            }

            EmitProducer(w, c, srcs, dsts, Array.Empty<LayerContext>(), exactOutput: false);
            w.Close();
            w.Line();
            w.Open("for (; r < rows; r++)");
            w.Line($"ref float s0 = ref At(ref {x}, r * {I(c.InputStride)});");
            w.Line($"ref float d0 = ref At(ref {y}, r * {I(c.OutputStride)});");
            EmitProducer(w, c, new[] { "s0" }, new[] { "d0" }, Array.Empty<LayerContext>(), exactOutput: false);
            w.Close();
            w.Close();
        }

        /// <summary>Rows of dense layers are independent: worth splitting from <see cref="Limits.ParallelWork"/> / 256 multiply-adds per row.</summary>
        public override long TrainingForwardWorkPerRow(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            long work = (long)l.InputSize * l.OutputSize;
            return work >= Limits.ParallelWork / 256 ? work : 0;
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, m = l.OutputSize, panels = DenseKernel.Panels(m);
            long work = TrainingForwardWorkPerRow(l);
            bool split = work > 0;
            w.Line($"// Backward, layer {c.Index} dense \"{l.Name}\": dW[j, k] = sum over rows of d[r, j] * x[r, k]{(l.UseBias ? ", db[j] = sum over rows of d[r, j]" : string.Empty)}{(needInput ? ", dx[r, k] = sum over j of d[r, j] * W[j, k]" : string.Empty)};");
            w.Line("// each a chain over the rows (or outputs) in order, in whole panels of 16 weights.");
            string threads = split ? ParallelSplit.WorthIt(work) : string.Empty;

            // Weight gradients: a large batch splits the panels over the cores; each thread owns whole panels (every
            // gradient element is one chain over the rows, on one thread), so nothing is summed across threads.
            string weightGradient = $"WeightGradient{c.Index}(ref {x}, ref {d}, rows, 0, {I(panels)});";
            if (split && panels > DenseKernel.PanelGranularity)
            {
                ParallelSplit.Emit(
                    w,
                    members,
                    threads,
                    ParallelSplit.ReadOnlySpan(x, $"rows * {I(c.InputStride)}"),
                    ParallelSplit.Span(d, $"rows * {I(c.OutputStride)}"),
                    I(panels),
                    DenseKernel.PanelGranularity,
                    weightGradient,
                    Names.Trainer,
                    $"s_weightGradient{c.Index}",
                    $"One thread's part of <see cref=\"WeightGradient{c.Index}\"/>: the panels from <c>start</c> to <c>end</c>.",
                    "trainer, x, d, start, end",
                    $"trainer.WeightGradient{c.Index}({ParallelSplit.Element("x")}, {ParallelSplit.Element("d")}, trainer._rows, start, end);");
            }
            else
            {
                w.Line(weightGradient);
            }

            members.Line($"/// <summary>Weight gradients of layer {c.Index} for the 16-output panels from <paramref name=\"first\"/> to <paramref name=\"end\"/>.</summary>");
            members.Open($"private void WeightGradient{c.Index}(ref float x, ref float d, int rows, int first, int end)");
            members.Line("ref float g = ref Data(_gradients);");
            DenseKernel.WeightGradient(members, c.Plan.Compute("weight"), n, m, "x", I(c.InputStride), "d", c.OutputStride, "first", "end", copyColumns: DenseKernel.CopiesColumns(n, c.OutputStride));
            members.Close();
            members.Line();

            if (BiasOffset(c) is { } bias)
            {
                DenseKernel.BiasGradient(w, bias, m, d, c.OutputStride);
            }

            if (needInput)
            {
                // Input gradients: every row on its own, so a large batch splits the rows.
                string inputGradient = $"InputGradient{c.Index}(ref {d}, ref {other}, rows);";
                if (split)
                {
                    ParallelSplit.Emit(
                        w,
                        members,
                        threads,
                        ParallelSplit.ReadOnlySpan(d, $"rows * {I(c.OutputStride)}"),
                        ParallelSplit.Span(other, $"rows * {I(Limits.Pad(n))}"),
                        "rows",
                        Planner.BlockRows,
                        inputGradient,
                        Names.Trainer,
                        $"s_inputGradient{c.Index}",
                        $"One thread's part of <see cref=\"InputGradient{c.Index}\"/>: the rows from <c>start</c> to <c>end</c>.",
                        "trainer, d, e, start, end",
                        $"trainer.InputGradient{c.Index}({ParallelSplit.Element("d", $"start * {I(c.OutputStride)}")}, {ParallelSplit.Element("e", $"start * {I(Limits.Pad(n))}")}, end - start);");
                }
                else
                {
                    w.Line(inputGradient);
                }

                members.Line($"/// <summary>Input gradients of layer {c.Index} for <paramref name=\"rows\"/> rows of <paramref name=\"d\"/> into <paramref name=\"e\"/>.</summary>");
                members.Open($"private void InputGradient{c.Index}(ref float d, ref float e, int rows)");
                members.Line("ref float p = ref Data(_model._compute);");
                DenseKernel.InputGradient(members, c.Plan.Compute("weight"), n, m, "d", c.OutputStride, "e", Limits.Pad(n));
                members.Close();
                members.Line();
            }

            return needInput;
        }

        /// <summary>The compute-layout offset of the bias, or null without bias.</summary>
        private static int? BiasOffset(LayerContext c) => ((DenseSpec)c.Spec).UseBias ? c.Plan.Compute("bias") : null;

    }
}
