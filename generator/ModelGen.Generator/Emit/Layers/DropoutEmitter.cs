using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// Inverted dropout: the identity at inference; in training (and in declared Monte Carlo inference) a mask that is
    /// a pure function of (seed, iteration or call, layer, row, feature).
    /// </summary>
    internal sealed class DropoutEmitter : LayerEmitter
    {
        public static DropoutEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer) => $"{I(layer.Index)}: dropout (rate {D(((DropoutSpec)layer).Rate)}, training only)";

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (DropoutSpec)c.Spec;
            return Description(c, "DropoutDescription", $"Rate: {D(l.Rate)}, ActiveAtInference: {(l.ActiveAtInference ? "true" : "false")}");
        }

        public override string IdentityNote(LayerContext c) => $"// Layer {c.Index}, dropout \"{c.Spec.Name}\" (rate {D(((DropoutSpec)c.Spec).Rate)}), is the identity at inference.";

        public override string BatchDependenceNote(LayerSpec layer) => $"dropout \"{layer.Name}\" stays active";

        public override bool UsesCallCounter(LayerSpec layer) => ((DropoutSpec)layer).ActiveAtInference;

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (DropoutSpec)c.Spec;
            w.Line($"// Layer {c.Index}, dropout \"{l.Name}\" active at inference (declared): zero with probability {D(l.Rate)}, scale the rest by 1 / (1 - {D(l.Rate)}); the mask depends on (call, row, layer, feature).");
            Mask(w, l, "-1", "call", src, BatchStride(src), dst, "Stride", mask: null);
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            w.Line($"/// <summary>Layer {c.Index} dropout mask: 0 or 1 / (1 - rate).</summary>");
            w.Line($"private readonly float[] _mask{c.Index};");
        }

        public override IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c) => new[] { new TrainerBuffer($"_mask{c.Index}", "float", c.Spec.OutputSize) };

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (DropoutSpec)c.Spec;
            w.Line($"// Layer {c.Index}, dropout \"{l.Name}\": zero each value with probability {D(l.Rate)} and scale the others by 1 / (1 - {D(l.Rate)});");
            w.Line("// the mask depends only on (seed, iteration, layer, row, feature).");
            if (TrainingForwardWorkPerRow(l) > 0)
            {
                // Wide layers: the trainer may hand the rows to threads in parts; the mask takes the row's place in the batch.
                w.Line("// The trainer may hand the rows to threads in parts: this part's rows start at row `first` of the batch.");
                w.Line(FirstRowOfPart(c, y));
                w.Line($"ref float mask{c.Index} = ref At(ref Data(_mask{c.Index}), first * {I(l.OutputSize)});");
                Mask(w, l, "_seed", "_iterations", x, I(c.InputStride), y, I(c.OutputStride), mask: "mask" + c.Index, rowOffset: "first");
                return;
            }

            w.Line($"ref float mask{c.Index} = ref Data(_mask{c.Index});");
            Mask(w, l, "_seed", "_iterations", x, I(c.InputStride), y, I(c.OutputStride), mask: "mask" + c.Index);
        }

        /// <summary>
        /// Rows are independent (each row's mask is a function of its place in the batch): worth splitting from
        /// <see cref="Limits.ParallelWork"/> / 256 per row, counting a mask hash as 16 operations.
        /// </summary>
        public override long TrainingForwardWorkPerRow(LayerSpec layer) => 16L * layer.OutputSize >= Limits.ParallelWork / 256 ? 16L * layer.OutputSize : 0;

        /// <summary>
        /// For every row and feature: <c>m</c> = 0 with probability rate, else 1 / (1 - rate), from
        /// <c>DeterministicRandom.Hash(seed, step, row, layer, feature)</c>; writes <c>dst = src * m</c> (and the mask).
        /// </summary>
        private static void Mask(SourceWriter w, DropoutSpec l, string seed, string step, string src, string srcStride, string dst, string dstStride, string? mask, string? rowOffset = null)
        {
            int f = l.OutputSize;
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line($"float m = global::ModelGen.DeterministicRandom.Hash({seed}, {step}, {(rowOffset is null ? "r" : rowOffset + " + r")}, {I(l.Index)}, j) < {F(l.Rate)} ? 0f : {F(1.0 / (1.0 - l.Rate))};");
            if (mask is not null)
            {
                w.Line($"At(ref {mask}, (r * {I(f)}) + j) = m;");
            }

            w.Line($"At(ref {dst}, (r * {dstStride}) + j) = At(ref {src}, (r * {srcStride}) + j) * m;");
            w.Close();
            w.Close();
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            w.Line($"// Backward, layer {c.Index} dropout: d *= mask.");
            w.Line($"ref float mask{c.Index} = ref Data(_mask{c.Index});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(c.Spec.OutputSize)}; j++)");
            w.Line($"At(ref {d}, (r * {I(c.OutputStride)}) + j) *= At(ref mask{c.Index}, (r * {I(c.Spec.OutputSize)}) + j);");
            w.Close();
            w.Close();
            return false;
        }
    }
}
