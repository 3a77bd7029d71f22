using ModelGen.Generator.Emit.Kernels;
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

        public override string DescriptionExpression(LayerContext c) => LegacyDescription(c, "Dropout", rate: ((DropoutSpec)c.Spec).Rate);

        public override string IdentityNote(LayerContext c) => $"// Layer {c.Index}, dropout \"{c.Spec.Name}\" (rate {D(((DropoutSpec)c.Spec).Rate)}), is the identity at inference.";

        public override string BatchDependenceNote(LayerSpec layer) => $"dropout \"{layer.Name}\" stays active";

        public override bool UsesCallCounter(LayerSpec layer) => ((DropoutSpec)layer).ActiveAtInference;

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (DropoutSpec)c.Spec;
            int f = l.OutputSize;
            w.Line($"// Layer {c.Index}, dropout \"{l.Name}\" active at inference (declared): zero with probability {D(l.Rate)}, scale the rest by 1 / (1 - {D(l.Rate)}); the mask depends on (call, row, feature).");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line($"int i = (r * {I(f)}) + j;");
            w.Line($"float m = global::ModelGen.DeterministicRandom.Hash(-1, call, r, {VectorKernel.Index(l.Index * 65536, "j")}) < {F(l.Rate)} ? 0f : {F(1.0 / (1.0 - l.Rate))};");
            w.Line($"At(ref {dst}, i) = At(ref {src}, i) * m;");
            w.Close();
            w.Close();
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            w.Line($"/// <summary>Layer {c.Index} dropout mask: 0 or 1 / (1 - rate).</summary>");
            w.Line($"private readonly float[] _mask{c.Index};");
        }

        public override void EmitTrainerAllocations(SourceWriter w, LayerContext c) => w.Line($"_mask{c.Index} = new float[maxBatchSize * {I(c.Spec.OutputSize)}];");

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (DropoutSpec)c.Spec;
            int f = l.OutputSize;
            w.Line($"// Layer {c.Index}, dropout \"{l.Name}\": zero each value with probability {D(l.Rate)} and scale the others by 1 / (1 - {D(l.Rate)});");
            w.Line("// the mask depends only on (seed, iteration, layer, row, feature).");
            w.Line($"ref float mask{c.Index} = ref Data(_mask{c.Index});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line($"int i = (r * {I(f)}) + j;");
            w.Line($"float m = global::ModelGen.DeterministicRandom.Hash(_seed, _iterations, r, {VectorKernel.Index(l.Index * 65536, "j")}) < {F(l.Rate)} ? 0f : {F(1.0 / (1.0 - l.Rate))};");
            w.Line($"At(ref mask{c.Index}, i) = m;");
            w.Line($"At(ref {y}, i) = At(ref {x}, i) * m;");
            w.Close();
            w.Close();
        }

        public override bool EmitBackward(SourceWriter w, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            w.Line($"// Backward, layer {c.Index} dropout: d *= mask.");
            w.Open($"for (int i = 0; i < rows * {I(c.Spec.OutputSize)}; i++)");
            w.Line($"At(ref {d}, i) *= At(ref mask{c.Index}, i);");
            w.Close();
            return false;
        }
    }
}
