using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator.Analyzers;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Generator.Tests.Analyzers
{
    /// <summary>
    /// The labelled corpus (tests/ModelGen.Generator.Tests/Corpus): realistic programs, each compiled with the real
    /// generator and both analyzers. A line ending in <c>// expect: MG1xxx</c> (one or more ids) must get exactly those
    /// diagnostics, and no other line may get any. Prints precision and recall over the corpus; both must be 100%.
    /// </summary>
    public class CorpusTests
    {
        private static readonly Regex Expect = new(@"//\s*expect:\s*(?<ids>MG1\d{3}(\s*,\s*MG1\d{3})*)", RegexOptions.Compiled);

        private readonly ITestOutputHelper _output;

        public CorpusTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<string> Files() =>
            Directory.GetFiles(Path.Combine(DiagnosticTests.RepoRoot(), "tests", "ModelGen.Generator.Tests", "Corpus"), "*.cs").OrderBy(f => f, StringComparer.Ordinal);

        internal static async Task<List<(string Id, int Line)>> AnalyzeAsync(string source)
        {
            var result = GeneratorHarness.Run(source);
            var errors = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The corpus program does not compile:\n" + string.Join("\n", errors.Take(5)));
            }

            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new BatchStatisticsAnalyzer(), new ModelRulesAnalyzer());
            var diagnostics = await result.Output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
            return diagnostics
                .Where(d => d.Id.StartsWith("MG1", StringComparison.Ordinal) && d.Location.SourceTree?.FilePath == "Source0.cs")
                .Select(d => (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1))
                .ToList();
        }

        [Fact]
        public async Task PrecisionAndRecallOverTheCorpusAre100Percent()
        {
            int truePositives = 0, falsePositives = 0, falseNegatives = 0, programs = 0, clean = 0;
            var problems = new List<string>();
            foreach (var file in Files())
            {
                programs++;
                string source = File.ReadAllText(file);
                var expected = new List<(string Id, int Line)>();
                var lines = source.Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    var match = Expect.Match(lines[i]);
                    if (match.Success)
                    {
                        expected.AddRange(match.Groups["ids"].Value.Split(',').Select(id => (id.Trim(), i + 1)));
                    }
                }

                clean += expected.Count == 0 ? 1 : 0;
                var actual = await AnalyzeAsync(source);
                var remaining = new List<(string Id, int Line)>(expected);
                foreach (var d in actual)
                {
                    if (remaining.Remove(d))
                    {
                        truePositives++;
                    }
                    else
                    {
                        falsePositives++;
                        problems.Add($"{Path.GetFileName(file)}:{d.Line}: unexpected {d.Id}");
                    }
                }

                falseNegatives += remaining.Count;
                problems.AddRange(remaining.Select(m => $"{Path.GetFileName(file)}:{m.Line}: missing {m.Id}"));
            }

            double precision = truePositives + falsePositives == 0 ? 1 : (double)truePositives / (truePositives + falsePositives);
            double recall = truePositives + falseNegatives == 0 ? 1 : (double)truePositives / (truePositives + falseNegatives);
            _output.WriteLine($"Corpus: {programs} programs ({clean} clean), {truePositives + falseNegatives} expected diagnostics; precision {precision:P1}, recall {recall:P1}");
            Assert.True(programs >= 80, $"the corpus has {programs} programs; it needs at least 80");
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Equal(1.0, precision);
            Assert.Equal(1.0, recall);
        }
    }
}

namespace ModelGen.Generator.Tests.Analyzers
{
    /// <summary>A model compiled into another assembly is analysed through its metadata: its markers come from the reference.</summary>
    public class CrossAssemblyTests
    {
        [Fact]
        public async Task MarkersAreReadFromMetadata()
        {
            const string library = """
                using ModelGen;
                namespace Lib
                {
                    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
                    [Loss(LossKind.CategoricalCrossEntropy), Adam]
                    public partial class SharedNet { }
                }
                """;
            var built = GeneratorHarness.Run(library);
            using var stream = new MemoryStream();
            var emit = built.Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            var libraryReference = MetadataReference.CreateFromImage(stream.ToArray());

            const string consumer = """
                using ModelGen;
                namespace App
                {
                    public sealed class Service
                    {
                        private readonly Lib.SharedNet _net = new Lib.SharedNet();
                        [InferenceEntryPoint]
                        public float[] Score(float[] rows)
                        {
                            var trainer = _net.CreateTrainer(8);
                            trainer.ComputeGradients(rows, new float[rows.Length / 2]);
                            return Helper(rows);
                        }

                        private float[] Helper(float[] rows) { var t = _net.CreateTrainer(8); t.ComputeGradients(rows, new float[rows.Length / 2]); return t.LastOutputs.ToArray(); }

                        [InferenceEntryPoint]
                        public void Fine(float[] x, float[] y) => _net.Predict(x, y);

                        [InferenceEntryPoint]
                        public long StateOnly(Lib.SharedNet.Trainer t) => t.MaxBatchSize + t.Iterations + (long)t.LearningRate + t.Model.Parameters.Length;
                    }
                }
                """;
            var compilation = GeneratorHarness.Compilation(consumer).AddReferences(libraryReference);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new BatchStatisticsAnalyzer(), new ModelRulesAnalyzer());
            var diagnostics = (await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync())
                .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1}").OrderBy(s => s).ToList();
            // Line 10 creates a trainer (computes nothing: not reported); line 11 runs its training-mode pass; line 12 reaches
            // one through Helper; StateOnly reads only state, which the generated trainer leaves unmarked.
            Assert.Equal(new[] { "MG1001@12", "MG1007@11" }, diagnostics);
        }
    }
}
