using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using ModelGen.Reference;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Differential.Tests
{
    /// <summary>Compiles the random networks once for every test of the suite.</summary>
    public class CompiledNetworks
    {
        public const int Count = 520;
        public const int PerCompilation = 65;

        /// <summary>One network compiled on its own.</summary>
        internal sealed class Single : CompiledNetworks
        {
            public Single(RandomNetwork net, Func<int, IModel> factory)
                : base(net, factory)
            {
            }
        }

        protected CompiledNetworks(RandomNetwork net, Func<int, IModel> factory)
        {
            Networks = new List<RandomNetwork> { net };
            Factories = new Dictionary<int, Func<int, IModel>> { [net.Seed] = factory };
        }

        public CompiledNetworks()
        {
            Networks = Enumerable.Range(1, Count).Select(RandomNetworks.Create).ToList();
            Factories = new Dictionary<int, Func<int, IModel>>();
            for (int i = 0; i < Networks.Count; i += PerCompilation)
            {
                foreach (var pair in RandomNetworks.Compile(Networks.Skip(i).Take(PerCompilation).ToList()))
                {
                    Factories[pair.Key] = pair.Value;
                }
            }
        }

        public List<RandomNetwork> Networks { get; }

        public Dictionary<int, Func<int, IModel>> Factories { get; }
    }

    /// <summary>
    /// Generated float32 code against the double-precision reference on random networks. Errors are normalized:
    /// e = max |generated - reference| / max |reference| over the quantity (outputs of a batch, the gradient vector, the
    /// parameter change after 5 steps, ...), so one tolerance serves layers of any scale. docs/correctness.md derives the
    /// tolerances; they are stated next to each comparison below.
    /// </summary>
    public partial class DifferentialTests : IClassFixture<CompiledNetworks>
    {
        /// <summary>
        /// Inference, loss and training-mode outputs: a float32 dot product of length n has a relative error below
        /// n * u (u = 2^-24 = 6e-8) of the sum of |terms|; up to 6 dense layers of width up to 300 give
        /// 6 * 300 * 6e-8 = 1.1e-4 in the worst case (errors of typical sums grow like sqrt(n), far below it).
        /// </summary>
        public const double InferenceTolerance = 1.1e-4;

        /// <summary>Gradients: the backward pass is a second chain of the same depth, so twice the forward bound: 2.2e-4 of the largest component.</summary>
        public const double GradientTolerance = 2.2e-4;

        /// <summary>
        /// Parameter and running-statistics updates of each of 5 steps, against the largest update: the gradient error
        /// (2.2e-4) plus float32 rounding of the optimizer arithmetic and of the optimizer state accumulated over the steps:
        /// 1e-3. Adam components get an allowance on top (see the comparison): a component whose exact gradient is 0 (a
        /// dense bias right before BatchNorm, whose mean BatchNorm removes) moves by about lr on float32 noise alone.
        /// </summary>
        public const double StepTolerance = 1e-3;

        /// <summary>One unit in the last place of a float32, relative: 2^-23.</summary>
        public const double Ulp = 1.0 / (1 << 23);

        private readonly CompiledNetworks _compiled;
        private readonly ITestOutputHelper _output;

        public DifferentialTests(CompiledNetworks compiled, ITestOutputHelper output)
        {
            _compiled = compiled;
            _output = output;
        }

        internal sealed class Worst
        {
            private readonly Dictionary<string, (double Error, int Seed)> _worst = new();

            public void Add(string quantity, double error, int seed)
            {
                if (!_worst.TryGetValue(quantity, out var w) || error > w.Error || double.IsNaN(error))
                {
                    _worst[quantity] = (error, seed);
                }
            }

            public override string ToString() => string.Join("\n", _worst.Select(p => $"  {p.Key,-28} {p.Value.Error:E2} (network {p.Value.Seed})"));
        }

        private static double Normalized(ReadOnlySpan<float> actual, IReadOnlyList<double> expected, IReadOnlyList<double>? baseline = null)
        {
            double diff = 0, scale = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                double e = expected[i];
                diff = Math.Max(diff, Math.Abs(actual[i] - e));
                scale = Math.Max(scale, Math.Abs(baseline is null ? e : e - baseline[i]));
            }

            if (double.IsNaN(diff))
            {
                return double.NaN;
            }

            return scale < 1e-12 ? diff : diff / scale;
        }

        /// <summary>
        /// The generated trainer's training-mode input to layer <paramref name="k"/> in its last pass (its cached output of
        /// the layer it reads, read from the private cache), for the reference's choice of side at a rectifier's kink only.
        /// </summary>
        internal static Matrix<double> LayerInput(ITrainer trainer, int k, float[] inputs, int rows, ModelDescription d)
        {
            int width = d.Layers[k].InputSize;
            int source = d.Layers[k].Inputs.Length == 0
                ? k - 1
                : d.Layers[k].Inputs[0] == "input" ? -1 : d.Layers.ToList().FindIndex(l => l.Name == d.Layers[k].Inputs[0]);
            var values = source < 0 ? inputs : (float[])trainer.GetType().GetField("_y" + source, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(trainer)!;

            // The trainer's caches pad each row to whole 16-float panels; the caller's inputs are exact.
            int stride = source < 0 ? width : (width + 15) / 16 * 16;
            return Matrix<double>.Build.Dense(rows, width, (r, c) => values[(r * stride) + c]);
        }

        internal static float[] Inputs(int rows, int width, DeterministicRandom rng)
        {
            var x = new float[rows * width];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextUniform(-2f, 2f);
            }

            return x;
        }

        internal static float[] Targets(LossKind loss, int rows, int width, DeterministicRandom rng)
        {
            var t = new float[rows * width];
            for (int r = 0; r < rows; r++)
            {
                bool soft = rng.NextDouble() < 0.5;
                int hot = rng.NextInt(width);
                for (int j = 0; j < width; j++)
                {
                    t[(r * width) + j] = loss switch
                    {
                        LossKind.CategoricalCrossEntropy => soft ? rng.NextSingle() / width : (j == hot ? 1f : 0f),
                        LossKind.BinaryCrossEntropy => rng.NextSingle(),
                        _ => rng.NextUniform(-1f, 1f),
                    };
                }
            }

            return t;
        }

        private static Matrix<double> M(float[] values, int rows) =>
            Matrix<double>.Build.Dense(rows, values.Length / rows, (r, c) => values[(r * (values.Length / rows)) + c]);

        internal static (float[] State, long[] Counters) StateOf(IModel model)
        {
            var d = model.Description;
            var state = new float[d.StateCount];
            var counters = new long[d.CounterCount];
            foreach (var l in d.Layers.OfType<BatchNormDescription>())
            {
                model.GetTensor(l.Name + ".running_mean").CopyTo(state, l.RunningMeanOffset);
                model.GetTensor(l.Name + ".running_var").CopyTo(state, l.RunningVarOffset);
                counters[l.CounterIndex] = (long)model.GetTensor(l.Name + ".num_batches_tracked")[0];
            }

            return (state, counters);
        }

        /// <summary>
        /// The random networks use every layer attribute of the runtime and every description type, so every kind goes
        /// through the reference (which throws for a kind it does not know) and the properties: a new kind missing from
        /// the generator of random networks fails here.
        /// </summary>
        [Fact]
        public void TheRandomNetworksCoverEveryLayerKind()
        {
            var kinds = typeof(LayerAttribute).Assembly.GetTypes()
                .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
                .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length));
            var declared = new HashSet<string>(_compiled.Networks.SelectMany(n => System.Text.RegularExpressions.Regex.Matches(n.Declaration, @"\[(\w+)").Select(m => m.Groups[1].Value)));
            Assert.All(kinds, k => Assert.True(declared.Contains(k), $"no random network uses [{k}]; add it to RandomNetworks.Create"));

            var descriptions = typeof(LayerDescription).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerDescription)) && !t.IsAbstract);
            var used = new HashSet<Type>(_compiled.Networks.SelectMany(n => _compiled.Factories[n.Seed](0).Description.Layers.Select(l => l.GetType())));
            Assert.All(descriptions, t => Assert.True(used.Contains(t), $"no random network produces a {t.Name}"));

            // About a quarter of the networks are graphs (residual blocks with every element-wise merge, concatenations with
            // branches from earlier blocks or the input); every comparison below runs on them as on the stacks.
            int graphs = _compiled.Networks.Count(n => _compiled.Factories[n.Seed](0).Description.Layers.Any(l => l.Inputs.Length > 0));
            _output.WriteLine($"{graphs} of {_compiled.Networks.Count} random networks are graphs");
            Assert.True(graphs >= 80, $"only {graphs} random networks are graphs");
        }

        [Fact]
        public void GeneratedCodeMatchesTheDoublePrecisionReference()
        {
            var worst = new Worst();
            var failures = new List<string>();
            int cases = 0;
            foreach (var net in _compiled.Networks)
            {
                string? problem = RunCase(net, worst);
                cases++;
                if (problem is not null)
                {
                    failures.Add($"network {net.Seed}: {problem}\nReproduce: RandomNetworks.Create({net.Seed}) =\n{net.Declaration}");
                }
            }

            _output.WriteLine($"{cases} random networks; largest normalized error per quantity:\n{worst}");
            _output.WriteLine($"rectifier inputs within rounding of the kink, derivative taken on the float32 side: {_kinkTies} elements in {_kinkNetworks} networks");
            Assert.True(cases >= 500, $"only {cases} cases");
            Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases failed; first ones:\n" + string.Join("\n\n", failures.Take(3)));
        }

        private int _kinkTies;
        private int _kinkNetworks;

        private string? RunCase(RandomNetwork net, Worst worst)
        {
            int ties = 0;
            try
            {
                return RunCase(net, worst, ref ties);
            }
            finally
            {
                _kinkTies += ties;
                _kinkNetworks += ties > 0 ? 1 : 0;
            }
        }

        internal string? RunCase(RandomNetwork net, Worst worst, ref int ties)
        {
            var rng = new DeterministicRandom(net.Seed);
            var model = _compiled.Factories[net.Seed](net.Seed);
            var d = model.Description;
            int rows = 4 + rng.NextInt(13);
            int dropoutSeed = net.Seed + 1000;
            var trainer = RandomNetworks.CreateTrainer(model, rows, dropoutSeed);
            var (state0, counters0) = StateOf(model);
            var reference = new ReferenceModel(d, model.Parameters, state0, counters0);
            float[]? currentInputs = null;
            reference.RectifierInputs = k => LayerInput(trainer, k, currentInputs!, rows, d);

            // Inference.
            var x = Inputs(rows, d.InputSize, rng);
            var y = new float[rows * d.OutputSize];
            model.PredictBatch(x, y);
            double e = Normalized(y, reference.Predict(M(x, rows)).ToRowMajorArray());
            worst.Add("inference outputs", e, net.Seed);
            if (!(e <= InferenceTolerance))
            {
                return $"inference outputs differ by {e:E2} (tolerance {InferenceTolerance:E0})";
            }

            // Loss and gradients, training mode (batch statistics, dropout).
            var t = Targets(net.Loss, rows, d.OutputSize, rng);
            float loss = trainer.ComputeGradients(x, t);
            currentInputs = x;
            var pass = reference.Gradients(M(x, rows), M(t, rows), dropoutSeed, updateRunningStatistics: false);
            ties += reference.LastKinkOverrides;
            e = Math.Abs(loss - pass.Loss) / Math.Max(Math.Abs(pass.Loss), 1e-6);
            worst.Add("loss", e, net.Seed);
            if (!(e <= InferenceTolerance))
            {
                return $"loss {loss} vs reference {pass.Loss}: {e:E2}";
            }

            e = Normalized(trainer.LastOutputs, pass.Outputs.ToRowMajorArray());
            worst.Add("training-mode outputs", e, net.Seed);
            if (!(e <= InferenceTolerance))
            {
                return $"training-mode outputs differ by {e:E2}";
            }

            e = Normalized(trainer.Gradients, pass.Gradients);
            worst.Add("gradients", e, net.Seed);
            if (!(e <= GradientTolerance))
            {
                return $"gradients differ by {e:E2} (tolerance {GradientTolerance:E0})";
            }

            // Five training steps on fresh batches. Before each step the reference takes the generated model's parameters
            // and running statistics (its own optimizer state stays), so each step's arithmetic is compared from a common
            // start: two float trajectories otherwise part for good at the first ReLU kink one of them crosses.
            double largestSoFar = 0;
            for (int step = 0; step < 5; step++)
            {
                var xs = Inputs(rows, d.InputSize, rng);
                var ts = Targets(net.Loss, rows, d.OutputSize, rng);
                var p0 = model.Parameters.ToArray().Select(v => (double)v).ToArray();
                var (stateBefore, _) = StateOf(model);
                reference.Sync(model.Parameters, stateBefore);
                trainer.TrainStep(xs, ts);
                currentInputs = xs;
                reference.TrainStep(M(xs, rows), M(ts, rows), dropoutSeed);
                ties += reference.LastKinkOverrides;

                // SGD updates are linear in the gradient: compare them to the largest update. Adam divides each gradient by
                // its own magnitude, so a gradient error delta moves the update by up to 2 lr delta / |g| (capped at 2 lr):
                // each component gets that allowance on top, with delta the gradient tolerance times the largest gradient
                // of any step so far (Adam's moments carry earlier steps' gradients, errors included: a bias right before
                // BatchNorm, whose exact gradient is 0, keeps moving on its earlier float32 noise in a step where every
                // gradient is 0).
                var o = d.Optimizer!;
                double largest = reference.LastGradients.Max(Math.Abs);
                largestSoFar = Math.Max(largestSoFar, largest);
                double delta = GradientTolerance * largestSoFar;
                var actual = model.Parameters.ToArray();
                double largestUpdate = Enumerable.Range(0, actual.Length).Max(i => Math.Abs(reference.Parameters[i] - p0[i]));
                double worstRatio = 0;
                int worstAt = -1;
                for (int i = 0; i < actual.Length; i++)
                {
                    // The result is stored as float32: one unit in the last place of the parameter comes on top.
                    double allowed = (StepTolerance * largestUpdate) + (Math.Abs(reference.Parameters[i]) * Ulp);
                    if (o.Type == OptimizerType.Adam)
                    {
                        double g = Math.Abs(reference.LastGradients[i] + (o.WeightDecay * p0[i]));
                        allowed += 2 * o.LearningRate * Math.Min(1, delta / Math.Max(g, 1e-300));
                    }

                    double ratio = Math.Abs(actual[i] - reference.Parameters[i]) / Math.Max(allowed, 1e-300);
                    if (!(ratio <= worstRatio))
                    {
                        worstRatio = ratio;
                        worstAt = i;
                    }
                }

                worst.Add("parameter updates (/allowed)", worstRatio, net.Seed);
                if (!(worstRatio <= 1))
                {
                    int at = worstAt;
                    return $"step {step + 1}: parameter {at} moved {actual[at] - p0[at]:E3} against the reference's {reference.Parameters[at] - p0[at]:E3}, {worstRatio:0.00} times the allowance; gradient {trainer.Gradients[at]:E3} vs {reference.LastGradients[at]:E3} (largest {largest:E3}, largest update {largestUpdate:E3})";
                }

                if (d.StateCount > 0)
                {
                    var (state, counters) = StateOf(model);
                    e = Normalized(state, reference.State, stateBefore.Select(v => (double)v).ToArray());
                    worst.Add("running-statistics updates", e, net.Seed);
                    if (!(e <= StepTolerance) || !counters.SequenceEqual(reference.Counters))
                    {
                        return $"step {step + 1}: running statistics differ by {e:E2} of the update; counters {string.Join(",", counters)} vs {string.Join(",", reference.Counters)}";
                    }
                }
            }

            return null;
        }
    }

    /// <summary>Hand-written networks through the same comparison as the random ones, each compiled on its own.</summary>
    public class FixedNetworkTests
    {
        private readonly ITestOutputHelper _output;

        public FixedNetworkTests(ITestOutputHelper output) => _output = output;

        /// <summary>
        /// Hand-written CNNs with every image layer in the configurations random shapes rarely reach (even kernels with
        /// "same" padding, overlapping average pooling, dilation, a global pool before BatchNorm), against the reference.
        /// </summary>
        [Theory]
        [InlineData("[Input(2, 11, 10)] [Conv2D(5, 3, Padding = 1)] [BatchNorm] [Sigmoid] [MaxPool2D(2)] [Conv2D(18, 2, PaddingMode = PaddingMode.Same)] [GELU] [AvgPool2D(2, Stride = 1)] [Conv2D(4, 2, Dilation = 2, UseBias = false)] [BatchNorm(Convention = BatchNormConvention.Keras)] [Flatten] [Dense(7)] [Tanh] [Dense(3)] [Softmax] [Loss(LossKind.CategoricalCrossEntropy)] [Adam(LearningRate = 1e-2)]", LossKind.CategoricalCrossEntropy)]
        [InlineData("[Input(3, 9, 9)] [Conv2D(20, 3, Stride = 2, Padding = 1)] [LayerNorm(Dims = 2)] [GELU] [Conv2D(17, 1)] [GlobalAvgPool] [BatchNorm] [Dense(2)] [Loss(LossKind.MeanSquaredError)] [Sgd(LearningRate = 0.05, Momentum = 0.9)]", LossKind.MeanSquaredError)]
        [InlineData("[Input(1, 7, 6)] [Conv2D(33, 4, PaddingMode = PaddingMode.Same, Dilation = 2)] [BatchNorm] [ReLU] [MaxPool2D(3, Stride = 2)] [LayerNorm] [Conv2D(3, 2, Stride = 2, UseBias = false)] [Flatten] [BatchNorm] [Dense(2)] [Sigmoid] [Loss(LossKind.BinaryCrossEntropy)] [Adam]", LossKind.BinaryCrossEntropy)]
        public void FixedConvolutionalNetworksMatchTheReference(string layers, LossKind loss)
        {
            int seed = 900_000 + (layers.Length % 1000);
            var net = new RandomNetwork(seed, "Fixed" + seed, "[Model] " + layers + $" public partial class Fixed{seed} {{ }}", loss);
            var compiled = RandomNetworks.Compile(new[] { net });
            var one = new CompiledNetworks.Single(net, compiled[seed]);
            var worst = new DifferentialTests.Worst();
            int ties = 0;
            string? problem = new DifferentialTests(one, _output).RunCase(net, worst, ref ties);
            _output.WriteLine(worst.ToString());
            Assert.True(problem is null, problem);
        }

    }
}
