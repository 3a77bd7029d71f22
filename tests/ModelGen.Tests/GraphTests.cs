using System.IO;
using System.Linq;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>What a graph model shows and keeps beyond its arithmetic (which the gradient, reference and PyTorch tests check).</summary>
    public class GraphTests
    {
        [Fact]
        public void SummaryShowsWhatEachLayerOfAGraphReads()
        {
            string summary = TorchResNet.Description.Summary();
            var lines = summary.Split('\n');
            Assert.True(lines.Length > 3 && lines[1].Contains("Connected to", System.StringComparison.Ordinal), summary);
            Assert.EndsWith("block0", lines.Single(l => l.StartsWith("proj ", System.StringComparison.Ordinal)).TrimEnd());
            Assert.EndsWith("projbn, bn2", lines.Single(l => l.StartsWith("10 ", System.StringComparison.Ordinal)).TrimEnd());
            Assert.EndsWith("sider, block2", lines.Single(l => l.StartsWith("21 ", System.StringComparison.Ordinal)).TrimEnd());
            Assert.Contains("Add ", lines.Single(l => l.StartsWith("10 ", System.StringComparison.Ordinal)));

            // A straight stack keeps its summary as it was: no column of inputs.
            Assert.DoesNotContain("Connected to", BnMlp.Description.Summary());
            Assert.All(BnMlp.Description.Layers, l => Assert.Empty(l.Inputs));
        }

        [Fact]
        public void AGraphsWeightsRoundTripThroughSafetensorsBitwise()
        {
            var trained = BatchInvarianceTests.Trained("ResidualCnn");
            using var file = new MemoryStream();
            trained.SaveWeights(file);
            var fresh = new ResidualCnn(99);
            file.Position = 0;
            fresh.LoadWeights(file);
            var x = TestData.Uniform(9 * ResidualCnn.InputSize, 3, -2f, 2f);
            var expected = new float[9 * ResidualCnn.OutputSize];
            var actual = new float[expected.Length];
            trained.PredictBatch(x, expected);
            fresh.PredictBatch(x, actual);
            Assert.True(TestData.SameBits(expected, actual));
            Assert.All(ResidualCnn.Tensors, t => Assert.True(TestData.SameBits(trained.GetTensor(t.Name), fresh.GetTensor(t.Name)), t.Name));
        }
    }
}
