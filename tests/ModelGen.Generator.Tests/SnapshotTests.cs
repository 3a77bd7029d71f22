using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Reporters;
using ApprovalTests.Writers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// Pins the generated source of each sample model in Snapshots/{hint name without .cs}.approved.cs. On a change the
    /// test fails with a line diff and writes the .received.cs file next to it; read the diff, then copy it over the
    /// approved file to accept it. The generator version is scrubbed so a version bump alone changes nothing.
    /// </summary>
    public class SnapshotTests
    {
        public const string SeedNet = """
            using ModelGen;
            namespace Snapshots;
            [Model]
            [Input(200)]
            [Dense(5)]
            [BatchNorm(Momentum = 0.99, Epsilon = 1e-3, Convention = BatchNormConvention.Keras)]
            [Softmax]
            [Loss(LossKind.CategoricalCrossEntropy)]
            [Sgd(LearningRate = 0.01, Momentum = 0.9, Nesterov = false, Decay = 3e-6)]
            public partial class SeedNet { }
            """;

        public const string BnMlp = """
            using ModelGen;
            namespace Snapshots;
            [Model]
            [Input(64)]
            [Dense(32, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU, Dropout(0.2)]
            [Dense(16, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
            [Dense(10, Name = "out"), Softmax]
            [Loss(LossKind.CategoricalCrossEntropy)]
            [Adam(LearningRate = 1e-3)]
            public partial class BnMlp { }
            """;

        public const string TinyXor = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(2), Dense(3), Tanh, Dense(1), Sigmoid]
            [Loss(LossKind.BinaryCrossEntropy)]
            [Sgd(LearningRate = 0.5, Momentum = 0.9, Nesterov = true)]
            public partial class TinyXor { }
            """;

        public const string Regression = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(13), Dense(16), LeakyReLU(0.1), Dense(8, UseBias = false), Tanh, Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            [Sgd(LearningRate = 0.01, Momentum = 0.5, WeightDecay = 1e-4)]
            public partial class Regression { }
            """;

        public const string Adaptive = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(6), Dense(8), BatchNorm(UseBatchStatisticsAtInference = true, Reason = "test-time adaptation"), ReLU]
            [Dropout(0.25, ActiveAtInference = true, Reason = "Monte Carlo dropout"), Dense(2), Softmax]
            public partial class Adaptive { }
            """;

        /// <summary>Large enough for every threaded path: one Predict row split by panels, training split by rows and panels.</summary>
        public const string Wide = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(1000), Dense(170, Name = "wide"), Sigmoid, Dense(10, Name = "out"), Softmax]
            [Loss(LossKind.CategoricalCrossEntropy)]
            [Sgd(LearningRate = 0.01)]
            public partial class Wide { }
            """;

        /// <summary>Every image layer kind: convolutions (padded, "same"), BatchNorm over channels, pooling, GELU, Flatten, LayerNorm.</summary>
        public const string Cnn = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(1, 8, 8)]
            [Conv2D(8, 3, Padding = 1, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU, MaxPool2D(2)]
            [Conv2D(4, 2, PaddingMode = PaddingMode.Same, Name = "conv2"), GELU, AvgPool2D(2)]
            [Flatten, LayerNorm(Name = "ln"), Dense(3, Name = "out"), Softmax]
            [Loss(LossKind.CategoricalCrossEntropy)]
            [Adam(LearningRate = 1e-3)]
            public partial class Cnn { }
            """;

        /// <summary>
        /// A graph: a residual block with a strided projection shortcut (a value kept for a later reader, an element-wise
        /// merge written over an input it reads last, epilogues fused after it), a concatenation, and gradients that add up
        /// where a value fans out.
        /// </summary>
        public const string Residual = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(2, 6, 6)]
            [Conv2D(4, 3, Padding = 1, Name = "stem"), ReLU(Name = "block0")]
            [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "c1"), BatchNorm(Name = "bn1"), ReLU]
            [Conv2D(4, 3, Padding = 1, Name = "c2"), BatchNorm(Name = "bn2")]
            [Conv2D(4, 1, Stride = 2, From = "block0", Name = "proj"), BatchNorm(Name = "projbn")]
            [Add("bn2"), ReLU(Name = "block1")]
            [Concatenate("bn2"), GlobalAvgPool, Dense(3, Name = "fc"), Softmax]
            [Loss(LossKind.CategoricalCrossEntropy)]
            [Sgd(LearningRate = 0.1, Momentum = 0.9)]
            public partial class Residual { }
            """;

        /// <summary>The optimizers with their own update code: AdamW's decoupled decay, RMSprop with momentum.</summary>
        public const string Optimizers = """
            using ModelGen;
            namespace Snapshots;
            [Model, Input(5), Dense(4), Tanh, Dense(2)]
            [Loss(LossKind.MeanSquaredError)]
            [AdamW(LearningRate = 0.01, WeightDecay = 0.1)]
            public partial class AdamWNet { }

            [Model, Input(5), Dense(4), Tanh, Dense(2)]
            [Loss(LossKind.MeanSquaredError)]
            [RmsProp(LearningRate = 0.01, Alpha = 0.9, Momentum = 0.5, WeightDecay = 0.01)]
            public partial class RmsPropNet { }
            """;

        [Fact]
        public void OptimizerUpdatesMatchTheApprovedSnapshots()
        {
            var result = GeneratorHarness.Run(Optimizers);
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Equal(2, result.Sources.Count());
            foreach (var generated in result.Sources)
            {
                VerifySnapshot(generated.HintName, generated.SourceText.ToString());
            }
        }

        [Theory]
        [InlineData(Cnn)]
        [InlineData(Wide)]
        [InlineData(Adaptive)]
        [InlineData(SeedNet)]
        [InlineData(BnMlp)]
        [InlineData(TinyXor)]
        [InlineData(Regression)]
        [InlineData(Residual)]
        public void GeneratedSourceMatchesTheApprovedSnapshot(string source)
        {
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics);
            var generated = Assert.Single(result.Sources);
            VerifySnapshot(generated.HintName, generated.SourceText.ToString());
        }

        internal static void VerifySnapshot(string hintName, string text, [CallerFilePath] string callerPath = "")
        {
            string scrubbed = text.Replace(ModelGen.Generator.Emit.ModelEmitter.Version, "{version}");
            string folder = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
            var namer = new HintNamer(folder, Path.GetFileNameWithoutExtension(hintName));
            string approvedPath = Path.Combine(folder, namer.Name + ".approved.cs");
            string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : string.Empty;
            try
            {
                Approvals.Verify(new ApprovalTextWriter(scrubbed, "cs"), namer, QuietReporter.INSTANCE);
            }
            catch (Exception ex)
            {
                var diff = InlineDiffBuilder.Diff(approved, scrubbed);
                var lines = diff.Lines
                    .Select((l, i) => (l, i))
                    .Where(p => p.l.Type != ChangeType.Unchanged)
                    .Take(40)
                    .Select(p => $"{(p.l.Type == ChangeType.Inserted ? "+" : "-")} {p.i + 1,5}: {p.l.Text}");
                throw new Xunit.Sdk.XunitException(
                    $"The generated source of {hintName} differs from {approvedPath} ({ex.GetType().Name}).\n"
                    + "Read the diff; if it is intended, copy the .received.cs file over the .approved.cs file.\n"
                    + string.Join("\n", lines));
            }
        }

        private sealed class HintNamer : IApprovalNamer
        {
            public HintNamer(string sourcePath, string name)
            {
                SourcePath = sourcePath;
                Name = name;
            }

            public string SourcePath { get; }

            public string Name { get; }
        }
    }
}
