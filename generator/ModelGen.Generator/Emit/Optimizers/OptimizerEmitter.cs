using System;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Optimizers
{
    /// <summary>
    /// Generates one optimizer kind: its trainer fields (moments), its update over every parameter, and its description.
    /// The update is a vector main loop over <c>ComputeCount</c> (the compute layout) and a scalar remainder doing the same operations
    /// element by element, so every parameter gets the same arithmetic wherever it sits.
    /// </summary>
    internal abstract class OptimizerEmitter
    {
        /// <summary>The emitter of an optimizer spec.</summary>
        public static OptimizerEmitter For(Model.OptimizerSpec spec) => spec switch
        {
            Model.SgdSpec => SgdEmitter.Instance,
            Model.AdamSpec => AdamEmitter.Instance,
            Model.RmsPropSpec => RmsPropEmitter.Instance,
            _ => throw new InvalidOperationException("No emitter for " + spec.GetType().Name),
        };

        /// <summary>The optimizer as the generated docs describe it.</summary>
        public static string Describe(Model.OptimizerSpec spec) => For(spec).Description(spec);

        /// <summary>The <c>OptimizerDescription</c> expression.</summary>
        public static string DescriptionExpression(Model.OptimizerSpec spec) => For(spec).Expression(spec);

        /// <summary>The trainer's optimizer-state fields.</summary>
        public static void EmitFields(SourceWriter w, Model.OptimizerSpec spec) => For(spec).Fields(w, spec);

        /// <summary>
        /// From this many parameters on the update is split over the cores: it is a few loads and stores per element, so a
        /// smaller update takes about as long as the hand-off to the workers. On the benchmark MLP (236,682 floats) splitting
        /// the update and the divergence scan took about 5% off TrainStep(64) on two cores (docs/benchmarks.md).
        /// </summary>
        public const int ParallelElements = 32768;

        /// <summary>
        /// The trainer's <c>ApplyOptimizer</c>: every element on its own, so a large model splits the elements over the cores
        /// in ranges of 64 (each element's arithmetic unchanged); <c>ApplyOptimizer(start, end)</c> updates one range.
        /// </summary>
        public static void EmitUpdate(SourceWriter w, Model.OptimizerSpec spec, int computeCount)
        {
            var emitter = For(spec);
            var members = w.Fork();
            w.Line("/// <summary>Applies one optimizer update to every parameter from <see cref=\"Gradients\"/>.</summary>");
            w.Open("private void ApplyOptimizer()");
            if (computeCount >= ParallelElements)
            {
                w.Line("// Each element is updated on its own: the elements split over the cores in ranges of 64.");
                ParallelSplit.EmitOverElements(w, members, 64, "ApplyOptimizer", "s_applyOptimizer", "One thread's part of <see cref=\"ApplyOptimizer()\"/>: the elements from <c>start</c> to <c>end</c>.");
            }
            else
            {
                w.Line("ApplyOptimizer(0, ComputeCount);");
            }

            w.Close();
            w.Line();
            w.Append(members);

            w.Line("/// <summary>Applies the optimizer update to the elements from <paramref name=\"start\"/> to <paramref name=\"end\"/> of the compute layout.</summary>");
            w.Open("private void ApplyOptimizer(int start, int end)");
            w.Line("ref float p = ref Data(_model._compute);");
            w.Line("ref float g = ref Data(_gradients);");
            if (emitter.FirstMoment(spec))
            {
                w.Line("ref float m1 = ref Data(_moment1);");
            }

            if (emitter.SecondMoment(spec))
            {
                w.Line("ref float m2 = ref Data(_moment2);");
            }

            string grad = spec.WeightDecay > 0 && emitter.CoupledWeightDecay(spec) ? $"At(ref g, i) + ({F(spec.WeightDecay)} * At(ref p, i))" : "At(ref g, i)";
            emitter.Update(w, spec, grad);
            w.Close();
            w.Line();
        }

        /// <summary>The optimizer's state arrays (trainer fields) with the names checkpoints give them (PyTorch's, where they mean the same).</summary>
        public static (string Field, string Name)[] StateArrays(Model.OptimizerSpec spec) => For(spec).Moments(spec);

        /// <summary>The optimizer's state arrays with their checkpoint names.</summary>
        protected abstract (string Field, string Name)[] Moments(Model.OptimizerSpec spec);

        /// <summary>Whether weight decay is L2 added to the gradient (true) or applied to the parameters apart from it (AdamW).</summary>
        protected virtual bool CoupledWeightDecay(Model.OptimizerSpec spec) => true;

        /// <summary>Whether the optimizer keeps <c>_moment1</c>.</summary>
        protected abstract bool FirstMoment(Model.OptimizerSpec spec);

        /// <summary>Whether the optimizer keeps <c>_moment2</c>.</summary>
        protected abstract bool SecondMoment(Model.OptimizerSpec spec);

        protected abstract string Description(Model.OptimizerSpec spec);

        protected abstract string Expression(Model.OptimizerSpec spec);

        protected abstract void Fields(SourceWriter w, Model.OptimizerSpec spec);

        /// <summary>The body of the update; <paramref name="grad"/> is the scalar gradient expression of element <c>i</c> (weight decay included).</summary>
        protected abstract void Update(SourceWriter w, Model.OptimizerSpec spec, string grad);

        /// <summary>The positional <c>OptimizerDescription</c>.</summary>
        protected static string Positional(string type, Model.OptimizerSpec o, double momentum = 0, bool nesterov = false, double decay = 0, double beta1 = 0, double beta2 = 0, double epsilon = 0, double alpha = 0) =>
            $"new global::ModelGen.OptimizerDescription(global::ModelGen.OptimizerType.{type}, {D(o.LearningRate)}, {D(momentum)}, {(nesterov ? "true" : "false")}, {D(decay)}, {D(beta1)}, {D(beta2)}, {D(epsilon)}, {D(o.WeightDecay)}{(alpha != 0 ? ", " + D(alpha) : string.Empty)})";
    }
}
