using System.Linq;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>The planning stage on its own: tensor layout, fusion of layers into steps, buffers and workspaces.</summary>
    public class PlannerTests
    {
        /// <summary>Runs the generator and returns the plan its pipeline produced for the one model in <paramref name="source"/>.</summary>
        internal static ModelPlan PlanOf(string source)
        {
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics);
            var step = result.Run.Results.Single().TrackedSteps[ModelGenerator.Steps.Plan].Single();
            return (ModelPlan)step.Outputs.Single().Value;
        }

        private static string[] Steps(ModelPlan plan) =>
            plan.Inference.Steps.Select(s => $"{s.Kind}[{string.Join(",", s.Layers)}] {s.Source}->{s.Destination} {s.Size}").ToArray();

        [Fact]
        public void AGraphKeepsEachValueInItsBufferUntilItsLastReader()
        {
            var plan = PlanOf(SnapshotTests.Residual);

            // block0 (in a) is read by c1 and by proj, so c1's step writes b and c2's c; proj reads a again. The Add reads
            // projbn (b) and bn2 (c) and writes over b, which nothing reads after it; bn2 (c) stays for the concatenation.
            Assert.Equal(
                new[]
                {
                    "Producer[0,1] x->a 144", "Producer[2,3,4] a->b 36", "Producer[5,6] b->c 36", "Producer[7,8] a->b 36",
                    "Merge[9,10] b->b 36", "Merge[11] b->a 72", "Producer[12] a->b 8", "Producer[13] b->a 3", "Row[14] a->y 3",
                },
                Steps(plan));
            Assert.Equal(new[] { "b", "c" }, plan.Inference.Steps[4].Sources.ToArray());
            Assert.Equal(new[] { "b", "c" }, plan.Inference.Steps[5].Sources.ToArray());
            Assert.Equal(new[] { "a", "b", "c" }, plan.Inference.Scratch.ToArray());
            Assert.Equal(3 * 6 * 144, plan.Inference.WorkspaceFloats);
        }

        [Fact]
        public void HeInitializationFollowsTheDataNotTheListOrder()
        {
            // "a" is read by the ReLU (declared after "b"), so it initializes as a rectifier's input; "b" feeds the merge.
            var plan = PlanOf("""
                using ModelGen;
                namespace P;
                [Model, Input(3), Dense(4, Name = "a"), Dense(4, From = "input", Name = "b"), ReLU(From = "a", Name = "r"), Add("b")]
                public partial class M { }
                """);
            Assert.True(plan.Layers[0].HeInitialization);
            Assert.False(plan.Layers[1].HeInitialization);
        }

        [Fact]
        public void AStraightStackUsesThePingPongPair()
        {
            // The graph planner must give a stack exactly the buffers it had before graphs (the snapshots pin the code too).
            foreach (var source in new[] { SnapshotTests.BnMlp, SnapshotTests.Cnn, SnapshotTests.Wide, SnapshotTests.TinyXor })
            {
                var plan = PlanOf(source);
                Assert.True(plan.Inference.Scratch.Count <= 2);
                Assert.All(plan.Inference.Scratch, b => Assert.Contains(b, new[] { "a", "b" }));
                Assert.All(plan.Inference.Steps, s => Assert.Single(s.Sources));
            }
        }

        [Fact]
        public void BnMlpFusesDenseBatchNormAndReLUAndLaysOutTensorsInStateDictOrder()
        {
            var plan = PlanOf(SnapshotTests.BnMlp);
            Assert.Equal(
                new[] { "Producer[0,1,2] x->a 32", "Producer[4,5,6] a->b 16", "Producer[7] b->a 10", "Row[8] a->y 10" },
                Steps(plan));
            Assert.Equal(new[] { 3 }, plan.Inference.IdentityLayers.ToArray());
            Assert.Equal(32, plan.Inference.Width);
            Assert.Equal(6, plan.Inference.BlockRows);
            Assert.Equal((2874, 96, 2, 96), (plan.ParameterCount, plan.StateCount, plan.CounterCount, plan.DerivedCount));
            Assert.Equal(
                new[]
                {
                    "fc1.weight P 0", "fc1.bias P 2048", "bn1.weight P 2080", "bn1.bias P 2112", "bn1.running_mean S 0", "bn1.running_var S 32",
                    "bn1.num_batches_tracked C 0", "fc2.weight P 2144", "fc2.bias P 2656", "bn2.weight P 2672", "bn2.bias P 2688",
                    "bn2.running_mean S 64", "bn2.running_var S 80", "bn2.num_batches_tracked C 1", "out.weight P 2704", "out.bias P 2864",
                },
                plan.Tensors.Select(t => $"{t.Name} {t.Storage.ToString()[0]} {t.Offset}").ToArray());
            Assert.Equal(new[] { 32, 64 }, plan.Tensors[0].Shape.ToArray());

            // The compute layout: every tensor on a 16-float boundary, padded to whole panels; dense weights in panels.
            Assert.Equal(
                new[] { "fc1.weight 0 panels", "fc1.bias 2048", "bn1.weight 2080", "bn1.bias 2112", "fc2.weight 2144 panels", "fc2.bias 2656", "bn2.weight 2672", "bn2.bias 2688", "out.weight 2704 panels", "out.bias 2960" },
                plan.Tensors.Where(t => t.Storage == TensorStorageKind.Parameters).Select(t => $"{t.Name} {t.ComputeOffset}{(t.Panels ? " panels" : string.Empty)}").ToArray());
            Assert.Equal(2976, plan.ComputeCount);
            Assert.Empty(plan.Tensors.Single(t => t.Name == "bn1.num_batches_tracked").Shape);

            // The second BatchNorm's folded constants follow the first's.
            Assert.Equal(64, plan.Layers[5].DerivedOffset);

            // He initialization where a rectifier follows (across BatchNorm), Glorot for the output layer.
            Assert.True(plan.Layers[0].HeInitialization);
            Assert.True(plan.Layers[4].HeInitialization);
            Assert.False(plan.Layers[7].HeInitialization);

            Assert.Equal(new TrainingPlan(GradientWidth: 64, MinBatchSize: 2, FirstParameterLayer: 0, FusedLoss: true), plan.Training);
        }

        [Theory]
        [InlineData("Dense(4), Tanh, BatchNorm", "Producer[0,1] x->a 4|Elementwise[2] a->y 4")]
        [InlineData("BatchNorm, BatchNorm", "Elementwise[0] x->a 3|Elementwise[1] a->y 3")]
        [InlineData("Sigmoid, Tanh", "Elementwise[0] x->a 3|Elementwise[1] a->y 3")]
        [InlineData("Dense(4), Dropout(0.5), BatchNorm, ReLU, Dense(2)", "Producer[0,2,3] x->a 4|Producer[4] a->y 2")]
        [InlineData("BatchNorm, ReLU, Dense(2), Softmax", "Elementwise[0,1] x->a 3|Producer[2] a->b 2|Row[3] b->y 2")]
        [InlineData("Dense(4), Softmax, Dense(2), Softmax", "Producer[0] x->a 4|Row[1] a->a 4|Producer[2] a->b 2|Row[3] b->y 2")]
        [InlineData("Dropout(0.1)", "")]
        public void FusesEachStageAtMostOnceInOrder(string layers, string expected)
        {
            var plan = PlanOf($"using ModelGen;\n[Model, Input(3), {layers}] public partial class M {{ }}");
            Assert.Equal(expected, string.Join("|", Steps(plan)));
            Assert.Null(plan.Training);
        }

        [Fact]
        public void BatchModeHasNoStepsAndSizesItsBuffersForTheWidestRow()
        {
            var plan = PlanOf(SnapshotTests.Adaptive);
            Assert.True(plan.Inference.BatchMode);
            Assert.Empty(plan.Inference.Steps);
            Assert.False(plan.Inference.UsesBlocks);
            Assert.Equal(8, plan.Inference.RowWidth);
        }

        [Fact]
        public void EveryDenseLayerUsesBlocksAndTheBackwardPassStopsAtTheFirstParameter()
        {
            var plan = PlanOf("using ModelGen;\n[Model, Input(3), Tanh, Dense(2), Sigmoid, Loss(LossKind.BinaryCrossEntropy), Sgd] public partial class M { }");
            Assert.Equal(6, plan.Inference.BlockRows);
            Assert.Equal(new TrainingPlan(GradientWidth: 3, MinBatchSize: 1, FirstParameterLayer: 1, FusedLoss: true), plan.Training);
        }

        [Theory]
        [InlineData("Input(64), Dense(672), ReLU, Dense(2)", false, 8064)] // a block of 6 rows: 2 x 6 x 672 floats = 31.5 KiB, on the stack
        [InlineData("Input(64), Dense(673), ReLU, Dense(2)", true, 8256)] // rows padded to 688 floats: 32.25 KiB
        [InlineData("Input(2), Dense(1048576)", false, 12582912)] // one step straight into the output: no buffers, so no workspace
        [InlineData("Input(3), Tanh, Tanh", false, 32)] // no dense layer, no blocks: two rows padded to 16
        public void WideLayersUseAPerThreadWorkspaceInsteadOfTheStack(string layers, bool heap, int floats)
        {
            var plan = PlanOf($"using ModelGen;\n[Model, {layers}] public partial class M {{ }}");
            Assert.Equal(heap, plan.Inference.HeapWorkspace);
            Assert.Equal(floats, plan.Inference.WorkspaceFloats);
        }

        [Fact]
        public void ThePlanIsAnEquatableValue()
        {
            var a = PlanOf(SnapshotTests.BnMlp);
            var b = PlanOf(SnapshotTests.BnMlp);
            Assert.NotSame(a, b);
            Assert.Equal(a, b);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
            Assert.NotEqual(a, PlanOf(SnapshotTests.BnMlp.Replace("Dense(16", "Dense(17")));
        }
    }
}
