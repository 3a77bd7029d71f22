using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests;

namespace ModelGen.Differential.Tests
{
    /// <summary>A random network declaration, fully determined by its seed.</summary>
    public sealed record RandomNetwork(int Seed, string ClassName, string Declaration, LossKind Loss);

    /// <summary>Seeded random network declarations covering every layer kind, activation, loss and optimizer.</summary>
    public static class RandomNetworks
    {
        public static RandomNetwork Create(int seed)
        {
            var rng = new DeterministicRandom(seed * 7919L + 17);
            var attrs = new List<string>();
            string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            int Width() => rng.NextDouble() switch
            {
                < 0.4 => 1 + rng.NextInt(8),
                < 0.85 => 9 + rng.NextInt(56),
                _ => 65 + rng.NextInt(236),
            };

            string Bn()
            {
                var parts = new List<string>();
                bool keras = rng.NextDouble() < 0.5;
                if (keras)
                {
                    parts.Add("Convention = BatchNormConvention.Keras");
                }

                if (rng.NextDouble() < 0.5)
                {
                    parts.Add("Momentum = " + D(keras ? 0.8 + (0.19 * rng.NextDouble()) : 0.05 + (0.3 * rng.NextDouble())));
                }

                if (rng.NextDouble() < 0.5)
                {
                    parts.Add("Epsilon = " + D(Math.Pow(10, -5 + (3 * rng.NextDouble()))));
                }

                return parts.Count == 0 ? "BatchNorm" : $"BatchNorm({string.Join(", ", parts)})";
            }

            string Activation() => rng.NextInt(5) switch
            {
                0 => "ReLU",
                1 => $"LeakyReLU({D(Math.Round(0.01 + (0.3 * rng.NextDouble()), 3))})",
                2 => "Sigmoid",
                3 => "GELU",
                _ => "Tanh",
            };

            if (rng.NextDouble() < 0.3)
            {
                Convolutions(attrs, rng, Bn, Activation);
            }
            else
            {
                attrs.Add($"Input({Width()})");
                double lead = rng.NextDouble();
                if (lead < 0.1)
                {
                    attrs.Add(Bn());
                }
                else if (lead < 0.2)
                {
                    attrs.Add(Activation());
                }
            }

            // Graphs: a second random stream (so the networks of earlier versions stay as they were) makes about a third of
            // the networks graphs: each hidden block may be a residual block (a branch of the same width merged back with
            // a random merge kind) or a concatenation with a branch from an earlier block or the input.
            var graph = new DeterministicRandom((seed * 104729L) + 3);
            bool isGraph = attrs[0].StartsWith("Input(", StringComparison.Ordinal) && !attrs[0].Contains(',') && graph.NextDouble() < 0.35;
            var named = new List<(string Name, int Width)> { ("input", isGraph ? int.Parse(attrs[0].Substring(6, attrs[0].Length - 7), CultureInfo.InvariantCulture) : 0) };
            int depth = 1 + rng.NextInt(6);
            for (int i = 0; i < depth - 1; i++)
            {
                if (isGraph && graph.NextDouble() < 0.6)
                {
                    GraphBlock(attrs, graph, named, i, Bn, Activation);
                    continue;
                }

                attrs.Add(rng.NextDouble() < 0.15 ? $"Dense({Width()}, UseBias = false)" : $"Dense({Width()})");
                double norm = rng.NextDouble();
                if (norm < 0.4)
                {
                    attrs.Add(Bn());
                }
                else if (norm < 0.5)
                {
                    attrs.Add("LayerNorm");
                }

                if (rng.NextDouble() < 0.8)
                {
                    attrs.Add(Activation());
                }

                if (rng.NextDouble() < 0.25)
                {
                    attrs.Add($"Dropout({D(Math.Round(0.5 * rng.NextDouble(), 3))})");
                }
            }

            var loss = (LossKind)rng.NextInt(3);
            switch (loss)
            {
                case LossKind.CategoricalCrossEntropy:
                    attrs.Add($"Dense({2 + rng.NextInt(9)})");
                    attrs.Add("Softmax");
                    break;
                case LossKind.BinaryCrossEntropy:
                    attrs.Add($"Dense({1 + rng.NextInt(5)})");
                    attrs.Add("Sigmoid");
                    break;
                default:
                    attrs.Add($"Dense({1 + rng.NextInt(8)})");
                    double tail = rng.NextDouble();
                    if (tail < 0.1)
                    {
                        attrs.Add("Softmax");
                    }
                    else if (tail < 0.25)
                    {
                        attrs.Add(Activation());
                    }

                    break;
            }

            attrs.Add($"Loss(LossKind.{loss})");
            double wd = rng.NextDouble() < 0.3 ? Math.Pow(10, -4 + (2 * rng.NextDouble())) : 0;
            if (rng.NextDouble() < 0.5)
            {
                double momentum = rng.NextDouble() < 0.3 ? 0 : 0.5 + (0.45 * rng.NextDouble());
                bool nesterov = momentum > 0 && rng.NextDouble() < 0.5;
                double decay = rng.NextDouble() < 0.5 ? 0 : Math.Pow(10, -3 + (2 * rng.NextDouble()));
                attrs.Add($"Sgd(LearningRate = {D(Math.Pow(10, -3 + (1.5 * rng.NextDouble())))}, Momentum = {D(momentum)}, Nesterov = {(nesterov ? "true" : "false")}, Decay = {D(decay)}, WeightDecay = {D(wd)})");
            }
            else
            {
                attrs.Add($"Adam(LearningRate = {D(Math.Pow(10, -4 + (2 * rng.NextDouble())))}, Beta1 = {D(0.8 + (0.15 * rng.NextDouble()))}, Beta2 = {D(0.9 + (0.099 * rng.NextDouble()))}, Epsilon = {D(Math.Pow(10, -8 + (2 * rng.NextDouble())))}, WeightDecay = {D(wd)})");
            }

            string name = $"Net{seed}";
            var sb = new StringBuilder();
            sb.Append("[Model]\n");
            foreach (var a in attrs)
            {
                sb.Append('[').Append(a).Append("]\n");
            }

            sb.Append($"public partial class {name} {{ }}\n");
            return new RandomNetwork(seed, name, sb.ToString(), loss);
        }

