using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// Flatten: samples are stored channel-major (NCHW) already, so the flat vector is the same floats in the same order.
    /// Nothing at inference; in training a copy of the rows (each layer owns its output buffer) and a gradient that passes
    /// through unchanged.
    /// </summary>
    internal sealed class FlattenEmitter : LayerEmitter
    {
        public static FlattenEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer) => $"{I(layer.Index)}: flatten {layer.Input} -> {layer.Output}";

        public override string DescriptionExpression(LayerContext c) => Description(c, "FlattenDescription");

        public override string IdentityNote(LayerContext c) =>
            $"// Layer {c.Index}, flatten \"{c.Spec.Name}\" {c.Spec.Input} -> {c.Spec.Output}, changes nothing: samples are stored channel-major already.";

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            w.Line($"// Layer {c.Index}, flatten: the same floats.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref At(ref {src}, r * {BatchStride(src)}), {I(c.Spec.InputSize)}).CopyTo(global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref At(ref {dst}, r * Stride), {I(c.Spec.InputSize)}));");
            w.Close();
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            w.Line($"// Layer {c.Index}, flatten {c.Spec.Input} -> {c.Spec.Output}: the same floats, copied row by row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref At(ref {x}, r * {I(c.InputStride)}), {I(c.Spec.InputSize)}).CopyTo(global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref At(ref {y}, r * {I(c.OutputStride)}), {I(c.Spec.InputSize)}));");
            w.Close();
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            w.Line($"// Backward, layer {c.Index} flatten: the gradient passes through unchanged (same floats, same row stride).");
            return false;
        }
    }
}
