using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>Softmax over a row: <c>exp(z - max) / sum</c>, max and sum in index order.</summary>
    internal sealed class SoftmaxEmitter : LayerEmitter
    {
        public static SoftmaxEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer) => $"{I(layer.Index)}: softmax";

        public override string DescribeInference(LayerSpec layer) => $"layer {I(layer.Index)}, softmax over {I(layer.OutputSize)} outputs: exp(z - max) / sum";

        public override string DescriptionExpression(LayerContext c) => Description(c, "SoftmaxDescription");

        public override void EmitRowOperation(SourceWriter w, LayerContext c, string src, string dst) => Row(w, c.Spec.OutputSize, src, dst);

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            int f = c.Spec.OutputSize;
            w.Line($"// Layer {c.Index}, softmax over {I(f)} outputs per row.");
            Rows(w, f, src, BatchStride(src), dst, "Stride");
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            int f = c.Spec.OutputSize;
            w.Line($"// Layer {c.Index}, softmax over {I(f)} outputs per row: exp(z - max) / sum.");
            Rows(w, f, x, I(c.InputStride), y, I(c.OutputStride));
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            int f = c.Spec.OutputSize;
            w.Line($"// Backward, layer {c.Index} softmax: dz = y * (d - sum(d * y)) per row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float yr = ref At(ref {y}, r * {I(c.OutputStride)});");
            w.Line($"ref float dr = ref At(ref {d}, r * {I(c.OutputStride)});");
            w.Line("float dot = 0f;");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line("dot += At(ref dr, j) * At(ref yr, j);");
            w.Close();
            w.Line();
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line("At(ref dr, j) = At(ref yr, j) * (At(ref dr, j) - dot);");
            w.Close();
            w.Close();
            return false;
        }

        private static void Rows(SourceWriter w, int f, string src, string srcStride, string dst, string dstStride)
        {
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float sr = ref At(ref {src}, r * {srcStride});");
            w.Line($"ref float dr = ref At(ref {dst}, r * {dstStride});");
            Row(w, f, "sr", "dr");
            w.Close();
        }

        /// <summary>Softmax of one row of <paramref name="n"/> values (the destination may be the source).</summary>
        private static void Row(SourceWriter w, int n, string src, string dst)
        {
            w.Line($"float max = At(ref {src}, 0);");
            w.Open($"for (int j = 1; j < {I(n)}; j++)");
            w.Line($"max = global::System.MathF.Max(max, At(ref {src}, j));");
            w.Close();
            w.Line();
            w.Line("float sum = 0f;");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line($"float e = global::System.MathF.Exp(At(ref {src}, j) - max);");
            w.Line($"At(ref {dst}, j) = e;");
            w.Line("sum += e;");
            w.Close();
            w.Line();
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line($"At(ref {dst}, j) /= sum;");
            w.Close();
        }
    }
}
