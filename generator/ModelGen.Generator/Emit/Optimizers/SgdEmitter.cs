using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Optimizers
{
    /// <summary>SGD with Keras semantics: <c>lr_t = lr / (1 + decay * iterations)</c>, momentum <c>v = m v - lr_t g</c>, Nesterov.</summary>
    internal sealed class SgdEmitter : OptimizerEmitter
    {
        public static SgdEmitter Instance { get; } = new();

        protected override bool FirstMoment(OptimizerSpec spec) => ((SgdSpec)spec).Momentum > 0;

        protected override bool SecondMoment(OptimizerSpec spec) => false;

        // Keras's velocity (v = momentum v - lr g) is not PyTorch's momentum_buffer (b = momentum b + g), so it keeps its own name.
        protected override (string Field, string Name)[] Moments(OptimizerSpec spec) =>
            FirstMoment(spec) ? new[] { ("_moment1", "velocity") } : System.Array.Empty<(string, string)>();

        protected override string Description(OptimizerSpec spec)
        {
            var o = (SgdSpec)spec;
            return $"SGD(lr {D(o.LearningRate)}, momentum {D(o.Momentum)}, nesterov {(o.Nesterov ? "true" : "false")}, decay {D(o.Decay)}, weight decay {D(o.WeightDecay)})";
        }

        protected override string Expression(OptimizerSpec spec)
        {
            var o = (SgdSpec)spec;
            return Positional("Sgd", o, momentum: o.Momentum, nesterov: o.Nesterov, decay: o.Decay);
        }

        protected override void Fields(SourceWriter w, OptimizerSpec spec)
        {
            if (FirstMoment(spec))
            {
                w.Line("/// <summary>SGD velocities (Keras form: v = momentum * v - lr * g).</summary>");
                w.Line("private readonly float[] _moment1 = new float[ComputeCount];");
            }
        }

        protected override void Update(SourceWriter w, OptimizerSpec spec, string grad)
        {
            var o = (SgdSpec)spec;
            if (o.Decay > 0)
            {
                w.Line($"// SGD, Keras semantics: lr_t = LearningRate / (1 + {D(o.Decay)} * iterations) (LearningRate starts at {D(o.LearningRate)}).");
                w.Line($"float lr = (float)(_learningRate / (1.0 + ({D(o.Decay)} * _iterations)));");
            }
            else
            {
                w.Line($"// SGD: lr_t = LearningRate (starts at {D(o.LearningRate)}; Fit's schedule or the caller may change it between steps).");
                w.Line("float lr = (float)_learningRate;");
            }

            if (o.Momentum > 0)
            {
                w.Line(o.Nesterov
                    ? $"// Nesterov momentum {D(o.Momentum)}: v = {D(o.Momentum)} * v - lr_t * g; p += {D(o.Momentum)} * v - lr_t * g."
                    : $"// Momentum {D(o.Momentum)}: v = {D(o.Momentum)} * v - lr_t * g; p += v.");
            }
            else
            {
                w.Line("// p -= lr_t * g.");
            }

            if (o.WeightDecay > 0)
            {
                w.Line($"// Weight decay {D(o.WeightDecay)}: g = g + {D(o.WeightDecay)} * p.");
            }

            w.Line("// Vector main loop, then the scalar remainder: the same operations element by element.");
            w.Line("var lr8 = Splat8(lr);");
            if (o.Momentum > 0)
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
            if (o.Momentum > 0)
            {
                w.Line("var v = (momentum8 * Load8(ref m1, i)) - (lr8 * gi);");
                w.Line("Store8(v, ref m1, i);");
                w.Line(o.Nesterov ? "Store8(Load8(ref p, i) + ((momentum8 * v) - (lr8 * gi)), ref p, i);" : "Store8(Load8(ref p, i) + v, ref p, i);");
            }
            else
            {
                w.Line("Store8(Load8(ref p, i) - (lr8 * gi), ref p, i);");
            }

            w.Close();
            w.Line();
            w.Open("for (; i < end; i++)");
            w.Line($"float gi = {grad};");
            if (o.Momentum > 0)
            {
                w.Line($"float v = ({F(o.Momentum)} * At(ref m1, i)) - (lr * gi);");
                w.Line("At(ref m1, i) = v;");
                w.Line(o.Nesterov ? $"At(ref p, i) += ({F(o.Momentum)} * v) - (lr * gi);" : "At(ref p, i) += v;");
            }
            else
            {
                w.Line("At(ref p, i) -= lr * gi;");
            }

            w.Close();
        }
    }
}
