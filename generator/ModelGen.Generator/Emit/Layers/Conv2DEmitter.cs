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
    /// Conv2D as a dense layer over patches (im2col): each output position's patch of <c>channels x kernel x kernel</c>
    /// inputs (zeros outside the input) is gathered, and <see cref="DenseKernel"/> computes the filters of
    /// <see cref="Planner.BlockRows"/> positions at a time from the weight panels, the step's epilogues fused on the vectors
    /// (lanes are filters, that is channels). Each output is one chain of fused multiply-adds over its patch in the weight's
    /// order (channel, kernel row, kernel column), so its bits depend on nothing but the sample and the weights. Training
    /// keeps the batch's patches: the weight gradient is the dense one over every (row, position), the input gradient the
    /// dense one scattered back (col2im) in a fixed order.
    /// </summary>
    internal sealed class Conv2DEmitter : LayerEmitter
    {
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        public static Conv2DEmitter Instance { get; } = new();

        /// <summary>Output positions the kernel computes at once (the register tile's rows).</summary>
        private static int Block => Planner.BlockRows;

        public override string Describe(LayerSpec layer)
        {
            var l = (Conv2DSpec)layer;
            return $"{I(l.Index)}: conv2d \"{l.Name}\" {l.Input} -> {l.Output}, {Geometry(l)}{(l.UseBias ? string.Empty : " (no bias)")}";
        }

        public override string DescribeInference(LayerSpec layer)
        {
            var l = (Conv2DSpec)layer;
            return $"layer {I(l.Index)}, conv2d \"{l.Name}\" {l.Input} -> {l.Output}: z = W patch{(l.UseBias ? " + b" : string.Empty)} per position";
        }

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (Conv2DSpec)c.Spec;
            return Description(
                c,
                "Conv2DDescription",
                $"Filters: {I(l.Filters)}, KernelSize: {I(l.Kernel)}, Stride: {I(l.Stride)}, PadTop: {I(l.PadBefore)}, PadLeft: {I(l.PadBefore)}, Dilation: {I(l.Dilation)}, "
                + $"UseBias: {(l.UseBias ? "true" : "false")}, WeightOffset: {I(c.Plan.Offset("weight"))}, BiasOffset: {(l.UseBias ? I(c.Plan.Offset("bias")) : "null")}");
        }

        public override void EmitInitialization(SourceWriter w, LayerContext c)
        {
            var l = (Conv2DSpec)c.Spec;
            int fanIn = l.PatchSize, fanOut = l.Filters * l.Kernel * l.Kernel;
            bool he = c.Plan.HeInitialization;
            double limit = he ? Math.Sqrt(6.0 / fanIn) : Math.Sqrt(6.0 / (fanIn + fanOut));
            string rule = he ? $"He uniform, limit sqrt(6 / {I(fanIn)})" : $"Glorot uniform, limit sqrt(6 / ({I(fanIn)} + {I(fanOut)}))";
            w.Line($"// Layer {c.Index}, conv2d \"{l.Name}\": weight [{I(l.Filters)}, {I(l.Channels)}, {I(l.Kernel)}, {I(l.Kernel)}] {rule}{(l.UseBias ? "; bias 0" : string.Empty)}.");
            w.Open($"for (int i = 0; i < {I(l.Filters * l.PatchSize)}; i++)");
            w.Line($"_parameters[{VectorKernel.Index(c.Plan.Offset("weight"), "i")}] = random.NextUniform({F(-limit)}, {F(limit)});");
            w.Close();
            w.Line();
        }

        public override void EmitMembers(SourceWriter w, LayerContext c)
        {
            var l = (Conv2DSpec)c.Spec;
            int k = l.PatchSize;
            w.Line($"/// <summary>Layer {c.Index}'s inference scratch on this thread: the patches of {I(Block)} output positions, then their {I(l.Filters)} filters each.</summary>");
            w.Line("[global::System.ThreadStatic]");
            w.Line($"private static float[]? t_conv{c.Index};");
            w.Line();
            w.Line($"/// <summary>");
            w.Line($"/// Layer {c.Index}: the {I(k)} inputs output position <paramref name=\"q\"/> reads, in the weight's order (channel, kernel row, kernel");
            w.Line($"/// column), from the sample <paramref name=\"x\"/> into <paramref name=\"patch\"/>; 0 where the kernel lies on the padding.");
            w.Line($"/// </summary>");
            w.Open($"private static void Patch{c.Index}(ref float x, ref float patch, int q)");
            PatchLoops(w, l, (source, target) => $"At(ref patch, {target}) = {source};", "At(ref patch, {0}) = 0f;");
            w.Close();
            w.Line();
            if (c.Model.Spec.HasTraining)
            {
                w.Line($"/// <summary>Layer {c.Index}, training: adds the gradient of position <paramref name=\"q\"/>'s patch to the sample's input gradient <paramref name=\"dx\"/> (the reverse of <see cref=\"Patch{c.Index}\"/>).</summary>");
                w.Open($"private static void PatchGradient{c.Index}(ref float patch, ref float dx, int q)");
                PatchLoops(w, l, (source, target) => $"{source} += At(ref patch, {target});", null);
                w.Close();
                w.Line();
            }
        }

        /// <summary>
        /// The loops over a patch: <paramref name="inside"/> gets the sample element (<c>At(ref x, ...)</c>, or
        /// <c>At(ref dx, ...)</c> for the gradient) and the patch index; <paramref name="outside"/> formats the statement for
        /// a padding tap (null: nothing to do there).
        /// </summary>
        private static void PatchLoops(SourceWriter w, Conv2DSpec l, Func<string, string, string> inside, string? outside)
        {
            int h = l.Height, wd = l.Width, kk = l.Kernel, d = l.Dilation;
            string sample = outside is null ? "dx" : "x";
            w.Line($"int oh = q / {I(l.OutputWidth)};");
            w.Line($"int ih0 = (oh * {I(l.Stride)}) - {I(l.PadBefore)};");
            w.Line($"int iw0 = ((q - (oh * {I(l.OutputWidth)})) * {I(l.Stride)}) - {I(l.PadBefore)};");
            if (h >= l.Extent && wd >= l.Extent && kk * kk <= 49)
            {
                // Most positions: the window lies inside the input, every tap at a constant offset from its corner.
                w.Open($"if ((uint)ih0 <= {I(h - l.Extent)}u && (uint)iw0 <= {I(wd - l.Extent)}u)");
                w.Line($"ref float corner = ref At(ref {sample}, (ih0 * {I(wd)}) + iw0);");
                w.Open($"for (int ch = 0; ch < {I(l.Channels)}; ch++)");
                w.Line($"ref float plane = ref At(ref corner, ch * {I(h * wd)});");
                w.Line($"ref float taps = ref At(ref patch, ch * {I(kk * kk)});");
                for (int u = 0; u < kk; u++)
                {
                    var line = new List<string>();
                    for (int v = 0; v < kk; v++)
                    {
                        line.Add(inside($"At(ref plane, {I((u * d * wd) + (v * d))})", I((u * kk) + v)).Replace("ref patch,", "ref taps,"));
                    }

                    w.Line(string.Join(" ", line));
                }

                w.Close();
                w.Line("return;");
                w.Close();
                w.Line();
            }

            w.Line("int t = 0;");
            w.Open($"for (int ch = 0; ch < {I(l.Channels)}; ch++)");
            w.Open($"for (int u = 0; u < {I(kk)}; u++, t += {I(kk)})");
            w.Line($"int ih = ih0 + {(d == 1 ? "u" : $"(u * {I(d)})")};");
            w.Open($"if ((uint)ih >= {I(h)}u)");
            if (outside is not null)
            {
                w.Open($"for (int v = 0; v < {I(kk)}; v++)");
                w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, outside, "t + v"));
                w.Close();
            }

            w.Line("continue;");
            w.Close();
            w.Line();
            w.Line($"ref float line = ref At(ref {sample}, (ch * {I(h * wd)}) + (ih * {I(wd)}));");
            w.Open($"for (int v = 0; v < {I(kk)}; v++)");
            w.Line($"int iw = iw0 + {(d == 1 ? "v" : $"(v * {I(d)})")};");
            w.Open($"if ((uint)iw < {I(wd)}u)");
            w.Line(inside("At(ref line, iw)", "t + v"));
            w.Close();
            if (outside is not null)
            {
                w.Open("else");
                w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, outside, "t + v"));
                w.Close();
            }

            w.Close();
            w.Close();
            w.Close();
        }

        public override void EmitProducer(SourceWriter w, LayerContext c, string[] srcs, string[] dsts, IReadOnlyList<LayerContext> epilogues, bool exactOutput, string? first = null, string? end = null)
        {
            var l = (Conv2DSpec)c.Spec;
            int k = l.PatchSize, pf = Limits.Pad(l.Filters), positions = l.Positions;
            var vector = epilogues.TakeWhile(e => LayerCatalog.EmitterFor(e.Spec).VectorEpilogue(e, Width.Wide, "z", "0") is not null).ToList();
            var scalar = epilogues.Skip(vector.Count).ToList();
            for (int row = 0; row < srcs.Length; row++)
            {
                string src = srcs[row], dst = dsts[row];
                w.Line($"// Gather the patches of {I(Block)} output positions, compute their {I(l.Filters)} filters from the weight panels, then write each filter's");
                w.Line($"// position in the channel-major output{(scalar.Count > 0 ? " after " + string.Join(", then ", scalar.Select(e => LayerCatalog.EmitterFor(e.Spec).DescribeInference(e.Spec))) : string.Empty)}; the last positions one at a time.");
                w.Open();
                w.Line($"float[] scratch = t_conv{c.Index} ??= new float[{I((Block * k) + (Block * pf))}];");
                w.Line($"ref float pt = ref {Mm}.GetArrayDataReference(scratch);");
                w.Line($"ref float cols = ref At(ref pt, {I(Block * k)});");
                w.Line("int pos = 0;");
                if (positions >= Block)
                {
                    w.Open($"for (; pos + {I(Block)} <= {I(positions)}; pos += {I(Block)})");
                    for (int e = 0; e < Block; e++)
                    {
                        w.Line($"Patch{c.Index}(ref {src}, ref At(ref pt, {I(e * k)}), pos + {I(e)});");
                    }

                    Kernel(w, c, "pt", "cols", Block, vector);
                    Scatter(w, c, scalar, dst, Block);
                    w.Close();
                    w.Line();
                }

                w.Open($"for (; pos < {I(positions)}; pos++)");
                w.Line($"Patch{c.Index}(ref {src}, ref pt, pos);");
                Kernel(w, c, "pt", "cols", 1, vector);
                Scatter(w, c, scalar, dst, 1);
                w.Close();
                w.Close();
            }
        }

        /// <summary>
        /// The dense kernel over <paramref name="rows"/> consecutive patch rows at <paramref name="patches"/> (stride: the patch
        /// size) into rows of whole panels at <paramref name="outputs"/>: bias and the vector epilogues fused, full vectors stored.
        /// </summary>
        private static void Kernel(SourceWriter w, LayerContext c, string patches, string outputs, int rows, IReadOnlyList<LayerContext> vector, string? firstRow = null, int? patchStride = null)
        {
            var l = (Conv2DSpec)c.Spec;
            int k = l.PatchSize, stride = patchStride ?? k, pf = Limits.Pad(l.Filters);
            var srcs = Enumerable.Range(0, rows).Select(e => "s" + I(e)).ToArray();
            var dsts = Enumerable.Range(0, rows).Select(e => "t" + I(e)).ToArray();
            w.Open();
            for (int e = 0; e < rows; e++)
            {
                string row = firstRow is null ? I(e) : $"{firstRow} + {I(e)}";
                w.Line($"ref float {srcs[e]} = ref At(ref {patches}, ({row}) * {I(stride)});");
                w.Line($"ref float {dsts[e]} = ref At(ref {outputs}, ({row}) * {I(pf)});");
            }

            int? bias = l.UseBias ? c.Plan.Compute("bias") : null;
            DenseKernel.Forward(w, c.Plan.Compute("weight"), k, l.Filters, srcs, lastPanelApart: false, (width, accs, row, panel) =>
            {
                for (int h = 0; h < accs.Length; h++)
                {
                    string acc = accs[h];
                    string lane = h == 0 ? panel.Lane : DenseKernel.Plus(panel.Lane, 8);
                    if (bias is { } b)
                    {
                        w.Line($"{acc} += Load{width.S}(ref p, {VectorKernel.Index(b, lane)});");
                    }

                    foreach (var e in vector)
                    {
                        w.Line(LayerCatalog.EmitterFor(e.Spec).VectorEpilogue(e, width, acc, lane)!);
                    }

                    w.Line($"Store{width.S}({acc}, ref {dsts[row]}, {lane});");
                }
            });
            w.Close();
        }

        /// <summary>Writes the filters of <paramref name="rows"/> positions from <c>pos</c> on into the channel-major output, the scalar epilogues on the way.</summary>
        private static void Scatter(SourceWriter w, LayerContext c, IReadOnlyList<LayerContext> scalar, string dst, int rows)
        {
            var l = (Conv2DSpec)c.Spec;
            int pf = Limits.Pad(l.Filters);
            if (rows == 1)
            {
                w.Open();
                w.Line("const int e = 0;");
            }
            else
            {
                w.Open($"for (int e = 0; e < {I(rows)}; e++)");
            }

            w.Open($"for (int ch = 0; ch < {I(l.Filters)}; ch++)");
            w.Line($"float z = At(ref cols, (e * {I(pf)}) + ch);");
            foreach (var e in scalar)
            {
                w.Line(LayerCatalog.EmitterFor(e.Spec).EpilogueStatement(e, "z", "ch"));
            }

            w.Line($"At(ref {dst}, (ch * {I(l.Positions)}) + pos + e) = z;");
            w.Close();
            w.Close();
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (Conv2DSpec)c.Spec;
            w.Line($"// Layer {c.Index}, conv2d \"{l.Name}\" {l.Input} -> {l.Output}, row by row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {src}, r * {BatchStride(src)});");
            w.Line($"ref float yr = ref At(ref {dst}, r * Stride);");
            EmitProducer(w, c, new[] { "xr" }, new[] { "yr" }, Array.Empty<LayerContext>(), exactOutput: false);
            w.Close();
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            w.Line($"/// <summary>Layer {c.Index} patches of every (row, output position) of the batch; the backward pass overwrites them with their gradients.</summary>");
            w.Line($"private readonly float[] _patches{c.Index};");
            w.Line($"/// <summary>Layer {c.Index} outputs, then output gradients, per (row, output position): whole panels of filters.</summary>");
            w.Line($"private readonly float[] _cols{c.Index};");
            w.Line($"/// <summary>Layer {c.Index} weights transposed for the input gradient: per panel of 16 patch inputs, each filter's 16 weights.</summary>");
            w.Line($"private readonly float[] _transposed{c.Index};");
        }

        public override IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c)
        {
            var l = (Conv2DSpec)c.Spec;
            yield return new TrainerBuffer($"_patches{c.Index}", "float", l.Positions * Limits.Pad(l.PatchSize));
            yield return new TrainerBuffer($"_transposed{c.Index}", "float", 0, Limits.Pad(l.PatchSize) * l.Filters);
            yield return new TrainerBuffer($"_cols{c.Index}", "float", l.Positions * Limits.Pad(l.Filters));
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (Conv2DSpec)c.Spec;
            int k = l.PatchSize, pk = Limits.Pad(k), pf = Limits.Pad(l.Filters), positions = l.Positions;
            w.Line($"// Layer {c.Index}, conv2d \"{l.Name}\" {l.Input} -> {l.Output}: gather every (row, position)'s patch, then the dense kernel over");
            w.Line($"// them in blocks of {I(Block)} (each output the inference path's chain), then each filter into the channel-major rows.");
            w.Line("// The trainer may hand the rows to threads in parts: this part's rows start at row `first` of the batch, and so do");
            w.Line("// its patches and outputs in the layer's buffers.");
            w.Line(FirstRowOfPart(c, y));
            w.Line($"ref float pt = ref At(ref Data(_patches{c.Index}), first * {I(positions * pk)});");
            w.Line($"ref float cols = ref At(ref Data(_cols{c.Index}), first * {I(positions * pf)});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int pos = 0; pos < {I(positions)}; pos++)");
            w.Line($"Patch{c.Index}(ref At(ref {x}, r * {I(c.InputStride)}), ref At(ref pt, ((r * {I(positions)}) + pos) * {I(pk)}), pos);");
            w.Close();
            w.Close();
            w.Line();
            w.Line($"int n = rows * {I(positions)};");
            w.Line("int e0 = 0;");
            w.Open($"for (; e0 + {I(Block)} <= n; e0 += {I(Block)})");
            Kernel(w, c, "pt", "cols", Block, Array.Empty<LayerContext>(), "e0", pk);
            w.Close();
            w.Line();
            w.Open("for (; e0 < n; e0++)");
            Kernel(w, c, "pt", "cols", 1, Array.Empty<LayerContext>(), "e0", pk);
            w.Close();
            w.Line();
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int ch = 0; ch < {I(l.Filters)}; ch++)");
            w.Line($"ref float yc = ref At(ref {y}, (r * {I(c.OutputStride)}) + (ch * {I(positions)}));");
            w.Line($"ref float cc = ref At(ref cols, (r * {I(positions * pf)}) + ch);");
            w.Open($"for (int pos = 0; pos < {I(positions)}; pos++)");
            w.Line($"At(ref yc, pos) = At(ref cc, pos * {I(pf)});");
            w.Close();
            w.Close();
            w.Close();
        }

        /// <summary>Rows are independent in the forward pass: worth splitting from <see cref="Limits.ParallelWork"/> / 256 multiply-adds per row.</summary>
        public override long TrainingForwardWorkPerRow(LayerSpec layer)
        {
            var l = (Conv2DSpec)layer;
            long work = (long)l.Positions * l.PatchSize * l.Filters;
            return work >= Limits.ParallelWork / 256 ? work : 0;
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (Conv2DSpec)c.Spec;
            int k = l.PatchSize, pk = Limits.Pad(k), pf = Limits.Pad(l.Filters), positions = l.Positions, panels = DenseKernel.Panels(l.Filters);
            long work = (long)positions * k * l.Filters;
            string threads = ParallelSplit.WorthIt(work);
            w.Line($"// Backward, layer {c.Index} conv2d \"{l.Name}\": the output gradient per (row, position), then the dense gradients over those");
            w.Line($"// rows: dW[f, :] = sum of d[f] * patch{(l.UseBias ? ", db[f] = sum of d[f]" : string.Empty)}{(needInput ? ", dpatch = d W, scattered back onto the input (col2im)" : string.Empty)};");
            w.Line("// every sum a chain in a fixed order, whatever the thread count.");
            w.Line($"ref float pt = ref Data(_patches{c.Index});");
            w.Line($"ref float cols = ref Data(_cols{c.Index});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int ch = 0; ch < {I(l.Filters)}; ch++)");
            w.Line($"ref float dc = ref At(ref {d}, (r * {I(c.OutputStride)}) + (ch * {I(positions)}));");
            w.Line($"ref float cc = ref At(ref cols, (r * {I(positions * pf)}) + ch);");
            w.Open($"for (int pos = 0; pos < {I(positions)}; pos++)");
            w.Line($"At(ref cc, pos * {I(pf)}) = At(ref dc, pos);");
            w.Close();
            w.Close();
            w.Close();
            w.Line();

            // Weight gradients: each weight one chain over every (row, position) in order, on one thread. Many filters split
            // by whole panels of 16 filters; few by ranges of the patch's inputs (each thread all filters of its inputs).
            bool byPanels = panels > DenseKernel.PanelGranularity;
            string weightGradient = $"ConvWeightGradient{c.Index}(ref pt, ref cols, rows * {I(positions)}, 0, {I(panels)}, 0, {I(k)});";
            ParallelSplit.Emit(
                w,
                members,
                threads,
                ParallelSplit.ReadOnlySpan("pt", $"rows * {I(positions * pk)}"),
                ParallelSplit.Span("cols", $"rows * {I(positions * pf)}"),
                byPanels ? I(panels) : I(k),
                byPanels ? DenseKernel.PanelGranularity : DenseKernel.InputGranularity,
                weightGradient,
                Names.Trainer,
                $"s_convWeightGradient{c.Index}",
                $"One thread's part of <see cref=\"ConvWeightGradient{c.Index}\"/>: the {(byPanels ? "filter panels" : "patch inputs")} from <c>start</c> to <c>end</c>.",
                "trainer, x, d, start, end",
                $"trainer.ConvWeightGradient{c.Index}({ParallelSplit.Element("x")}, {ParallelSplit.Element("d")}, trainer._rows * {I(positions)}, {(byPanels ? "start, end, 0, " + I(k) : "0, " + I(panels) + ", start, end")});");
            int rowBlock = Math.Max(32, Math.Min(1024, (32 * 1024) / pk));
            members.Line($"/// <summary>");
            members.Line($"/// Weight gradients of layer {c.Index} over <paramref name=\"rows\"/> (row, position) pairs, for the 16-filter panels from");
            members.Line($"/// <paramref name=\"first\"/> to <paramref name=\"end\"/> and the patch inputs from <paramref name=\"kFirst\"/> to <paramref name=\"kEnd\"/>.");
            members.Line($"/// </summary>");
            members.Open($"private void ConvWeightGradient{c.Index}(ref float x, ref float d, int rows, int first, int end, int kFirst, int kEnd)");
            members.Line("ref float g = ref Data(_gradients);");
            DenseKernel.WeightGradient(members, c.Plan.Compute("weight"), k, l.Filters, "x", I(pk), "d", pf, "first", "end", "kFirst", "kEnd", rowBlock);
            members.Close();
            members.Line();

            if (l.UseBias)
            {
                w.Line($"ConvBiasGradient{c.Index}(ref cols, rows * {I(positions)});");
                members.Line($"/// <summary>Bias gradients of layer {c.Index} over <paramref name=\"rows\"/> (row, position) pairs.</summary>");
                members.Open($"private void ConvBiasGradient{c.Index}(ref float d, int rows)");
                members.Line("ref float g = ref Data(_gradients);");
                DenseKernel.BiasGradient(members, c.Plan.Compute("bias"), l.Filters, "d", pf);
                members.Close();
                members.Line();
            }

            if (!needInput)
            {
                return false;
            }

            // The patches are no longer needed: their gradients overwrite them, every (row, position) on its own. The kernel is
            // the forward one on the transposed weights: dpatch[k] = sum over filters f, in order, of d[f] * W[f, k].
            int weight = c.Plan.Compute("weight");
            w.Line("// The weights transposed into panels of 16 patch inputs (the padding lanes 0).");
            w.Line($"TransposePanels(_model._compute, {I(weight)}, {I(k)}, {I(l.Filters)}, _transposed{c.Index});");
            w.Line();
            string inputGradient = $"ConvInputGradient{c.Index}(ref cols, ref pt, rows * {I(positions)});";
            ParallelSplit.Emit(
                w,
                members,
                threads,
                ParallelSplit.ReadOnlySpan("cols", $"rows * {I(positions * pf)}"),
                ParallelSplit.Span("pt", $"rows * {I(positions * pk)}"),
                $"rows * {I(positions)}",
                Block,
                inputGradient,
                Names.Trainer,
                $"s_convInputGradient{c.Index}",
                $"One thread's part of <see cref=\"ConvInputGradient{c.Index}\"/>: the (row, position) pairs from <c>start</c> to <c>end</c>.",
                "trainer, d, e, start, end",
                $"trainer.ConvInputGradient{c.Index}({ParallelSplit.Element("d", $"start * {I(pf)}")}, {ParallelSplit.Element("e", $"start * {I(pk)}")}, end - start);");
            members.Line($"/// <summary>");
            members.Line($"/// Patch gradients of layer {c.Index} for <paramref name=\"rows\"/> (row, position) pairs of <paramref name=\"d\"/> into <paramref name=\"e\"/>:");
            members.Line($"/// the forward kernel over the filters on the transposed weights, {I(Block)} pairs at a time.");
            members.Line($"/// </summary>");
            members.Open($"private void ConvInputGradient{c.Index}(ref float d, ref float e, int rows)");
            members.Line($"ref float p = ref Data(_transposed{c.Index});");
            DenseKernel.TransposedProduct(members, l.Filters, k, pf, pk, Block);
            members.Close();
            members.Line();

            int es = Limits.Pad(l.InputSize);
            w.Line();
            w.Line("// col2im: each position's patch gradient added onto its sample's input gradient, positions in order.");
            w.Line($"{Mm}.CreateSpan(ref {other}, rows * {I(es)}).Clear();");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int pos = 0; pos < {I(positions)}; pos++)");
            w.Line($"PatchGradient{c.Index}(ref At(ref pt, ((r * {I(positions)}) + pos) * {I(pk)}), ref At(ref {other}, r * {I(es)}), pos);");
            w.Close();
            w.Close();
            return true;
        }

        private static string Geometry(Conv2DSpec l) =>
            $"kernel {I(l.Kernel)}, stride {I(l.Stride)}, padding {(l.Same ? "same" : I(l.Padding))}{(l.Dilation == 1 ? string.Empty : $", dilation {I(l.Dilation)}")}";

    }
}
