using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Optimizers
{
    /// <summary>Adam in PyTorch's form (bias corrections folded into the step size and the denominator).</summary>
    internal sealed class AdamEmitter : OptimizerEmitter
    {
        public static AdamEmitter Instance { get; } = new();

        protected override bool CoupledWeightDecay(OptimizerSpec spec) => !((AdamSpec)spec).Decoupled;

        protected override bool FirstMoment(OptimizerSpec spec) => true;

        protected override bool SecondMoment(OptimizerSpec spec) => true;

        protected override (string Field, string Name)[] Moments(OptimizerSpec spec) => new[] { ("_moment1", "exp_avg"), ("_moment2", "exp_avg_sq") };

        protected override string Description(OptimizerSpec spec)
        {
            var o = (AdamSpec)spec;
            return $"{o.KindName}(lr {D(o.LearningRate)}, betas ({D(o.Beta1)}, {D(o.Beta2)}), eps {D(o.Epsilon)}, {(o.Decoupled ? "decoupled " : string.Empty)}weight decay {D(o.WeightDecay)})";
        }

        protected override string Expression(OptimizerSpec spec)
        {
            var o = (AdamSpec)spec;
            return Positional(o.KindName, o, beta1: o.Beta1, beta2: o.Beta2, epsilon: o.Epsilon);
        }

        protected override void Fields(SourceWriter w, OptimizerSpec spec)
        {
            w.Line("/// <summary>Adam first-moment estimates.</summary>");
            w.Line("private readonly float[] _moment1 = new float[ComputeCount];");
            w.Line("/// <summary>Adam second-moment estimates.</summary>");
            w.Line("private readonly float[] _moment2 = new float[ComputeCount];");
        }

        protected override void Update(SourceWriter w, OptimizerSpec spec, string grad)
        {
            var o = (AdamSpec)spec;
            w.Line($"// {o.KindName} (PyTorch form): m = {D(o.Beta1)} m + {D(1 - o.Beta1)} g; v = {D(o.Beta2)} v + {D(1 - o.Beta2)} g^2;");
            w.Line($"// p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + {D(o.Epsilon)}), with t = iterations + 1 and lr = LearningRate (starts at {D(o.LearningRate)}).");
            bool decoupled = o.Decoupled && o.WeightDecay > 0;
            bool coupled = !o.Decoupled && o.WeightDecay > 0;
            if (coupled)
            {
                w.Line($"// Weight decay {D(o.WeightDecay)}: g = g + {D(o.WeightDecay)} * p.");
            }

            if (decoupled)
            {
                w.Line($"// Decoupled weight decay (AdamW) first: p = p * (1 - lr * {D(o.WeightDecay)}); the gradient has no decay term.");
                w.Line($"float keep = (float)(1.0 - (_learningRate * {D(o.WeightDecay)}));");
                w.Line("var keep8 = Splat8(keep);");
            }

            w.Line("long step = _iterations + 1;");
            w.Line($"float stepSize = (float)(_learningRate / (1.0 - global::System.Math.Pow({D(o.Beta1)}, step)));");
            w.Line($"float correction2Sqrt = (float)global::System.Math.Sqrt(1.0 - global::System.Math.Pow({D(o.Beta2)}, step));");
            w.Line("// Vector main loop, then the scalar remainder: the same operations element by element.");
            w.Line($"var beta1 = Splat8({F(o.Beta1)});");
            w.Line($"var oneMinusBeta1 = Splat8({F(1 - o.Beta1)});");
            w.Line($"var beta2 = Splat8({F(o.Beta2)});");
            w.Line($"var oneMinusBeta2 = Splat8({F(1 - o.Beta2)});");
            w.Line("var stepSize8 = Splat8(stepSize);");
            w.Line("var correction2Sqrt8 = Splat8(correction2Sqrt);");
            w.Line($"var epsilon8 = Splat8({F(o.Epsilon)});");
            if (coupled)
            {
                w.Line($"var decay8 = Splat8({F(o.WeightDecay)});");
            }

            string pv = decoupled ? "(Load8(ref p, i) * keep8)" : "Load8(ref p, i)";
            w.Line("int i = start;");
            w.Open($"for (; i + {I(VectorKernel.Lanes)} <= end; i += {I(VectorKernel.Lanes)})");
            w.Line(coupled ? "var gi = Load8(ref g, i) + (decay8 * Load8(ref p, i));" : "var gi = Load8(ref g, i);");
            w.Line("var m = (beta1 * Load8(ref m1, i)) + (oneMinusBeta1 * gi);");
            w.Line("var v = (beta2 * Load8(ref m2, i)) + ((oneMinusBeta2 * gi) * gi);");
            w.Line("Store8(m, ref m1, i);");
            w.Line("Store8(v, ref m2, i);");
            w.Line($"Store8({pv} - (stepSize8 * (m / ((global::System.Runtime.Intrinsics.Vector256.Sqrt(v) / correction2Sqrt8) + epsilon8))), ref p, i);");
            w.Close();
            w.Line();
            w.Open("for (; i < end; i++)");
            w.Line($"float gi = {grad};");
            w.Line($"float m = ({F(o.Beta1)} * At(ref m1, i)) + ({F(1 - o.Beta1)} * gi);");
            w.Line($"float v = ({F(o.Beta2)} * At(ref m2, i)) + ({F(1 - o.Beta2)} * gi * gi);");
            w.Line("At(ref m1, i) = m;");
            w.Line("At(ref m2, i) = v;");
            if (decoupled)
            {
                w.Line("At(ref p, i) *= keep;");
            }

            w.Line($"At(ref p, i) -= stepSize * (m / ((global::System.MathF.Sqrt(v) / correction2Sqrt) + {F(o.Epsilon)}));");
            w.Close();
        }
    }
}
