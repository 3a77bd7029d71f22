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

        /// <summary>
        /// Whether the first layer after a producer that is neither affine nor the identity prefers He initialization,
        /// following the data: from each layer to the first later layer that reads it (in a straight stack, the next one).
        /// </summary>
        private static bool HeInitialization(ModelSpec spec, int index)
        {
            if (spec.Layers[index].Role != InferenceRole.Producer)
            {
                return false;
            }

            int current = index;
            while (true)
            {
                var next = spec.Layers.FirstOrDefault(l => l.Index > current && l.Inputs.Contains(current));
                if (next is null)
                {
                    return false;
                }

                if (next.Role is not (InferenceRole.Affine or InferenceRole.Identity))
                {
                    return next.PrefersHeInitialization;
                }

                current = next.Index;
            }
        }

        /// <summary>
        /// Fuses layers into steps: a producer or a per-feature layer starts a step; affine and element-wise layers that
        /// follow join it, each stage (affine, then element-wise) at most once and in that order, as long as each reads the
        /// step's last layer and nothing else reads that layer's output; a row operation is a step of its own; identity
        /// layers vanish (a reader of one reads what it reads). Then assigns buffers (<see cref="AssignBuffers"/>).
        /// </summary>
        private static InferencePlan PlanInference(ModelSpec spec)
        {
            var identity = spec.Layers.Where(l => l.Role == InferenceRole.Identity).Select(l => l.Index).ToEquatableArray();
            if (spec.BatchModeInference)
            {
                return new InferencePlan(true, EquatableArray<InferenceStep>.Empty, identity, 1, 0, RowWidth(spec), HeapWorkspace: false);
            }

            var graph = new InferenceGraph(spec);
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
                bool epilogues = head is not MergeSpec { Elementwise: false };
                while (epilogues && i + 1 < active.Count && active[i + 1].Role is InferenceRole.Affine or InferenceRole.Elementwise && Stage(active[i + 1].Role) > stage
                    && graph.OnlyReaderIs(active[i].Index, active[i + 1]))
                {
                    stage = Stage(active[++i].Role);
                    members.Add(active[i]);
                }

                var kind = head.Role switch
                {
                    InferenceRole.Producer => StepKind.Producer,
                    InferenceRole.Merge => StepKind.Merge,
                    _ => StepKind.Elementwise,
                };
                groups.Add((kind, members));
            }

            var steps = AssignBuffers(graph, groups);
            int width = Limits.Pad(steps.Count == 0 ? 1 : steps.Max(s => s.Size));
            int blockRows = spec.Layers.Any(l => LayerCatalog.EmitterFor(l).SharesLoadsAcrossRows(l)) ? BlockRows : 0;
            int buffers = steps.Select(s => s.Destination).Where(d => d != "y").Distinct().Count();
            bool heap = buffers > 0 && (long)System.Math.Max(2, buffers) * System.Math.Max(1, blockRows) * width * sizeof(float) > Limits.StackBytes;
            return new InferencePlan(false, steps.ToEquatableArray(), identity, width, blockRows, RowWidth(spec), heap);
        }

        /// <summary>
        /// Gives every step the buffers it reads and the one it writes: the input <c>x</c> (never written), the output
        /// <c>y</c> for the last step, and in between the scratch buffers <c>a</c>, <c>b</c>, <c>c</c>, ... A step's output
        /// stays in its buffer until its last reader has run; a per-feature or row step writes over its input when it is
        /// that input's last reader, a producer never does (it reads the whole row while it writes); otherwise a step
        /// takes the first free buffer. A straight stack gets the ping-pong pair <c>a</c> and <c>b</c>.
        /// </summary>
        private static List<InferenceStep> AssignBuffers(InferenceGraph graph, List<(StepKind Kind, List<LayerSpec> Layers)> groups)
        {
            var steps = new List<InferenceStep>();
            var holder = new Dictionary<int, string> { [-1] = "x" };   // value (a layer's index, -1 the input) -> its buffer
            var remaining = new Dictionary<string, int>();            // buffer -> reads still to come
            var named = new List<string>();
            for (int s = 0; s < groups.Count; s++)
            {
                var (kind, members) = groups[s];
                var head = members[0];
                var sources = graph.Inputs(head).Select(v => holder[v]).ToList();
                string destination;
                if (s == groups.Count - 1)
                {
                    destination = "y";
                }
                else if (head.InPlace && head is not MergeSpec { Elementwise: false }
                    && sources.FirstOrDefault(b => b != "x" && remaining[b] == sources.Count(o => o == b)) is { } dying)
                {
                    // Element by element, every input value is read before its place is written: the output can take the
                    // place of an input that no later step reads.
                    destination = dying;
                }
                else
                {
                    destination = named.FirstOrDefault(b => !remaining.TryGetValue(b, out int n) || n == 0) ?? NewBuffer(named);
                }

                foreach (var source in sources.Where(b => b != "x"))
                {
                    remaining[source]--;
                }

                var last = members[members.Count - 1];
                holder[last.Index] = destination;
                if (destination != "y")
                {
                    remaining[destination] = graph.Readers(last.Index);
                }

                steps.Add(new InferenceStep(kind, members.Select(m => m.Index).ToEquatableArray(), sources[0], destination, last.OutputSize, sources.ToEquatableArray()));
            }

            return steps;
        }

        private static string NewBuffer(List<string> named)
        {
            const string letters = "abcdefgh";
            string name = named.Count < letters.Length ? letters[named.Count].ToString() : "buffer" + named.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            named.Add(name);
            return name;
        }

        private static int Stage(InferenceRole role) => role switch
        {
            InferenceRole.Producer or InferenceRole.Merge => 0,
            InferenceRole.Affine => 1,
            _ => 2,
        };
    }
}
