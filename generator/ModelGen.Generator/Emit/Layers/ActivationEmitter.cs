using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>Element-wise activations: fused as the last epilogue of a step at inference; derivatives written from the output.</summary>
    internal sealed class ActivationEmitter : LayerEmitter
    {
        public static ActivationEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer)
        {
            var l = (ActivationSpec)layer;
            return l.Function == ActivationFunction.LeakyReLU
                ? $"{I(l.Index)}: leaky ReLU (alpha {D(l.Alpha)})"
                : $"{I(l.Index)}: {l.Function.ToString().ToLowerInvariant()}";
        }

        public override string DescribeInference(LayerSpec layer)
        {
            var l = (ActivationSpec)layer;
            string what = l.Function switch
            {
                ActivationFunction.ReLU => "ReLU: z = max(z, 0)",
                ActivationFunction.LeakyReLU => $"leaky ReLU: z = z > 0 ? z : {D(l.Alpha)} * z",
                ActivationFunction.Sigmoid => "sigmoid: z = 1 / (1 + exp(-z))",
                ActivationFunction.GELU => "GELU: z = z * (1 + erf(z / sqrt(2))) / 2",
                _ => "tanh: z = tanh(z)",
            };
            return $"layer {I(l.Index)}, {what}";
        }

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (ActivationSpec)c.Spec;
            return Description(c, "ActivationDescription", $"Function: global::ModelGen.ActivationFunction.{l.Function}, Alpha: {D(l.Alpha)}");
        }

        public override string EpilogueStatement(LayerContext c, string z, string j) => Statement((ActivationSpec)c.Spec, z);

        public override string? VectorEpilogue(LayerContext c, Kernels.Width width, string z, string lane)
        {
            var l = (ActivationSpec)c.Spec;
            return l.Function switch
            {
                ActivationFunction.ReLU => $"{z} = Relu{width.S}({z});",
                ActivationFunction.LeakyReLU => $"{z} = LeakyRelu{width.S}({z}, {F(l.Alpha)});",
                _ => null,
            };
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            w.Line($"// Layer {c.Index}, {c.Spec.KindName}, element-wise.");
            Loop(w, c, src, BatchStride(src), dst, "Stride");
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (ActivationSpec)c.Spec;
            string described = Describe(c.Spec);
            w.Line($"// Layer {c.Index}, {described.Substring(described.IndexOf(':') + 2)}, element-wise.");
            int f = l.OutputSize, f8 = f / 8 * 8;
            string? vector = l.Function switch
            {
                ActivationFunction.ReLU => "Relu8(z)",
                ActivationFunction.LeakyReLU => $"LeakyRelu8(z, {F(l.Alpha)})",
                _ => null,
            };
            if (vector is null || f8 == 0)
            {
                Loop(w, c, x, I(c.InputStride), y, I(c.OutputStride));
                return;
            }

            // 8 features at a time, then the remaining features one by one (each lane the scalar operation).
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(f8)}; j += 8)");
            w.Line($"var z = Load8(ref {x}, (r * {I(c.InputStride)}) + j);");
            w.Line($"Store8({vector}, ref {y}, (r * {I(c.OutputStride)}) + j);");
            w.Close();
            if (f8 < f)
            {
                w.Open($"for (int j = {I(f8)}; j < {I(f)}; j++)");
                w.Line($"float z = At(ref {x}, (r * {I(c.InputStride)}) + j);");
                w.Line(Statement(l, "z"));
                w.Line($"At(ref {y}, (r * {I(c.OutputStride)}) + j) = z;");
                w.Close();
            }

            w.Close();
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (ActivationSpec)c.Spec;
            int f = l.OutputSize, f8 = f / 8 * 8;
            if (l.Function == ActivationFunction.GELU)
            {
                // GELU's derivative is not a function of its output: it is written from the input x.
                w.Line($"// Backward, layer {c.Index} GELU: d *= Phi(x) + x * phi(x), from the input x.");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Open($"for (int j = 0; j < {I(f)}; j++)");
                w.Line($"At(ref {d}, (r * {I(c.OutputStride)}) + j) *= GeluDerivative(At(ref {x}, (r * {I(c.InputStride)}) + j));");
                w.Close();
                w.Close();
                return false;
            }

            w.Line($"// Backward, layer {c.Index} {c.Spec.KindName}: d *= f'(x), written from the output y{(f8 > 0 ? ", 8 features at a time, then one by one" : string.Empty)}.");
            w.Open("for (int r = 0; r < rows; r++)");
            if (f8 > 0)
            {
                w.Open($"for (int j = 0; j < {I(f8)}; j += 8)");
                w.Line($"int i = (r * {I(c.OutputStride)}) + j;");
                w.Line($"var yi = Load8(ref {y}, i);");
                w.Line($"Store8(Load8(ref {d}, i) * {VectorDerivative(l, "yi")}, ref {d}, i);");
                w.Close();
            }

            if (f8 < f)
            {
                w.Open($"for (int j = {I(f8)}; j < {I(f)}; j++)");
                w.Line($"int i = (r * {I(c.OutputStride)}) + j;");
                w.Line($"float yi = At(ref {y}, i);");
                w.Line($"At(ref {d}, i) *= {Derivative(l, "yi")};");
                w.Close();
            }

            w.Close();
            return false;
        }

        /// <summary>The vector form of <see cref="Derivative"/>: the same operations in every lane.</summary>
        private static string VectorDerivative(ActivationSpec l, string y) => l.Function switch
        {
            ActivationFunction.ReLU => $"ReluDerivative8({y})",
            ActivationFunction.LeakyReLU => $"LeakyReluDerivative8({y}, {F(l.Alpha)})",
            ActivationFunction.Sigmoid => $"({y} * (Splat8(1f) - {y}))",
            _ => $"(Splat8(1f) - ({y} * {y}))",
        };

        /// <summary>The statement that applies the activation to the float local <paramref name="v"/>.</summary>
        private static string Statement(ActivationSpec l, string v) => l.Function switch
        {
            ActivationFunction.ReLU => $"{v} = global::System.MathF.Max({v}, 0f);",
            ActivationFunction.LeakyReLU => $"{v} = {v} > 0f ? {v} : {F(l.Alpha)} * {v};",
            ActivationFunction.Sigmoid => $"{v} = 1f / (1f + global::System.MathF.Exp(-{v}));",
            ActivationFunction.GELU => $"{v} = Gelu({v});",
            _ => $"{v} = global::System.MathF.Tanh({v});",
        };

        /// <summary>The derivative written from the output <paramref name="y"/>.</summary>
        private static string Derivative(ActivationSpec l, string y) => l.Function switch
        {
            ActivationFunction.ReLU => $"({y} > 0f ? 1f : 0f)",
            ActivationFunction.LeakyReLU => $"({y} > 0f ? 1f : {F(l.Alpha)})",
            ActivationFunction.Sigmoid => $"({y} * (1f - {y}))",
            _ => $"(1f - ({y} * {y}))",
        };

        private static void Loop(SourceWriter w, LayerContext c, string src, string srcStride, string dst, string dstStride)
        {
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(c.Spec.OutputSize)}; j++)");
            w.Line($"float z = At(ref {src}, (r * {srcStride}) + j);");
            w.Line(Statement((ActivationSpec)c.Spec, "z"));
            w.Line($"At(ref {dst}, (r * {dstStride}) + j) = z;");
            w.Close();
            w.Close();
        }
    }
}