        /// <summary>
        /// One block of a graph network on vectors: a named trunk layer (Dense of a random width), then either a residual
        /// branch of the same width merged back (Add, Subtract, Multiply, Average, Maximum or Minimum, sometimes with a
        /// third input), or a branch From an earlier block (or the input) concatenated with the trunk. BatchNorm,
        /// activations and dropout appear inside branches too.
        /// </summary>
        private static void GraphBlock(List<string> attrs, DeterministicRandom rng, List<(string Name, int Width)> named, int block, Func<string> bn, Func<string> activation)
        {
            string[] merges = { "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" };
            string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);
            int width = 2 + rng.NextInt(24);
            string trunk = "g" + Inv(block);
            int trunkWidth = width;
            attrs.Add($"Dense({Inv(width)})");
            attrs.Add(rng.NextDouble() < 0.5 ? activation() : bn());
            attrs.Add($"Tanh(Name = \"{trunk}\")");
            if (rng.NextDouble() < 0.6)
            {
                // Residual: trunk -> Dense(width) [-> BatchNorm] [-> activation] [-> dropout], merged with the trunk.
                attrs.Add($"Dense({Inv(width)}, Name = \"{trunk}b\")");
                if (rng.NextDouble() < 0.4)
                {
                    attrs.Add(bn());
                }

                if (rng.NextDouble() < 0.6)
                {
                    attrs.Add(activation());
                }

                if (rng.NextDouble() < 0.2)
                {
                    attrs.Add("Dropout(0.2)");
                }

                string merge = merges[rng.NextInt(merges.Length)];
                var others = new List<string> { $"\"{trunk}\"" };
                var same = named.Where(n => n.Width == width).ToList();
                if (merge != "Subtract" && same.Count > 0 && rng.NextDouble() < 0.5)
                {
                    others.Add($"\"{same[rng.NextInt(same.Count)].Name}\"");
                }

                attrs.Add($"{merge}({string.Join(", ", others)}, Name = \"{trunk}m\")");
            }
            else
            {
                // Concatenation: a branch From an earlier block (or the input) next to the trunk.
                var from = named[rng.NextInt(named.Count)];
                int side = 1 + rng.NextInt(12);
                attrs.Add($"Dense({Inv(side)}, From = \"{from.Name}\", Name = \"{trunk}s\")");
                if (rng.NextDouble() < 0.5)
                {
                    attrs.Add(activation());
                }

                attrs.Add($"Concatenate(\"{trunk}\", Name = \"{trunk}m\")");
                width += side;
            }

            named.Add((trunk, trunkWidth));
            named.Add((trunk + "m", width));
        }

