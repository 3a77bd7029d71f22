using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Optimizers
{
    /// <summary>
    /// RMSprop in PyTorch's form, not centered: <c>v = alpha v + (1 - alpha) g^2</c>, <c>avg = sqrt(v) + eps</c>, then
    /// <c>p -= lr g / avg</c>, or with momentum <c>b = momentum b + g / avg</c>, <c>p -= lr b</c>.
    /// </summary>
    internal sealed class RmsPropEmitter : OptimizerEmitter
    {
        public static RmsPropEmitter Instance { get; } = new();

        protected override bool FirstMoment(OptimizerSpec spec) => ((RmsPropSpec)spec).Momentum > 0;

        protected override bool SecondMoment(OptimizerSpec spec) => true;

        protected override (string Field, string Name)[] Moments(OptimizerSpec spec) =>
            FirstMoment(spec) ? new[] { ("_moment2", "square_avg"), ("_moment1", "momentum_buffer") } : new[] { ("_moment2", "square_avg") };

        protected override string Description(OptimizerSpec spec)
        {
            var o = (RmsPropSpec)spec;
            return $"RMSprop(lr {D(o.LearningRate)}, alpha {D(o.Alpha)}, eps {D(o.Epsilon)}, momentum {D(o.Momentum)}, weight decay {D(o.WeightDecay)})";
        }

        protected override string Expression(OptimizerSpec spec)
        {
            var o = (RmsPropSpec)spec;
            return Positional("RmsProp", o, momentum: o.Momentum, epsilon: o.Epsilon, alpha: o.Alpha);
        }

        protected override void Fields(SourceWriter w, OptimizerSpec spec)
        {
            if (FirstMoment(spec))
            {
                w.Line("/// <summary>RMSprop momentum buffers (b = momentum * b + g / (sqrt(v) + eps)).</summary>");
                w.Line("private readonly float[] _moment1 = new float[ComputeCount];");
            }

            w.Line("/// <summary>RMSprop running averages of the squared gradients.</summary>");
            w.Line("private readonly float[] _moment2 = new float[ComputeCount];");
        }

        protected override void Update(SourceWriter w, OptimizerSpec spec, string grad)
        {
            var o = (RmsPropSpec)spec;
            bool momentum = o.Momentum > 0;
            w.Line($"// RMSprop (PyTorch form, not centered): v = {D(o.Alpha)} v + {D(1 - o.Alpha)} g^2; avg = sqrt(v) + {D(o.Epsilon)};");
            w.Line(momentum
                ? $"// b = {D(o.Momentum)} b + g / avg; p -= lr * b, with lr = LearningRate (starts at {D(o.LearningRate)})."
                : $"// p -= lr * g / avg, with lr = LearningRate (starts at {D(o.LearningRate)}).");
            if (o.WeightDecay > 0)
            {
                w.Line($"// Weight decay {D(o.WeightDecay)}: g = g + {D(o.WeightDecay)} * p.");
            }

            w.Line("float lr = (float)_learningRate;");
            w.Line("// Vector main loop, then the scalar remainder: the same operations element by element.");
            w.Line("var lr8 = Splat8(lr);");
            w.Line($"var alpha8 = Splat8({F(o.Alpha)});");
            w.Line($"var oneMinusAlpha8 = Splat8({F(1 - o.Alpha)});");
            w.Line($"var epsilon8 = Splat8({F(o.Epsilon)});");
            if (momentum)
            {
                w.Line($"var momentum8 = Splat8({F(o.Momentum)});");
            }

            if (o.WeightDecay > 0)
            {
                w.Line($"var decay8 = Splat8({F(o.WeightDecay)});");
            }

            w.Line("int i = start;");
            w.Open($"for (; i + {I(VectorKernel.Lanes)} <= end; i += {I(VectorKernel.Lanes)})");
            w.Line(o.WeightDecay > 0 ? "var gi = Load8(ref g, i) + (decay8 * Load8(ref p, i));" : "var gi = Load8(ref g, i);");
            w.Line("var v = (alpha8 * Load8(ref m2, i)) + ((oneMinusAlpha8 * gi) * gi);");
            w.Line("Store8(v, ref m2, i);");
            w.Line("var avg = global::System.Runtime.Intrinsics.Vector256.Sqrt(v) + epsilon8;");
            if (momentum)
            {
                w.Line("var b = (momentum8 * Load8(ref m1, i)) + (gi / avg);");
                w.Line("Store8(b, ref m1, i);");
                w.Line("Store8(Load8(ref p, i) - (lr8 * b), ref p, i);");
            }
            else
            {
                w.Line("Store8(Load8(ref p, i) - (lr8 * (gi / avg)), ref p, i);");
            }

            w.Close();
            w.Line();
            w.Open("for (; i < end; i++)");
            w.Line($"float gi = {grad};");
            w.Line($"float v = ({F(o.Alpha)} * At(ref m2, i)) + ({F(1 - o.Alpha)} * gi * gi);");
            w.Line("At(ref m2, i) = v;");
            w.Line($"float avg = global::System.MathF.Sqrt(v) + {F(o.Epsilon)};");
            if (momentum)
            {
                w.Line($"float b = ({F(o.Momentum)} * At(ref m1, i)) + (gi / avg);");
                w.Line("At(ref m1, i) = b;");
                w.Line("At(ref p, i) -= lr * b;");
            }
            else
            {
                w.Line("At(ref p, i) -= lr * (gi / avg);");
            }

            w.Close();
        }
    }
}
