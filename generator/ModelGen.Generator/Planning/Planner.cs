using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Planning
{
    /// <summary>
    /// Turns a declaration into a <see cref="ModelPlan"/>: tensor layout, fusion of layers into inference steps, buffer
    /// assignment and workspace sizes. Reads only the specs' facts (roles, tensors, sizes), never a layer kind by name.
    /// </summary>
    internal static class Planner
    {
        /// <summary>Rows per block in <c>PredictBatch</c> and in the trainer's dense kernels (the register tile's rows).</summary>
        public const int BlockRows = 6;

        public static ModelPlan Plan(ModelSpec spec)
        {
            var layers = new List<LayerPlan>();
            var tensors = new List<TensorPlan>();
            int parameters = 0, compute = 0, state = 0, counters = 0, derived = 0;
            foreach (var l in spec.Layers)
            {
                int layerParameters = parameters, layerState = state, layerCounters = counters;
                var own = new List<TensorPlan>();
                foreach (var t in l.Tensors)
                {
                    int size = (int)t.Elements;
                    int offset;
                    switch (t.Storage)
                    {
                        case TensorStorageKind.Parameters:
                            offset = parameters;
                            parameters += size;
                            break;
                        case TensorStorageKind.State:
                            offset = state;
                            state += size;
                            break;
                        default:
                            offset = counters;
                            counters += size;
                            break;
                    }

                    bool parameter = t.Storage == TensorStorageKind.Parameters;
                    var plan = new TensorPlan(l.Name + "." + t.Suffix, t.Suffix, t.Shape, t.Storage, offset, parameter ? compute : offset, t.Panels);
                    if (parameter)
                    {
                        compute += plan.ComputeSize;
                    }

                    own.Add(plan);
                }

                bool hasState = l.Tensors.Any(t => t.Storage == TensorStorageKind.State);
                bool hasCounters = l.Tensors.Any(t => t.Storage == TensorStorageKind.Counters);
                layers.Add(new LayerPlan(
                    layerParameters,
                    hasState ? layerState : 0,
                    hasCounters ? layerCounters : 0,
                    l.DerivedConstants > 0 ? derived : 0,
                    own.ToEquatableArray(),
                    HeInitialization(spec, l.Index)));
                derived += l.DerivedConstants;
                tensors.AddRange(own);
            }

            var inference = PlanInference(spec);
            TrainingPlan? training = null;
            if (spec.HasTraining)
            {
                var first = spec.Layers.FirstOrDefault(l => l.HasParameters);
                training = new TrainingPlan(
                    RowWidth(spec),
                    spec.Layers.Any(l => l.UsesBatchStatisticsInTraining) ? 2 : 1,
                    first?.Index ?? -1,
                    spec.Loss != LossKindSpec.MeanSquaredError);
            }

            return new ModelPlan(spec, layers.ToEquatableArray(), tensors.ToEquatableArray(), parameters, compute, state, counters, derived, inference, training);
        }

        /// <summary>The widest tensor of one row anywhere in the network (the input or any layer's output).</summary>
        private static int RowWidth(ModelSpec spec) => System.Math.Max(spec.InputSize, spec.Layers.Max(l => l.OutputSize));

        /// <summary>Whether the first layer after a producer that is neither affine nor the identity prefers He initialization.</summary>
        private static bool HeInitialization(ModelSpec spec, int index)
        {
            if (spec.Layers[index].Role != InferenceRole.Producer)
            {
                return false;
            }

            for (int i = index + 1; i < spec.Layers.Count; i++)
            {
                var next = spec.Layers[i];
                if (next.Role is InferenceRole.Affine or InferenceRole.Identity)
                {
                    continue;
                }

                return next.PrefersHeInitialization;
            }

            return false;
        }

        /// <summary>
        /// Fuses layers into steps: a producer or a per-feature layer starts a step; affine and element-wise layers that
        /// follow join it, each stage (affine, then element-wise) at most once and in that order; a row operation is a
        /// step of its own; identity layers vanish. Then assigns buffers: the input <c>x</c>, ping-pong buffers <c>a</c>
        /// and <c>b</c> (a producer cannot write over its input; per-feature and row steps work in place), and the
        /// output <c>y</c> for the last step.
        /// </summary>
        private static InferencePlan PlanInference(ModelSpec spec)
        {
            var identity = spec.Layers.Where(l => l.Role == InferenceRole.Identity).Select(l => l.Index).ToEquatableArray();
            if (spec.BatchModeInference)
            {
                return new InferencePlan(true, EquatableArray<InferenceStep>.Empty, identity, 1, 0, RowWidth(spec), HeapWorkspace: false);
            }

            var active = spec.Layers.Where(l => l.Role != InferenceRole.Identity).ToList();
            var groups = new List<(StepKind Kind, List<LayerSpec> Layers)>();
            for (int i = 0; i < active.Count; i++)
            {
                var head = active[i];
                if (head.Role == InferenceRole.Row)
                {
                    groups.Add((StepKind.Row, new List<LayerSpec> { head }));
                    continue;
                }

                var members = new List<LayerSpec> { head };
                int stage = Stage(head.Role);
                while (i + 1 < active.Count && active[i + 1].Role is InferenceRole.Affine or InferenceRole.Elementwise && Stage(active[i + 1].Role) > stage)
                {
                    stage = Stage(active[++i].Role);
                    members.Add(active[i]);
                }

                groups.Add((head.Role == InferenceRole.Producer ? StepKind.Producer : StepKind.Elementwise, members));
            }

            var steps = new List<InferenceStep>();
            string current = "x";
            for (int s = 0; s < groups.Count; s++)
            {
                var (kind, members) = groups[s];
                string destination = s == groups.Count - 1 ? "y" : kind == StepKind.Producer ? (current == "a" ? "b" : "a") : (current == "x" ? "a" : current);
                steps.Add(new InferenceStep(kind, members.Select(m => m.Index).ToEquatableArray(), current, destination, members[0].OutputSize));
                current = destination;
            }

            int width = Limits.Pad(steps.Count == 0 ? 1 : steps.Max(s => s.Size));
            int blockRows = spec.Layers.Any(l => LayerCatalog.EmitterFor(l).SharesLoadsAcrossRows(l)) ? BlockRows : 0;
            bool buffers = steps.Any(s => s.Destination is "a" or "b");
            bool heap = buffers && 2L * System.Math.Max(1, blockRows) * width * sizeof(float) > Limits.StackBytes;
            return new InferencePlan(false, steps.ToEquatableArray(), identity, width, blockRows, RowWidth(spec), heap);
        }

        private static int Stage(InferenceRole role) => role switch
        {
            InferenceRole.Producer => 0,
            InferenceRole.Affine => 1,
            _ => 2,
        };
    }
}
