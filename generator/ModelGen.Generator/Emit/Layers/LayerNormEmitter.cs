using System.Collections.Generic;
using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// LayerNorm: per row and group, mean and biased variance of the group's own values (in double, in order), then
    /// <c>(x - mean) * invStd * weight + bias</c> in float, eight values at a time (separate multiplies and adds, so the
    /// same bits as one at a time), the same operations at inference and in training. A row's result depends on that row
    /// alone.
    /// </summary>
    internal sealed class LayerNormEmitter : LayerEmitter
    {
        public static LayerNormEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer)
        {
            var l = (LayerNormSpec)layer;
            return $"{I(l.Index)}: layer norm \"{l.Name}\" over [{string.Join(", ", System.Linq.Enumerable.Select(l.NormalizedShape, d => I(d)))}] ({I(l.Groups)} group{(l.Groups == 1 ? string.Empty : "s")} per sample, eps {D(l.Epsilon)})";
        }

        public override string DescribeInference(LayerSpec layer) =>
            $"layer {I(layer.Index)}, layer norm \"{layer.Name}\" with the sample's own statistics: (z - mean) / sqrt(var + eps) * weight + bias";

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (LayerNormSpec)c.Spec;
            return Description(c, "LayerNormDescription", $"NormalizedShape: {Ints(l.NormalizedShape)}, Epsilon: {D(l.Epsilon)}, WeightOffset: {I(c.Plan.Offset("weight"))}, BiasOffset: {I(c.Plan.Offset("bias"))}");
        }

        public override void EmitInitialization(SourceWriter w, LayerContext c)
        {
            var l = (LayerNormSpec)c.Spec;
            w.Line($"// Layer {c.Index}, layer norm \"{l.Name}\": weight 1, bias 0.");
            w.Open($"for (int j = 0; j < {I(l.GroupSize)}; j++)");
            w.Line($"_parameters[{VectorKernel.Index(c.Plan.Offset("weight"), "j")}] = 1f;");
            w.Close();
            w.Line();
        }

        public override void EmitRowOperation(SourceWriter w, LayerContext c, string src, string dst)
        {
            w.Line($"// {DescribeInference(c.Spec)}.");
            Row(w, c, src, dst, xhat: null, invStd: null);
        }

        /// <summary>
        /// One row from <paramref name="src"/> into <paramref name="dst"/> (may be the same); in training also the
        /// normalized values into <paramref name="xhat"/> and each group's 1 / std into <paramref name="invStd"/>.
        /// </summary>
        private static void Row(SourceWriter w, LayerContext c, string src, string dst, string? xhat, string? invStd)
        {
            var l = (LayerNormSpec)c.Spec;
            int n = l.GroupSize;
            w.Open($"for (int gi = 0; gi < {I(l.Groups)}; gi++)");
            w.Line($"ref float xs = ref At(ref {src}, gi * {I(n)});");
            w.Line($"ref float ys = ref At(ref {dst}, gi * {I(n)});");
            w.Line("double sum = 0;");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line("sum += At(ref xs, j);");
            w.Close();
            w.Line();
            w.Line($"double mean = sum / {I(n)};");
            w.Line("double squares = 0;");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line("double dv = At(ref xs, j) - mean;");
            w.Line("squares += dv * dv;");
            w.Close();
            w.Line();
            w.Line($"float inv = (float)(1.0 / global::System.Math.Sqrt((squares / {I(n)}) + {D(l.Epsilon)}));");
            w.Line("float meanF = (float)mean;");
            if (invStd is not null)
            {
                w.Line($"At(ref {invStd}, gi) = inv;");
            }

            int whole = n / 8 * 8;
            if (whole > 0)
            {
                // Eight values at a time: the same float operations as one at a time (no fused multiply-add), so the same bits.
                w.Line("var meanV = Splat8(meanF);");
                w.Line("var invV = Splat8(inv);");
                w.Open($"for (int j = 0; j < {I(whole)}; j += 8)");
                w.Line("var h = (Load8(ref xs, j) - meanV) * invV;");
                if (xhat is not null)
                {
                    w.Line($"Store8(h, ref {xhat}, (gi * {I(n)}) + j);");
                }

                w.Line($"Store8((h * Load8(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")})) + Load8(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "j")}), ref ys, j);");
                w.Close();
            }

            if (whole < n)
            {
                w.Open($"for (int j = {I(whole)}; j < {I(n)}; j++)");
                w.Line("float h = (At(ref xs, j) - meanF) * inv;");
                if (xhat is not null)
                {
                    w.Line($"At(ref {xhat}, (gi * {I(n)}) + j) = h;");
                }

                w.Line($"At(ref ys, j) = (h * At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")})) + At(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "j")});");
                w.Close();
            }

            w.Close();
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            w.Line($"// Layer {c.Index}, layer norm \"{c.Spec.Name}\" per row (its own statistics).");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float sr = ref At(ref {src}, r * {BatchStride(src)});");
            w.Line($"ref float dr = ref At(ref {dst}, r * Stride);");
            Row(w, c, "sr", "dr", xhat: null, invStd: null);
            w.Close();
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            w.Line($"/// <summary>Layer {c.Index} normalized values (x - mean) / std of each row's groups.</summary>");
            w.Line($"private readonly float[] _xhat{c.Index};");
            w.Line($"/// <summary>Layer {c.Index} 1 / sqrt(var + eps) of each row's groups.</summary>");
            w.Line($"private readonly float[] _invStd{c.Index};");
        }

        public override IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c)
        {
            var l = (LayerNormSpec)c.Spec;
            yield return new TrainerBuffer($"_xhat{c.Index}", "float", l.InputSize);
            yield return new TrainerBuffer($"_invStd{c.Index}", "float", l.Groups);
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (LayerNormSpec)c.Spec;
            w.Line($"// Layer {c.Index}, layer norm \"{l.Name}\": as at inference (each row its own statistics), keeping xhat and 1 / std.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float sr = ref At(ref {x}, r * {I(c.InputStride)});");
            w.Line($"ref float dr = ref At(ref {y}, r * {I(c.OutputStride)});");
            w.Line($"ref float hr = ref At(ref Data(_xhat{c.Index}), r * {I(l.InputSize)});");
            w.Line($"ref float ir = ref At(ref Data(_invStd{c.Index}), r * {I(l.Groups)});");
            Row(w, c, "sr", "dr", "hr", "ir");
            w.Close();
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (LayerNormSpec)c.Spec;
            int n = l.GroupSize, size = l.InputSize;
            string ds = I(c.OutputStride);
            int weight = c.Plan.Compute("weight"), bias = c.Plan.Compute("bias");
            w.Line($"// Backward, layer {c.Index} layer norm \"{l.Name}\": dweight[j] = sum of d * xhat, dbias[j] = sum of d over rows and groups (in order);");
            w.Line("// then per row and group, with dh = d * weight: dx = invStd / n * (n * dh - sum(dh) - xhat * sum(dh * xhat)).");
            w.Line($"ref float xh = ref Data(_xhat{c.Index});");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line("double sumD = 0;");
            w.Line("double sumDH = 0;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int gi = 0; gi < {I(l.Groups)}; gi++)");
            w.Line($"float dv = At(ref {d}, (r * {ds}) + (gi * {I(n)}) + j);");
            w.Line("sumD += dv;");
            w.Line($"sumDH += (double)dv * At(ref xh, (r * {I(size)}) + (gi * {I(n)}) + j);");
            w.Close();
            w.Close();
            w.Line();
            w.Line($"At(ref g, {VectorKernel.Index(weight, "j")}) = (float)sumDH;");
            w.Line($"At(ref g, {VectorKernel.Index(bias, "j")}) = (float)sumD;");
            w.Close();
            if (!needInput)
            {
                return false;
            }

            w.Line();
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int gi = 0; gi < {I(l.Groups)}; gi++)");
            w.Line($"ref float dg = ref At(ref {d}, (r * {ds}) + (gi * {I(n)}));");
            w.Line($"ref float hg = ref At(ref xh, (r * {I(size)}) + (gi * {I(n)}));");
            w.Line("double s1 = 0;");
            w.Line("double s2 = 0;");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line($"double dh = (double)At(ref dg, j) * At(ref p, {VectorKernel.Index(weight, "j")});");
            w.Line("s1 += dh;");
            w.Line("s2 += dh * At(ref hg, j);");
            w.Close();
            w.Line();
            w.Line($"double scale = (double)At(ref Data(_invStd{c.Index}), (r * {I(l.Groups)}) + gi) / {I(n)};");
            w.Open($"for (int j = 0; j < {I(n)}; j++)");
            w.Line($"double dh = (double)At(ref dg, j) * At(ref p, {VectorKernel.Index(weight, "j")});");
            w.Line($"At(ref dg, j) = (float)(scale * (({I(n)} * dh) - s1 - (At(ref hg, j) * s2)));");
            w.Close();
            w.Close();
            w.Close();
            return false;
        }
    }
}
