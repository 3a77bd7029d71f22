using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator.Analyzers;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// Thousands of random declarations, most of them invalid: every layer attribute of the runtime (found by reflection,
    /// so a new kind is covered without touching this file) with nonsense sizes and hyper-parameters, hostile strings in
    /// names and reasons, repeated or missing inputs, losses and optimizers, odd class shapes. Proves: the generator never
    /// throws, the analyzers never throw, and every generated file compiles without a warning: a declaration either gets
    /// an MG error (and no code) or code that compiles.
    /// </summary>
    public class RandomDeclarationTests
    {
        public const int Compilations = 25;
        public const int PerCompilation = 80;

        private static readonly int[] Sizes = { -7, -1, 0, 1, 2, 3, 7, 8, 9, 16, 33, 64, 300, 1025, 70000, 1048576, 1048577, int.MaxValue };

        private static readonly string[] Doubles =
        {
            "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "-1", "-0.0", "0", "1e-300", "1e-8", "0.001", "0.01", "0.1",
            "0.5", "0.9", "0.99", "0.999999", "1", "1.5", "1e300", "double.Epsilon", "double.MaxValue",
        };

        private static readonly string[] Strings =
        {
            "", " ", "fc1", "a.b", "0", "x\"y", "back\\\\slash", "line\\u2028sep", "para\\u2029sep", "next\\u0085line", "tab\\t", "nul\\u0000",
            "zero\\u200Bwidth", "lone\\uD800", "emoji\\U0001F600", "<tag>&amp;", "]]>", "*/ /*", "// comment", "{0}", "$\\\"{x}\\\"",
            "\\r\\nnew line", "very" + new string('l', 300) + "ong", "Ω∑", "\\uFFFF", "name with spaces",
        };

        private readonly ITestOutputHelper _output;

        public RandomDeclarationTests(ITestOutputHelper output) => _output = output;

        /// <summary>The layer attributes of the runtime: every non-abstract subclass of <see cref="LayerAttribute"/>.</summary>
        internal static Type[] LayerAttributes() =>
            typeof(LayerAttribute).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();

        [Fact]
        public async System.Threading.Tasks.Task RandomDeclarationsNeverCrashAndEitherFailWithAnMGErrorOrCompile()
        {
            var layers = LayerAttributes();
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new BatchStatisticsAnalyzer(), new ModelRulesAnalyzer());
            int graphs = 0;
            int declarations = 0, generated = 0, rejected = 0;
            var problems = new List<string>();
            var seenIds = new SortedSet<string>(StringComparer.Ordinal);
            for (int c = 0; c < Compilations; c++)
            {
                var rng = new Rng(9000 + c);
                var sb = new StringBuilder("using ModelGen;\nnamespace Fuzz;\n");
                var names = new List<string>();
                for (int d = 0; d < PerCompilation; d++)
                {
                    string name = $"M{c}_{d}";
                    names.Add(name);
                    sb.Append(Declaration(rng, layers, name)).Append('\n');
                    declarations++;
                }

                string source = sb.ToString();
                GeneratorHarness.Result result;
                try
                {
                    result = GeneratorHarness.Run(source);
                }
                catch (Exception ex)
                {
                    problems.Add($"compilation {c}: the generator threw {ex.Message}");
                    continue;
                }

                foreach (var d in result.GeneratorDiagnostics)
                {
                    seenIds.Add(d.Id);
                }

                var generatedTrees = result.Sources.Select(s => s.SyntaxTree).ToHashSet();
                generated += generatedTrees.Count;
                graphs += result.Sources.Count(s => s.SourceText.ToString().Contains("{ Inputs = new[] {", StringComparison.Ordinal));
                rejected += names.Count - generatedTrees.Count;
                foreach (var diagnostic in result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } t && generatedTrees.Contains(t)))
                {
                    problems.Add($"compilation {c}: generated code does not compile cleanly: {diagnostic}\n{Around(source, diagnostic)}");
                }

                var withAnalyzers = result.Output.WithAnalyzers(
                    analyzers,
                    new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (ex, analyzer, diagnostic) => problems.Add($"compilation {c}: {analyzer.GetType().Name} threw {ex}"), concurrentAnalysis: true, logAnalyzerExecutionTime: false));
                foreach (var diagnostic in await withAnalyzers.GetAnalyzerDiagnosticsAsync())
                {
                    seenIds.Add(diagnostic.Id);
                    if (diagnostic.Id == "AD0001")
                    {
                        problems.Add($"compilation {c}: {diagnostic}");
                    }
                }
            }

            _output.WriteLine($"{declarations} declarations: {generated} generated code ({graphs} graphs), {rejected} rejected; diagnostics seen: {string.Join(", ", seenIds)}");
            Assert.True(problems.Count == 0, string.Join("\n\n", problems.Take(5)));

            // The mix must exercise both sides, and most declaration rules.
            Assert.InRange(generated, declarations / 10, declarations - (declarations / 10));
            Assert.True(seenIds.Count(id => id.StartsWith("MG0", StringComparison.Ordinal)) >= 10, string.Join(", ", seenIds));

            // Graphs among them: generated ones (From and merges that resolve) and every graph rule.
            Assert.True(graphs >= 20, $"only {graphs} generated graph models");
            Assert.All(new[] { "MG0016", "MG0017", "MG0018", "MG0019" }, id => Assert.Contains(id, seenIds));
        }

        /// <summary>One random declaration: half of them careful (plausible values, likely valid), half hostile.</summary>
        internal static string Declaration(Rng rng, Type[] layers, string name) => rng.NextDouble() switch
        {
            < 0.4 => Careful(rng, layers, name),
            < 0.8 => Hostile(rng, layers, name),
            _ => Graph(rng, name),
        };

        /// <summary>
        /// Mostly valid graphs on vectors: named layers, branches From earlier layers or the input, merges of every kind
        /// naming one or two earlier layers (usually of the same width), now and then a shape that does not fit or a
        /// branch left unread.
        /// </summary>
        private static string Graph(Rng rng, string name)
        {
            string[] merges = { "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate" };
            int input = 1 + rng.NextInt(12);
            var widths = new List<int>();
            var attributes = new List<string> { "Model", $"Input({input.ToString(CultureInfo.InvariantCulture)})" };
            int current = input;
            string Pick(int width)
            {
                // An earlier layer of this width when there is one (or the input), else any earlier one.
                var same = Enumerable.Range(0, widths.Count).Where(k => widths[k] == width).ToList();
                if (rng.NextDouble() < 0.15 || (same.Count == 0 && widths.Count == 0))
                {
                    return "\"input\"";
                }

                int k = same.Count > 0 && rng.NextDouble() < 0.85 ? same[rng.NextInt(same.Count)] : rng.NextInt(System.Math.Max(1, widths.Count));
                return $"\"l{k.ToString(CultureInfo.InvariantCulture)}\"";
            }

            int Width(string reference) => reference == "\"input\"" ? input : widths[int.Parse(reference.Trim('"').Substring(1), CultureInfo.InvariantCulture)];

            int depth = 2 + rng.NextInt(7);
            for (int i = 0; i < depth; i++)
            {
                string n = $"Name = \"l{i.ToString(CultureInfo.InvariantCulture)}\"";
                string from = string.Empty;
                if (widths.Count > 0 && rng.NextDouble() < 0.25)
                {
                    string source = Pick(rng.NextDouble() < 0.5 ? current : widths[rng.NextInt(widths.Count)]);
                    from = ", From = " + source;
                    current = Width(source);
                }

                double kind = rng.NextDouble();
                if (kind < 0.3 && widths.Count > 0)
                {
                    string merge = merges[rng.NextInt(merges.Length)];
                    var refs = Enumerable.Range(0, merge == "Subtract" ? 1 : 1 + rng.NextInt(2)).Select(_ => Pick(current)).ToList();
                    attributes.Add($"{merge}({string.Join(", ", refs)}, {n}{(rng.NextDouble() < 0.05 ? from : string.Empty)})");
                    current = merge == "Concatenate" ? current + refs.Sum(Width) : current;
                }
                else if (kind < 0.65)
                {
                    current = rng.NextDouble() < 0.7 && widths.Count > 0 ? widths[rng.NextInt(widths.Count)] : 1 + rng.NextInt(12);
                    attributes.Add($"Dense({current.ToString(CultureInfo.InvariantCulture)}, {n}{from})");
                }
                else
                {
                    string[] others = { "ReLU", "Tanh", "Sigmoid", "GELU", "BatchNorm", "LayerNorm", "Dropout(0.25", "Softmax" };
                    string other = others[rng.NextInt(others.Length)];
                    attributes.Add(other.EndsWith("(0.25", StringComparison.Ordinal) ? $"{other}, {n}{from})" : $"{other}({n}{from})");
                }

                widths.Add(current);
            }

            if (rng.NextDouble() < 0.6)
            {
                attributes.Add("Dense(3, Name = \"head\")");
                attributes.Add("Softmax");
                attributes.Add("Loss(LossKind.CategoricalCrossEntropy)");
                attributes.Add(rng.NextDouble() < 0.5 ? "Sgd(LearningRate = 0.01, Momentum = 0.9)" : "Adam");
            }

            return string.Concat(attributes.Select(a => "[" + a + "]\n")) + $"public partial class {name} {{ }}";
        }

        /// <summary>Plausible values, one input, no names, loss and optimizer together or not at all: mostly valid.</summary>
        private static string Careful(Rng rng, Type[] layers, string name)
        {
            var attributes = new List<string> { "Model" };
            int rank = 1 + rng.NextInt(3);
            attributes.Add("Input(" + string.Join(", ", Enumerable.Range(0, rank).Select(_ => (1 + rng.NextInt(rank == 1 ? 40 : 6)).ToString(CultureInfo.InvariantCulture))) + ")");
            int depth = 1 + rng.NextInt(7);
            for (int i = 0; i < depth; i++)
            {
                var attribute = layers[rng.NextInt(layers.Length)];
                string kind = attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);
                var parameters = attribute.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
                var arguments = parameters.Where(p => !p.HasDefaultValue || p.ParameterType == typeof(string[])).Select(p => p.ParameterType == typeof(int)
                    ? (1 + rng.NextInt(40)).ToString(CultureInfo.InvariantCulture)
                    : p.ParameterType == typeof(string) || p.ParameterType == typeof(string[]) ? Reference(rng, i) : (0.4 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)).ToList();

                // Graphs: layers named l0, l1, ... (so merges and From can refer to them), and now and then a branch.
                if (rng.NextDouble() < 0.9)
                {
                    arguments.Add($"Name = \"l{i.ToString(CultureInfo.InvariantCulture)}\"");
                }

                if (rng.NextDouble() < 0.15)
                {
                    arguments.Add("From = " + Reference(rng, i));
                }

                if (attribute.GetProperty("Reason") is not null && rng.NextDouble() < 0.2)
                {
                    arguments.Add(attribute.GetProperties().First(p => p.PropertyType == typeof(bool) && p.CanWrite).Name + " = true, Reason = \"" + Strings[rng.NextInt(Strings.Length)] + "\"");
                }

                attributes.Add(arguments.Count == 0 ? kind : $"{kind}({string.Join(", ", arguments)})");
            }

            if (rng.NextDouble() < 0.5)
            {
                attributes.Add("Loss(LossKind.MeanSquaredError)");
                attributes.Add(rng.NextDouble() < 0.5 ? "Sgd(LearningRate = 0.01, Momentum = 0.9)" : "Adam");
            }

            return string.Concat(attributes.Select(a => "[" + a + "]\n")) + $"public partial class {name} {{ }}";
        }

        /// <summary>Anything goes: repeated or missing parts, nonsense values, hostile strings, odd class shapes.</summary>
        private static string Hostile(Rng rng, Type[] layers, string name)
        {
            var attributes = new List<string> { "Model" };
            int inputs = rng.NextDouble() < 0.05 ? 0 : rng.NextDouble() < 0.05 ? 2 : 1;
            for (int i = 0; i < inputs; i++)
            {
                int rank = 1 + rng.NextInt(3);
                attributes.Add("Input(" + string.Join(", ", Enumerable.Range(0, rank).Select(_ => rank == 1 ? Size(rng) : SmallSize(rng))) + ")");
            }

            int depth = rng.NextInt(8);
            for (int i = 0; i < depth; i++)
            {
                attributes.Add(Layer(rng, layers[rng.NextInt(layers.Length)]));
            }

            if (rng.NextDouble() < 0.5)
            {
                attributes.Add(rng.NextDouble() < 0.9 ? $"Loss(LossKind.{(LossKind)rng.NextInt(3)})" : $"Loss((LossKind)({rng.NextInt(9) - 3}))");
            }

            if (rng.NextDouble() < 0.05)
            {
                attributes.Add("Loss(LossKind.MeanSquaredError)");
            }

            int optimizers = rng.NextDouble() < 0.5 ? 1 : rng.NextDouble() < 0.1 ? 2 : 0;
            for (int i = 0; i < optimizers; i++)
            {
                attributes.Add(rng.NextInt(4) switch
                {
                    0 => Properties(rng, "Sgd", typeof(SgdAttribute)),
                    1 => Properties(rng, "Adam", typeof(AdamAttribute)),
                    2 => Properties(rng, "AdamW", typeof(AdamWAttribute)),
                    _ => Properties(rng, "RmsProp", typeof(RmsPropAttribute)),
                });
            }

            // A few declarations with most layers valid and training complete, so a fair share generates code.
            string shape = rng.NextDouble() switch
            {
                < 0.03 => $"public class {name} {{ }}",
                < 0.05 => $"public static partial class {name} {{ }}",
                < 0.07 => $"public partial class {name}<T> {{ }}",
                < 0.09 => $"public partial class Outer{name} {{ [Model, Input(2), Dense(1)] public partial class Inner {{ }} }}\npublic partial class {name} {{ }}",
                _ => $"public partial class {name} {{ }}",
            };
            return string.Concat(attributes.Select(a => "[" + a + "]\n")) + shape;
        }

        private static string Layer(Rng rng, Type attribute)
        {
            string kind = attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);
            var constructor = attribute.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var arguments = new List<string>();
            foreach (var parameter in constructor.GetParameters())
            {
                if (parameter.HasDefaultValue && rng.NextDouble() < 0.5)
                {
                    break;
                }

                arguments.Add(Value(rng, parameter.ParameterType, parameter.Name!));
            }

            string named = NamedArguments(rng, attribute);
            string all = string.Join(", ", arguments.Concat(named.Length > 0 ? new[] { named } : Array.Empty<string>()));
            return all.Length == 0 ? kind : $"{kind}({all})";
        }

        private static string Properties(Rng rng, string kind, Type attribute)
        {
            string named = NamedArguments(rng, attribute);
            return named.Length == 0 ? kind : $"{kind}({named})";
        }

        private static string NamedArguments(Rng rng, Type attribute)
        {
            var parts = new List<string>();
            foreach (var property in attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).OrderBy(p => p.Name))
            {
                if (rng.NextDouble() < 0.35)
                {
                    parts.Add($"{property.Name} = {Value(rng, property.PropertyType, property.Name)}");
                }
            }

            return string.Join(", ", parts);
        }

        private static string Value(Rng rng, Type type, string name)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(int))
            {
                return Size(rng);
            }

            if (type == typeof(double))
            {
                // Mostly plausible values so that some declarations are valid, then the hostile ones.
                return rng.NextDouble() < 0.6 ? (rng.NextDouble() * (name == "Momentum" ? 1 : 0.5)).ToString("R", CultureInfo.InvariantCulture) : Doubles[rng.NextInt(Doubles.Length)];
            }

            if (type == typeof(bool))
            {
                return rng.NextDouble() < 0.5 ? "true" : "false";
            }

            if (type == typeof(string) && name is "From" or "layer" or "Name" && rng.NextDouble() < 0.7)
            {
                // A layer reference (or name): mostly of the l0, l1, ... names, earlier, later or missing; then anything.
                return Reference(rng, 8);
            }

            if (type == typeof(string))
            {
                return rng.NextDouble() < 0.1 ? "null" : "\"" + Strings[rng.NextInt(Strings.Length)] + "\"";
            }

            if (type == typeof(string[]))
            {
                int count = rng.NextInt(4);
                return string.Join(", ", Enumerable.Range(0, count).Select(_ => rng.NextDouble() < 0.8 ? Reference(rng, 8) : Value(rng, typeof(string), "other")));
            }

            if (type.IsEnum)
            {
                var values = Enum.GetNames(type);
                return rng.NextDouble() < 0.9 ? $"{type.Name}.{values[rng.NextInt(values.Length)]}" : $"({type.Name})({rng.NextInt(7) - 2})";
            }

            if (type == typeof(int[]))
            {
                return Size(rng);
            }

            throw new NotSupportedException($"The random declarations have no values of {type.Name} ({name}): add them.");
        }

        /// <summary>A reference to a layer: mostly one of l0 .. l(below - 1), sometimes up to l(below + 1) (a later or missing one), or the input.</summary>
        private static string Reference(Rng rng, int below) => rng.NextDouble() switch
        {
            < 0.1 => "\"input\"",
            < 0.85 when below > 0 => $"\"l{rng.NextInt(below).ToString(CultureInfo.InvariantCulture)}\"",
            _ => $"\"l{rng.NextInt(below + 2).ToString(CultureInfo.InvariantCulture)}\"",
        };

        private static string Size(Rng rng) =>
            (rng.NextDouble() < 0.7 ? 1 + rng.NextInt(40) : Sizes[rng.NextInt(Sizes.Length)]).ToString(CultureInfo.InvariantCulture);

        private static string SmallSize(Rng rng) =>
            (rng.NextDouble() < 0.9 ? 1 + rng.NextInt(12) : Sizes[rng.NextInt(Sizes.Length)]).ToString(CultureInfo.InvariantCulture);

        /// <summary>A random stream passed by reference (<see cref="DeterministicRandom"/> is a struct: copies would repeat it).</summary>
        internal sealed class Rng
        {
            private DeterministicRandom _random;

            public Rng(long seed) => _random = new DeterministicRandom(seed);

            public double NextDouble() => _random.NextDouble();

            public int NextInt(int maxExclusive) => _random.NextInt(maxExclusive);
        }

        private static string Around(string source, Diagnostic diagnostic)
        {
            // The generated file's class name tells which declaration produced it.
            string file = diagnostic.Location.SourceTree?.FilePath ?? string.Empty;
            string cls = System.IO.Path.GetFileNameWithoutExtension(System.IO.Path.GetFileNameWithoutExtension(file)).Split('.').Last();
            int at = source.IndexOf("class " + cls + " ", StringComparison.Ordinal);
            int start = at < 0 ? 0 : source.LastIndexOf("[Model]", at, StringComparison.Ordinal);
            return at < 0 ? file : source.Substring(start, at - start + cls.Length + 10);
        }
    }
}
