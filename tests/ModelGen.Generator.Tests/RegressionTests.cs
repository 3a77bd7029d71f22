using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>Regression tests for bugs found in the generator; each failed before its fix.</summary>
    public class RegressionTests
    {
        private const string Usings = "using ModelGen;\nnamespace R;\n";

        [Fact]
        public void LayersWithoutParametersDoNotCountTowardsTheParameterLimit()
        {
            // Before: every layer added inputs x outputs (16384^2 for each ReLU), so this valid model got MG0014.
            var result = GeneratorHarness.Run(Usings + "[Model, Input(16384), ReLU, ReLU, BatchNorm, Tanh, Dense(1)] public partial class M { }");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Single(result.Sources);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
        }

        [Fact]
        public void TwoSoftmaxLayersCompileAndEachNormalizesItsRow()
        {
            // Before: PredictRow declared the locals max and sum twice (CS0128) and no MG diagnostic explained why.
            var result = GeneratorHarness.Run(Usings + "[Model, Input(3), Dense(4), Softmax, Dense(2), Softmax, Loss(LossKind.CategoricalCrossEntropy), Sgd] public partial class M { }");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            var (assembly, context) = GeneratorHarness.Load(result);
            try
            {
                var model = (IModel)Activator.CreateInstance(assembly.GetType("R.M")!, 3)!;
                var y = new float[2 * 5];
                model.PredictBatch(Enumerable.Range(0, 15).Select(i => (float)Math.Cos(i)).ToArray(), y);
                for (int r = 0; r < 5; r++)
                {
                    Assert.Equal(1.0, y[2 * r] + y[(2 * r) + 1], 5);
                }
            }
            finally
            {
                context.Unload();
            }
        }

        [Theory]
        [InlineData("a\u2028b")]
        [InlineData("a\u2029b")]
        [InlineData("a\u0085b")]
        [InlineData("a\u200Bb")]
        [InlineData("a\tb")]
        public void NamesThatCannotAppearInGeneratedCodeAreRejected(string name)
        {
            var result = GeneratorHarness.Run(Usings + $"[Model, Input(2), Dense(1, Name = \"{Escape(name)}\")] public partial class M {{ }}");
            Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "MG0013");
            Assert.Empty(result.Sources);
        }

        [Fact]
        public void ANameWithAnUnpairedSurrogateIsRejected()
        {
            // Built here, not in InlineData: the test runner's serialization would replace the lone surrogate.
            var result = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(1, Name = \"lone\\uD800surrogate\")] public partial class M { }");
            Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "MG0013");
            Assert.Empty(result.Sources);
        }

        [Fact]
        public void NamesBeyondTheBasicPlaneAreAccepted()
        {
            var result = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(1, Name = \"layer\U0001F600\")] public partial class M { }");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            Assert.Contains("\"layer\U0001F600.weight\"", result.Sources.Single().SourceText.ToString());
        }

        [Fact]
        public void NamesWithXmlCharactersStayValidInTheDocumentation()
        {
            var result = GeneratorHarness.Run(Usings + "[Model, Input(2), Dense(1, Name = \"a<b>&c]]>\")] public partial class M { }");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            var text = result.Sources.Single().SourceText.ToString();
            Assert.Contains("a&lt;b>&amp;c]]&gt;", text);
            Assert.Contains("\"a<b>&c]]>.weight\"", text);
        }

        [Theory]
        [InlineData("line\u2028separator")]
        [InlineData("paragraph\u2029separator")]
        [InlineData("next\u0085line")]
        [InlineData("quote \" and backslash \\ and\r\nnewline")]
        [InlineData("zero\u200Bwidth and \u0001 control")]
        public void AReasonWithAnyCharacterCompilesAndSurvivesExactly(string reason)
        {
            // Before: U+2028, U+2029 and U+0085 ended the generated string literal (CS1010).
            string source = Usings + $"[Model, Input(4), Dense(3), BatchNorm(UseBatchStatisticsAtInference = true, Reason = \"{Escape(reason)}\"), Softmax] public partial class M {{ }}";
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            var (assembly, context) = GeneratorHarness.Load(result);
            try
            {
                var predict = assembly.GetType("R.M")!.GetMethod("Predict")!;
                var marker = predict.GetCustomAttributes().Single(a => a.GetType().Name == "UsesBatchStatisticsAttribute");
                Assert.Equal("layer 1: " + reason.Trim(), (string?)marker.GetType().GetProperty("Reason")!.GetValue(marker));
            }
            finally
            {
                context.Unload();
            }
        }

        [Fact]
        public void DefaultLayerNamesArePositionsAsTheDocumentationSays()
        {
            // Before: the documentation promised "dense0, bn1" while the generator named layers by position.
            var result = GeneratorHarness.Run(Usings + "[Model, Input(4), Dense(8), ReLU, BatchNorm, Dense(2, Name = \"head\")] public partial class M { }");
            var (assembly, context) = GeneratorHarness.Load(result);
            try
            {
                var tensors = (System.Collections.Generic.IReadOnlyList<TensorDescriptor>)assembly.GetType("R.M")!.GetProperty("Tensors")!.GetValue(null)!;
                Assert.Equal(
                    new[] { "0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var", "2.num_batches_tracked", "head.weight", "head.bias" },
                    tensors.Select(t => t.Name).ToArray());
            }
            finally
            {
                context.Unload();
            }

            var docs = System.Xml.Linq.XDocument.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "ModelGen.xml"));
            string summary = docs.Descendants("member").Single(m => (string?)m.Attribute("name") == "P:ModelGen.LayerAttribute.Name").Value;
            Assert.Contains("position", summary);
            Assert.Contains("0.weight", summary);
            Assert.DoesNotContain("dense0", summary);
        }

        /// <summary>The text as a C# regular string literal body (every character outside printable ASCII as \uXXXX).</summary>
        private static string Escape(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:X4}"));
    }
}
