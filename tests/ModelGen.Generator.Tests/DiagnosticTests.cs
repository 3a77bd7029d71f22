using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// Every declaration diagnostic fires on a wrong declaration and stays silent on the nearest correct one; an invalid
    /// model produces diagnostics and no code, and the generator never throws (no CS8785).
    /// </summary>
    public class DiagnosticTests
    {
        private const string Usings = "using ModelGen;\nnamespace D;\n";

        /// <summary>(id, wrong declaration, nearest correct declaration).</summary>
        public static IEnumerable<object[]> Cases() => new[]
        {
            new object[] { "MG0001", "[Model, Input(2), Dense(1)] public class M { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0002", "[Model, Dense(1)] public partial class M { }", "[Model, Input(3), Dense(1)] public partial class M { }" },
            new object[] { "MG0003", "[Model, Input(2), Input(3), Dense(1)] public partial class M { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0004", "[Model, Input(2), Dense(0)] public partial class M { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0004", "[Model, Input(2, -1), Dense(1)] public partial class M { }", "[Model, Input(2, 1), Dense(1)] public partial class M { }" },
            new object[] { "MG0005", "[Model, Input(2)] public partial class M { }", "[Model, Input(2), ReLU] public partial class M { }" },
            new object[] { "MG0006", "[Model, Input(2), Dense(3), Loss(LossKind.CategoricalCrossEntropy), Sgd] public partial class M { }", "[Model, Input(2), Dense(3), Softmax, Loss(LossKind.CategoricalCrossEntropy), Sgd] public partial class M { }" },
            new object[] { "MG0006", "[Model, Input(2), Dense(1), Loss(LossKind.BinaryCrossEntropy), Sgd] public partial class M { }", "[Model, Input(2), Dense(1), Sigmoid, Loss(LossKind.BinaryCrossEntropy), Sgd] public partial class M { }" },
            new object[] { "MG0007", "public partial class Outer { [Model, Input(2), Dense(1)] public partial class M { } }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0007", "[Model, Input(2), Dense(1)] public partial class M<T> { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0007", "[Model, Input(2), Dense(1)] public static partial class M { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0008", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd, Adam] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Adam] public partial class M { }" },
            new object[] { "MG0009", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Loss(LossKind.MeanSquaredError), Sgd] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dropout(1.0), Dense(1)] public partial class M { }", "[Model, Input(2), Dropout(0.5), Dense(1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dense(2), BatchNorm(Epsilon = 0)] public partial class M { }", "[Model, Input(2), Dense(2), BatchNorm(Epsilon = 1e-5)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dense(2), BatchNorm(Momentum = 1.5)] public partial class M { }", "[Model, Input(2), Dense(2), BatchNorm(Momentum = 0.5)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = -1)] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd(Nesterov = true)] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd(Nesterov = true, Momentum = 0.9)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Adam(Beta2 = 1)] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Adam(Beta2 = 0.999)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(2), LeakyReLU(-0.5), Dense(1)] public partial class M { }", "[Model, Input(2), LeakyReLU(0.5), Dense(1)] public partial class M { }" },
            new object[] { "MG0011", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)] public partial class M { }", "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd] public partial class M { }" },
            new object[] { "MG0011", "[Model, Input(2), Dense(1), Adam] public partial class M { }", "[Model, Input(2), Dense(1)] public partial class M { }" },
            new object[] { "MG0012", "[Model, Input(2), Dense(3)] public partial class M { } [Dense(1)] public partial class M { }", "[Model, Input(2), Dense(3), Dense(1)] public partial class M { } public partial class M { }" },
            new object[] { "MG0013", "[Model, Input(2), Dense(3, Name = \"fc\"), Dense(1, Name = \"fc\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"fc1\"), Dense(1, Name = \"fc2\")] public partial class M { }" },
            new object[] { "MG0013", "[Model, Input(2), Dense(3, Name = \"\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"a.b\")] public partial class M { }" },
            new object[] { "MG0014", "[Model, Input(2), Dense(1048577)] public partial class M { }", "[Model, Input(2), Dense(1048576)] public partial class M { }" },
            new object[] { "MG0014", "[Model, Input(1025, 1024), Dense(1)] public partial class M { }", "[Model, Input(1024, 1024), Dense(1)] public partial class M { }" },
            new object[] { "MG0014", "[Model, Input(30000), Dense(30000)] public partial class M { }", "[Model, Input(30000), Dense(4096)] public partial class M { }" },
            new object[] { "MG0004", "[Model, Input(1, 8, 8), Conv2D(0, 3)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3)] public partial class M { }" },
            new object[] { "MG0004", "[Model, Input(1, 8, 8), Conv2D(4, 0)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3)] public partial class M { }" },
            new object[] { "MG0004", "[Model, Input(1, 8, 8), MaxPool2D(0)] public partial class M { }", "[Model, Input(1, 8, 8), MaxPool2D(2)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), Conv2D(4, 3, Stride = 0)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3, Stride = 1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), Conv2D(4, 3, Padding = -1)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3, Padding = 1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), Conv2D(4, 3, Dilation = 0)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3, Dilation = 2)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), Conv2D(4, 3, Stride = 2, PaddingMode = PaddingMode.Same)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3, Stride = 2, Padding = 1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), Conv2D(4, 3, Padding = 1, PaddingMode = PaddingMode.Same)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3, PaddingMode = PaddingMode.Same)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(1, 8, 8), MaxPool2D(2, Stride = -1)] public partial class M { }", "[Model, Input(1, 8, 8), MaxPool2D(2, Stride = 1)] public partial class M { }" },
            new object[] { "MG0010", "[Model, Input(4), LayerNorm(Epsilon = 0)] public partial class M { }", "[Model, Input(4), LayerNorm(Epsilon = 1e-6)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(4, 5), LayerNorm(Dims = 3)] public partial class M { }", "[Model, Input(4, 5), LayerNorm(Dims = 2)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(64), Conv2D(4, 3)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(1, 8, 8), Flatten, Conv2D(4, 3)] public partial class M { }", "[Model, Input(1, 8, 8), Conv2D(4, 3), Flatten] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(1, 4, 4), Conv2D(4, 5)] public partial class M { }", "[Model, Input(1, 4, 4), Conv2D(4, 5, Padding = 1)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(1, 5, 5), Conv2D(4, 3, Dilation = 3)] public partial class M { }", "[Model, Input(1, 5, 5), Conv2D(4, 3, Dilation = 2)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(1, 6, 6), MaxPool2D(2), MaxPool2D(4)] public partial class M { }", "[Model, Input(1, 6, 6), MaxPool2D(2), MaxPool2D(3)] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(3, 8, 8), GlobalAvgPool, AvgPool2D(2)] public partial class M { }", "[Model, Input(3, 8, 8), AvgPool2D(2), GlobalAvgPool] public partial class M { }" },
            new object[] { "MG0015", "[Model, Input(1, 512, 512), Conv2D(8, 3, Padding = 1)] public partial class M { }", "[Model, Input(1, 512, 512), Conv2D(8, 3, Stride = 2, Padding = 1)] public partial class M { }" },
            new object[] { "MG0013", "[Model, Input(2), Dense(3, Name = \"input\"), Dense(1)] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"inputs\"), Dense(1)] public partial class M { }" },
            new object[] { "MG0016", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(3), Add(\"b\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(3), Add(\"a\")] public partial class M { }" },
            new object[] { "MG0016", "[Model, Input(2), Dense(3, From = \"b\"), Dense(3, Name = \"b\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"b\"), Dense(3, From = \"b\")] public partial class M { }" },
            new object[] { "MG0016", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(3, Name = \"a\"), Add(\"a\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(3, Name = \"b\"), Add(\"a\")] public partial class M { }" },
            new object[] { "MG0016", "[Model, Input(2), Dense(3), Add] public partial class M { }", "[Model, Input(3), Dense(3), Add(\"input\")] public partial class M { }" },
            new object[] { "MG0016", "[Model, Input(2), Dense(3, Name = \"self\", From = \"self\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"self\", From = \"input\")] public partial class M { }" },
            new object[] { "MG0017", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(4), Add(\"a\")] public partial class M { }", "[Model, Input(2), Dense(3, Name = \"a\"), Dense(3), Add(\"a\")] public partial class M { }" },
            new object[] { "MG0017", "[Model, Input(2, 6, 6), Conv2D(4, 3, Name = \"a\"), Conv2D(4, 3, Padding = 1, From = \"input\"), Concatenate(\"a\")] public partial class M { }", "[Model, Input(2, 6, 6), Conv2D(4, 3, Padding = 1, Name = \"a\"), Conv2D(5, 3, Padding = 1, From = \"input\"), Concatenate(\"a\")] public partial class M { }" },
            new object[] { "MG0018", "[Model, Input(2), Dense(2, Name = \"a\"), Dense(2), Add(\"a\", From = \"input\")] public partial class M { }", "[Model, Input(2), Dense(2, Name = \"a\"), Dense(2), Add(\"a\", \"input\")] public partial class M { }" },
            new object[] { "MG0020", "[Model, Input(3), Dense(3, Name = \"a\"), BatchNorm(UseBatchStatisticsAtInference = true, Reason = \"adaptation\"), Add(\"a\")] public partial class M { }", "[Model, Input(3), Dense(3, Name = \"a\"), BatchNorm, Add(\"a\")] public partial class M { }" },
        };

        [Fact]
        public void MergeShapeErrorsNameBothShapes()
        {
            var result = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(3, Name = \"a\"), Dense(4, Name = \"b\"), Add(\"a\")] public partial class M { }");
            var message = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "MG0017").GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("Add layer 2 cannot merge its inputs: the current tensor ('b') is [4] and 'a' is [3]; Add needs the same shape", message);
        }

        [Fact]
        public void AnUnusedBranchWarnsAndStillGeneratesTheModel()
        {
            // MG0019 is a warning: the dense layer "side" reads the input, but nothing reads it, and it is not the output.
            var wrong = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(3, Name = \"side\"), Dense(3, From = \"input\"), ReLU] public partial class M { }");
            var diagnostic = Assert.Single(wrong.GeneratorDiagnostics, d => d.Id == "MG0019");
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Contains("'side'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(wrong.Sources);
            Assert.Empty(wrong.CompileErrors.Select(d => d.ToString()));

            var right = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(3, Name = \"side\"), Dense(3, From = \"input\"), Add(\"side\"), ReLU] public partial class M { }");
            Assert.DoesNotContain(right.GeneratorDiagnostics, d => d.Id.StartsWith("MG", System.StringComparison.Ordinal));
            Assert.Single(right.Sources);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void FiresOnTheWrongDeclarationAndGeneratesNothing(string id, string wrong, string right)
        {
            _ = right;
            var result = GeneratorHarness.Run(Usings + wrong);
            var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.Id == id);
            Assert.Equal($"https://github.com/modelgen/modelgen/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
            Assert.NotEqual(Microsoft.CodeAnalysis.Location.None, diagnostic.Location);
            Assert.Empty(result.Sources);
            Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "CS8785");
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(RepoRoot(), "docs", "diagnostics", id + ".md")), $"docs/diagnostics/{id}.md is missing");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void StaysSilentOnTheNearestCorrectDeclaration(string id, string wrong, string right)
        {
            _ = wrong;
            var result = GeneratorHarness.Run(Usings + right);
            Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id.StartsWith("MG", System.StringComparison.Ordinal));
            Assert.Single(result.Sources);
            Assert.StartsWith("MG0", id);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
        }

        [Fact]
        public void EveryDescriptorHasAReleaseEntryAndADocsPage()
        {
            var ids = typeof(ModelGen.Generator.Diagnostics.Descriptors)
                .GetFields()
                .Where(f => f.FieldType == typeof(Microsoft.CodeAnalysis.DiagnosticDescriptor))
                .Select(f => ((Microsoft.CodeAnalysis.DiagnosticDescriptor)f.GetValue(null)!).Id)
                .ToList();
            Assert.Equal(28, ids.Count);
            string releases = System.IO.File.ReadAllText(System.IO.Path.Combine(RepoRoot(), "generator", "ModelGen.Generator", "AnalyzerReleases.Unshipped.md"));
            foreach (var id in ids)
            {
                Assert.Contains(id + " |", releases);
                Assert.True(System.IO.File.Exists(System.IO.Path.Combine(RepoRoot(), "docs", "diagnostics", id + ".md")), id);
            }

            // Every declaration error has its cases; the one declaration warning (MG0019) has its own test above.
            Assert.Equal(ids.Count(id => id.StartsWith("MG0", System.StringComparison.Ordinal)) - 1, Cases().Select(c => (string)c[0]).Distinct().Count());
        }

        [Fact]
        public void GarbageInputNeverCrashesTheGenerator()
        {
            string[] sources =
            {
                "[Model] public partial class M { }",
                "[Model, Input] public partial class M { }",
                "[Model, Input(2), Dense] public partial class M { }",
                "[Model, Input(2), Dense(\"x\")] public partial class M { }",
                "[Model, Input(2), Dense(1), Loss((LossKind)42), Sgd] public partial class M { }",
                "[Model, Input(2), Dense(2), BatchNorm(Convention = (BatchNormConvention)9)] public partial class M { }",
                "[Model, Input(null), Dense(1)] public partial class M { }",
                "[Model, Input(int.MaxValue, int.MaxValue), Dense(1)] public partial class M { }",
                "[Model, Input(2), Dense(1), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = double.NaN)] public partial class M { }",
                "[Model, Input(2), Dense(1)] public partial record M { }",
                "[Model, Input(2), Dense(1)] public partial struct M { }",
                "[Model, Input(2), Dense(1)] partial class",
            };
            foreach (var source in sources)
            {
                var result = GeneratorHarness.Run(Usings + source);
                Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "CS8785");
            }
        }

        internal static string RepoRoot()
        {
            var dir = new System.IO.DirectoryInfo(System.AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "ModelGen.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new System.InvalidOperationException("ModelGen.sln not found above " + System.AppContext.BaseDirectory);
        }
    }
}