        /// <summary>
        /// A small image front: [Input(c, h, w)], then one to three blocks of a convolution (random filters, kernel, stride,
        /// padding or "same", dilation, bias) with optional BatchNorm over channels, activation, pooling (max or average,
        /// strided or overlapping) and dropout, each chosen to fit the shape so far; then Flatten, a global average pool, or
        /// nothing (Dense flattens by itself).
        /// </summary>
        private static void Convolutions(List<string> attrs, DeterministicRandom rng, Func<string> bn, Func<string> activation)
        {
            int c = 1 + rng.NextInt(3), h = 3 + rng.NextInt(8), w = 3 + rng.NextInt(8);
            attrs.Add($"Input({c}, {h}, {w})");
            int blocks = 1 + rng.NextInt(3);
            for (int b = 0; b < blocks; b++)
            {
                int filters = rng.NextDouble() < 0.5 ? 1 + rng.NextInt(8) : 9 + rng.NextInt(24);
                int kernel = 1 + rng.NextInt(3);
                int dilation = kernel > 1 && rng.NextDouble() < 0.2 ? 2 : 1;
                int extent = (dilation * (kernel - 1)) + 1;
                var parts = new List<string> { filters.ToString(CultureInfo.InvariantCulture), kernel.ToString(CultureInfo.InvariantCulture) };
                int stride = 1, padTotal = 0;
                double mode = rng.NextDouble();
                if (mode < 0.25)
                {
                    parts.Add("PaddingMode = PaddingMode.Same");
                    padTotal = extent - 1;
                }
                else
                {
                    int padding = rng.NextInt(2);
                    if (padding > 0)
                    {
                        parts.Add($"Padding = {padding}");
                    }

                    padTotal = 2 * padding;
                    if (rng.NextDouble() < 0.3)
                    {
                        stride = 2;
                        parts.Add("Stride = 2");
                    }
                }

                if (h + padTotal < extent || w + padTotal < extent)
                {
                    break;
                }

                if (dilation > 1)
                {
                    parts.Add($"Dilation = {dilation}");
                }

                if (rng.NextDouble() < 0.2)
                {
                    parts.Add("UseBias = false");
                }

                attrs.Add($"Conv2D({string.Join(", ", parts)})");
                c = filters;
                h = ((h + padTotal - extent) / stride) + 1;
                w = ((w + padTotal - extent) / stride) + 1;
                double norm = rng.NextDouble();
                if (norm < 0.35)
                {
                    attrs.Add(bn());
                }
                else if (norm < 0.5)
                {
                    int dims = rng.NextInt(4);
                    attrs.Add(dims == 0 ? "LayerNorm" : $"LayerNorm(Dims = {dims}, Epsilon = {D(Math.Pow(10, -5 + (2 * rng.NextDouble())))})");
                }

                if (rng.NextDouble() < 0.7)
                {
                    attrs.Add(activation());
                }

                if (h >= 2 && w >= 2 && rng.NextDouble() < 0.5)
                {
                    bool max = rng.NextDouble() < 0.6;
                    bool overlap = rng.NextDouble() < 0.3;
                    attrs.Add($"{(max ? "MaxPool2D" : "AvgPool2D")}(2{(overlap ? ", Stride = 1" : string.Empty)})");
                    int step = overlap ? 1 : 2;
                    h = ((h - 2) / step) + 1;
                    w = ((w - 2) / step) + 1;
                }

                if (rng.NextDouble() < 0.15)
                {
                    attrs.Add($"Dropout({D(Math.Round(0.5 * rng.NextDouble(), 3))})");
                }
            }

            double end = rng.NextDouble();
            if (end < 0.4)
            {
                attrs.Add("Flatten");
                if (rng.NextDouble() < 0.2)
                {
                    attrs.Add(bn());
                }
            }
            else if (end < 0.6)
            {
                attrs.Add("GlobalAvgPool");
            }

            static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>Compiles the declarations with the real generator and returns a fresh instance factory per network.</summary>
        public static Dictionary<int, Func<int, IModel>> Compile(IReadOnlyList<RandomNetwork> networks)
        {
            string source = "using ModelGen;\nnamespace Random;\n" + string.Join("\n", networks.Select(n => n.Declaration));
            var result = GeneratorHarness.Run(source);
            // One pass of the compiler: Emit reports the same warnings and errors GetDiagnostics would (asking for both
            // binds every method body twice, and the generated kernels are large).
            using var stream = new MemoryStream();
            var emit = result.Output.Emit(stream);
            var problems = result.GeneratorDiagnostics.Concat(emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)).ToList();
            if (problems.Count > 0 || !emit.Success)
            {
                throw new InvalidOperationException("Random networks did not compile:\n" + string.Join("\n", problems.Take(10)));
            }

            stream.Position = 0;
            // Not collectible: the generated classes keep [ThreadStatic] scratch on thread-pool threads, and the runtime
            // has had races between a collectible context's collection and thread-static cleanup (dotnet/runtime#110837,
            // #102797); one run of this suite crashed in libcoreclr on a pool thread. The assemblies stay loaded until the
            // test process ends (a few MB each).
            var assembly = new AssemblyLoadContext("random-networks-" + networks[0].Seed, isCollectible: false).LoadFromStream(stream);
            var factories = new Dictionary<int, Func<int, IModel>>();
            foreach (var n in networks)
            {
                var type = assembly.GetType("Random." + n.ClassName)!;
                factories[n.Seed] = seed => (IModel)Activator.CreateInstance(type, seed)!;
            }

            return factories;
        }

        public static ITrainer CreateTrainer(IModel model, int maxBatch, int seed) =>
            (ITrainer)model.GetType().GetMethod("CreateTrainer")!.Invoke(model, new object[] { maxBatch, seed })!;
    }
}
