using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Model;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>Incremental caching of the pipeline, and the generated code compiled at warning level 9999 and executed.</summary>
    public class IncrementalAndRunTests
    {
        [Theory]
        [InlineData(SnapshotTests.SeedNet)]
        [InlineData(SnapshotTests.BnMlp)]
        [InlineData(SnapshotTests.TinyXor)]
        [InlineData(SnapshotTests.Adaptive)]
        public void EveryPublicGeneratedMemberHasXmlDocs(string source)
        {
            var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
            var compilation = CSharpCompilation.Create(
                "Docs",
                new[] { CSharpSyntaxTree.ParseText(source + "\npublic class Undocumented { }\n", options, path: "Source0.cs") },
                GeneratorHarness.Compilation().References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
            GeneratorHarness.Driver().WithUpdatedParseOptions(options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
            using var pe = new MemoryStream();
            using var xml = new MemoryStream();
            var emitted = output.Emit(pe, xmlDocumentationStream: xml);
            var documentation = emitted.Diagnostics.Where(d => d.Id is "CS1591" or "CS1573" or "CS1572" or "CS1574" or "CS1584" or "CS1658").ToList();

            // The test source adds an undocumented public class, so the check is live: it must be reported there.
            Assert.Contains(documentation, d => d.Location.SourceTree?.FilePath == "Source0.cs");
            Assert.Empty(documentation.Where(d => d.Location.SourceTree?.FilePath != "Source0.cs").Select(d => d.ToString()));
        }

        [Fact]
        public void SecondRunOnAClonedCompilationIsCached()
        {
            var compilation = GeneratorHarness.Compilation(SnapshotTests.SeedNet);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            driver = driver.RunGenerators(compilation.Clone());
            var steps = driver.GetRunResult().Results.Single().TrackedSteps;
            // The parse transform re-runs on a new compilation but produces an equal spec (Unchanged); everything after it is Cached.
            Assert.All(steps[ModelGenerator.Steps.Parse].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
            foreach (var name in new[] { ModelGenerator.Steps.Spec, ModelGenerator.Steps.Diagnostics, ModelGenerator.Steps.Plan })
            {
                Assert.True(steps.ContainsKey(name), name);
                Assert.All(steps[name].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            }
        }

        [Fact]
        public void AnUnrelatedEditLeavesTheSpecUnchanged()
        {
            var compilation = GeneratorHarness.Compilation(SnapshotTests.SeedNet, "namespace Other { public class A { } }");
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var edited = compilation.ReplaceSyntaxTree(
                compilation.SyntaxTrees.ElementAt(1),
                CSharpSyntaxTree.ParseText("namespace Other { public class A { public int B; } }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
            driver = driver.RunGenerators(edited);
            var steps = driver.GetRunResult().Results.Single().TrackedSteps;
            Assert.All(steps[ModelGenerator.Steps.Spec].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        }

        [Fact]
        public void EditingTheModelRegeneratesAndUnrelatedSpecsStayCached()
        {
            var compilation = GeneratorHarness.Compilation(SnapshotTests.SeedNet, SnapshotTests.TinyXor);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var edited = compilation.ReplaceSyntaxTree(
                compilation.SyntaxTrees.ElementAt(0),
                CSharpSyntaxTree.ParseText(SnapshotTests.SeedNet.Replace("Dense(5)", "Dense(6)"), GeneratorHarness.ParseOptions, path: "Source0.cs"));
            driver = driver.RunGenerators(edited);
            var reasons = driver.GetRunResult().Results.Single().TrackedSteps[ModelGenerator.Steps.Spec].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.Contains(IncrementalStepRunReason.Modified, reasons);
            Assert.Contains(reasons, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        }

        [Fact]
        public void PipelineModelHoldsNoSymbolsOrSyntax()
        {
            var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree), typeof(Location) };
            var seen = new HashSet<Type>();
            void Walk(Type type, string path)
            {
                if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
                {
                    return;
                }

                Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} is a {type.Name}");
                if (type.IsGenericType)
                {
                    foreach (var arg in type.GetGenericArguments())
                    {
                        Walk(arg, path + "<" + arg.Name + ">");
                    }
                }

                if (type.IsArray)
                {
                    Walk(type.GetElementType()!, path + "[]");
                }

                if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true && type != typeof(DiagnosticDescriptor) && !type.IsValueType)
                {
                    return;
                }

                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    Walk(field.FieldType, path + "." + field.Name);
                }

                // A field of an abstract record type holds any derived record: walk every one of them too.
                foreach (var derived in type.Assembly.GetTypes().Where(t => t != type && type.IsAssignableFrom(t) && !t.IsInterface))
                {
                    Walk(derived, path + "(" + derived.Name + ")");
                }
            }

            Walk(typeof(ParseResult), nameof(ParseResult));
            Walk(typeof(ModelGen.Generator.Planning.ModelPlan), "ModelPlan");
            foreach (var type in new[] { typeof(LayerSpec), typeof(DenseSpec), typeof(BatchNormSpec), typeof(ActivationSpec), typeof(SoftmaxSpec), typeof(DropoutSpec), typeof(OptimizerSpec), typeof(SgdSpec), typeof(AdamSpec), typeof(Shape), typeof(ModelGen.Generator.Planning.InferenceStep) })
            {
                Assert.Contains(type, seen);
            }
        }

        [Theory]
        [InlineData(SnapshotTests.SeedNet, "Snapshots.SeedNet", 200, 5)]
        [InlineData(SnapshotTests.BnMlp, "Snapshots.BnMlp", 64, 10)]
        [InlineData(SnapshotTests.TinyXor, "Snapshots.TinyXor", 2, 1)]
        [InlineData(SnapshotTests.Regression, "Snapshots.Regression", 13, 1)]
        public void GeneratedCodeCompilesWithoutWarningsAndRuns(string source, string typeName, int inputs, int outputs)
        {
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            using var stream = new MemoryStream();
            var emit = result.Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            var context = new AssemblyLoadContext("generated", isCollectible: true);
            try
            {
                stream.Position = 0;
                var assembly = context.LoadFromStream(stream);
                var model = (IModel)Activator.CreateInstance(assembly.GetType(typeName)!, 0)!;
                Assert.Equal(inputs, model.InputLength);
                Assert.Equal(outputs, model.OutputLength);
                var x = Enumerable.Range(0, inputs * 3).Select(i => (float)Math.Sin(i)).ToArray();
                var y = new float[outputs * 3];
                model.PredictBatch(x, y);
                Assert.All(y, v => Assert.True(float.IsFinite(v)));
                var trainer = (ITrainer)model.GetType().GetMethod("CreateTrainer")!.Invoke(model, new object[] { 4, 0 })!;
                var t = new float[outputs * 3];
                for (int r = 0; r < 3; r++)
                {
                    t[(r * outputs) + (r % outputs)] = 1f;
                }

                float first = trainer.TrainStep(x, t);
                float later = first;
                for (int i = 0; i < 20; i++)
                {
                    later = trainer.TrainStep(x, t);
                }

                Assert.True(later < first, $"loss did not fall: {first} -> {later}");
            }
            finally
            {
                context.Unload();
            }
        }
    }
}
