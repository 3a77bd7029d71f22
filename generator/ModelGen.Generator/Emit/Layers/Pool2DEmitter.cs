using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// Max and average pooling (and the global average): each window of each channel read in order (rows, then columns),
    /// the step's epilogues applied to each result with its channel. Max takes the first largest value, or NaN once a NaN
    /// is seen (as PyTorch); training records which input that was, and the gradient goes there. Average divides the sum
    /// (in window order) by the window's size.
    /// </summary>
    internal sealed class Pool2DEmitter : LayerEmitter
    {
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        public static Pool2DEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer)
        {
            var l = (Pool2DSpec)layer;
            return l.Global
                ? $"{I(l.Index)}: global average pool {l.Input} -> {l.Output}"
                : $"{I(l.Index)}: {What(l)} {l.Input} -> {l.Output}, window {I(l.Size)}, stride {I(l.Stride)}";
        }

        public override string DescribeInference(LayerSpec layer)
        {
            var l = (Pool2DSpec)layer;
            return $"layer {I(l.Index)}, {(l.Global ? "global average pool" : What(l))} {l.Input} -> {l.Output}: z = {(l.Function == PoolFunction.Max ? "max" : "mean")} of the window";
        }

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (Pool2DSpec)c.Spec;
            return Description(c, "Pool2DDescription", $"Kind: global::ModelGen.PoolKind.{(l.Function == PoolFunction.Max ? "Max" : "Average")}, SizeHeight: {I(l.WindowHeight)}, SizeWidth: {I(l.WindowWidth)}, Stride: {I(l.Step)}");
        }

        public override void EmitProducer(SourceWriter w, LayerContext c, string[] srcs, string[] dsts, IReadOnlyList<LayerContext> epilogues, bool exactOutput, string? first = null, string? end = null)
        {
            var l = (Pool2DSpec)c.Spec;
            w.Line(l.Function == PoolFunction.Max
                ? $"// Each {I(l.WindowHeight)} x {I(l.WindowWidth)} window of each channel, rows then columns: the first largest value (NaN once a value is NaN)."
                : $"// Each {I(l.WindowHeight)} x {I(l.WindowWidth)} window of each channel: the sum in order (rows, then columns) / {I(l.WindowHeight * l.WindowWidth)}.");
            if (epilogues.Count > 0)
            {
                w.Line($"// Then, per output: {string.Join(", then ", epilogues.Select(e => LayerCatalog.EmitterFor(e.Spec).DescribeInference(e.Spec)))}.");
            }

            for (int row = 0; row < srcs.Length; row++)
            {
                Loops(w, l, srcs[row], dsts[row], epilogues, argmax: null);
            }
        }

        /// <summary>
        /// The pooling of one sample, eight outputs of an output row at a time: lane q of a group computes output j + q
        /// with the same operations in the same order as one output at a time (max: <c>MaxStep8</c>, the branch-free form
        /// of <c>if (value &gt; z || float.IsNaN(value) &amp;&amp; !float.IsNaN(z)) z = value;</c>; average: the sum from 0
        /// in window order, then the division), so the bits are those of the rule, and no comparison is a branch the
        /// processor can mispredict. The last group of a row takes what is left; its extra lanes repeat the row's last
        /// output and are not stored. With <paramref name="argmax"/> (a <c>ref int</c> in scope; max pooling only), also
        /// records, per output, the input the rule took (the first largest).
        /// </summary>
        private static void Loops(SourceWriter w, Pool2DSpec l, string src, string dst, IReadOnlyList<LayerContext> epilogues, string? argmax)
        {
            int h = l.Height, wd = l.Width, oh = l.OutputHeight, ow = l.OutputWidth, s = l.Step;
            bool max = l.Function == PoolFunction.Max;
            w.Line(max
                ? "// Eight outputs of an output row at a time: each lane takes the same steps as one output at a time, without branches."
                : "// Eight outputs of an output row at a time: each lane adds the same values in the same order as one output at a time.");
            w.Open($"for (int ch = 0; ch < {I(l.Channels)}; ch++)");
            w.Open($"for (int i = 0; i < {I(oh)}; i++)");
            w.Line($"int at = (ch * {I(h * wd)}) + (i * {I(s * wd)});");
            w.Line($"int to = (ch * {I(oh * ow)}) + (i * {I(ow)});");
            w.Open($"for (int j = 0; j < {I(ow)}; j += 8)");
            w.Line($"int lanes = global::System.Math.Min(8, {I(ow)} - j);");
            w.Line($"int origin = at + (j * {I(s)});");
            w.Line(max ? $"var zv = Gather8(ref {src}, origin, {I(s)}, lanes);" : "var zv = Zero8();");
            if (argmax is not null)
            {
                w.Line($"var best = Taps8(origin, {I(s)}, lanes);");
            }

            w.Open($"for (int u = 0; u < {I(l.WindowHeight)}; u++)");
            w.Open($"for (int v = 0; v < {I(l.WindowWidth)}; v++)");
            if (argmax is not null)
            {
                w.Line($"int tap = origin + (u * {I(wd)}) + v;");
                w.Line($"var value = Gather8(ref {src}, tap, {I(s)}, lanes);");
                w.Line("var take = MaxTakes8(zv, value);");
                w.Line("zv = global::System.Runtime.Intrinsics.Vector256.ConditionalSelect(take, value, zv);");
                w.Line($"best = SelectIndices8(take, Taps8(tap, {I(s)}, lanes), best);");
            }
            else
            {
                w.Line($"var value = Gather8(ref {src}, origin + (u * {I(wd)}) + v, {I(s)}, lanes);");
                w.Line(max ? "zv = MaxStep8(zv, value);" : "zv += value;");
            }

            w.Close();
            w.Close();
            w.Line();
            if (!max)
            {
                w.Line($"zv /= Splat8({I(l.WindowHeight * l.WindowWidth)}f);");
            }

            if (argmax is not null)
            {
                w.Line($"StoreIndices8(best, ref {argmax}, to + j, lanes);");
            }

            w.Open("if (lanes == 8)");
            w.Line($"Store8(zv, ref {dst}, to + j);");
            w.Close();
            w.Open("else");
            w.Line($"StorePartial8(zv, ref {dst}, to + j, lanes);");
            w.Close();
            if (epilogues.Count > 0)
            {
                w.Line();
                w.Open("for (int q = 0; q < lanes; q++)");
                w.Line($"float z = At(ref {dst}, to + j + q);");
                foreach (var e in epilogues)
                {
                    w.Line(LayerCatalog.EmitterFor(e.Spec).EpilogueStatement(e, "z", "ch"));
                }

                w.Line($"At(ref {dst}, to + j + q) = z;");
                w.Close();
            }

            w.Close();
            w.Close();
            w.Close();
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            w.Line($"// Layer {c.Index}, {What((Pool2DSpec)c.Spec)}, row by row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {src}, r * {BatchStride(src)});");
            w.Line($"ref float yr = ref At(ref {dst}, r * Stride);");
            Loops(w, (Pool2DSpec)c.Spec, "xr", "yr", Array.Empty<LayerContext>(), argmax: null);
            w.Close();
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            if (((Pool2DSpec)c.Spec).Function == PoolFunction.Max)
            {
                w.Line($"/// <summary>Layer {c.Index}: for each output of each row, the input (index in the row) it took.</summary>");
                w.Line($"private readonly int[] _argmax{c.Index};");
            }
        }

        public override IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c) =>
            ((Pool2DSpec)c.Spec).Function == PoolFunction.Max
                ? new[] { new TrainerBuffer($"_argmax{c.Index}", "int", c.Spec.OutputSize) }
                : Array.Empty<TrainerBuffer>();

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (Pool2DSpec)c.Spec;
            bool max = l.Function == PoolFunction.Max;
            w.Line($"// Layer {c.Index}, {(l.Global ? "global average pool" : What(l))}: as at inference{(max ? ", recording the input each output took" : string.Empty)}.");
            if (max)
            {
                w.Line("// The trainer may hand the rows to threads in parts: this part's rows start at row `first` of the batch.");
                w.Line(FirstRowOfPart(c, y));
            }

            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {x}, r * {I(c.InputStride)});");
            w.Line($"ref float yr = ref At(ref {y}, r * {I(c.OutputStride)});");
            if (max)
            {
                w.Line($"ref int taken = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref {Mm}.GetArrayDataReference(_argmax{c.Index}), (first + r) * {I(l.OutputSize)});");
            }

            Loops(w, l, "xr", "yr", Array.Empty<LayerContext>(), max ? "taken" : null);
            w.Close();
        }

        /// <summary>Rows are independent: worth splitting from <see cref="Limits.ParallelWork"/> / 256 window reads per row.</summary>
        public override long TrainingForwardWorkPerRow(LayerSpec layer) => layer.WorkPerRow >= Limits.ParallelWork / 256 ? layer.WorkPerRow : 0;

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (Pool2DSpec)c.Spec;
            if (!needInput)
            {
                return false;
            }

            int es = Limits.Pad(l.InputSize);
            bool max = l.Function == PoolFunction.Max;
            w.Line(max
                ? $"// Backward, layer {c.Index} max pool: each output's gradient added to the input it took, outputs in order."
                : $"// Backward, layer {c.Index} average pool: each output's gradient / {I(l.WindowHeight * l.WindowWidth)} added to every input of its window, outputs in order.");
            long work = TrainingForwardWorkPerRow(l);
            string call = $"PoolBackward{c.Index}(ref {d}, ref {other}, 0, rows);";
            if (work > 0)
            {
                w.Line("// Rows are independent: many rows split over the cores.");
                ParallelSplit.Emit(
                    w,
                    members,
                    ParallelSplit.WorthIt(work),
                    ParallelSplit.ReadOnlySpan(d, $"rows * {I(c.OutputStride)}"),
                    ParallelSplit.Span(other, $"rows * {I(es)}"),
                    "rows",
                    1,
                    call,
                    Names.Trainer,
                    $"s_poolBackward{c.Index}",
                    $"One thread's part of <see cref=\"PoolBackward{c.Index}\"/>: the rows from <c>start</c> to <c>end</c>.",
                    "trainer, d, e, start, end",
                    $"trainer.PoolBackward{c.Index}({ParallelSplit.Element("d")}, {ParallelSplit.Element("e")}, start, end);");
            }
            else
            {
                w.Line(call);
            }

            members.Line($"/// <summary>Backward of layer {c.Index} for the rows from <paramref name=\"start\"/> to <paramref name=\"end\"/> of <paramref name=\"d\"/> into <paramref name=\"e\"/>.</summary>");
            members.Open($"private void PoolBackward{c.Index}(ref float d, ref float e, int start, int end)");
            EmitBackwardRows(members, c, max, es);
            members.Close();
            members.Line();
            return true;
        }

        /// <summary>The body of <c>PoolBackward</c>: the input gradients <c>e</c> of rows <c>start</c> to <c>end</c> from <c>d</c>.</summary>
        private static void EmitBackwardRows(SourceWriter w, LayerContext c, bool max, int es)
        {
            var l = (Pool2DSpec)c.Spec;
            w.Line($"{Mm}.CreateSpan(ref At(ref e, start * {I(es)}), (end - start) * {I(es)}).Clear();");
            w.Open("for (int r = start; r < end; r++)");
            w.Line($"ref float dr = ref At(ref d, r * {I(c.OutputStride)});");
            w.Line($"ref float er = ref At(ref e, r * {I(es)});");
            if (max)
            {
                w.Line($"ref int taken = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref {Mm}.GetArrayDataReference(_argmax{c.Index}), r * {I(l.OutputSize)});");
                w.Open($"for (int o = 0; o < {I(l.OutputSize)}; o++)");
                w.Line("At(ref er, global::System.Runtime.CompilerServices.Unsafe.Add(ref taken, o)) += At(ref dr, o);");
                w.Close();
            }
            else
            {
                int h = l.Height, wd = l.Width, oh = l.OutputHeight, ow = l.OutputWidth, s = l.Step;
                w.Open($"for (int ch = 0; ch < {I(l.Channels)}; ch++)");
                w.Open($"for (int i = 0; i < {I(oh)}; i++)");
                w.Open($"for (int j = 0; j < {I(ow)}; j++)");
                w.Line($"float share = At(ref dr, (ch * {I(oh * ow)}) + (i * {I(ow)}) + j) / {I(l.WindowHeight * l.WindowWidth)}f;");
                w.Line($"int at = (ch * {I(h * wd)}) + (i * {I(s * wd)}) + (j * {I(s)});");
                w.Open($"for (int u = 0; u < {I(l.WindowHeight)}; u++)");
                w.Open($"for (int v = 0; v < {I(l.WindowWidth)}; v++)");
                w.Line($"At(ref er, at + (u * {I(wd)}) + v) += share;");
                w.Close();
                w.Close();
                w.Close();
                w.Close();
                w.Close();
            }

            w.Close();
        }

        private static string What(Pool2DSpec l) => l.Global ? "global average pool" : l.Function == PoolFunction.Max ? "max pool" : "average pool";
    }
}
