using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Differential.Tests
{
    /// <summary>Batch invariance and training determinism as properties over the random networks.</summary>
    public class PropertyTests : IClassFixture<CompiledNetworks>
    {
        private static readonly float[] Extremes =
        {
            1e30f, -1e30f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, float.MinValue,
        };

        private readonly CompiledNetworks _compiled;
        private readonly ITestOutputHelper _output;

        public PropertyTests(CompiledNetworks compiled, ITestOutputHelper output)
        {
            _compiled = compiled;
            _output = output;
        }

        /// <summary>
        /// For every random network: a random batch size in 1..512, a random position, the other rows filled with
        /// extremes (±1e30, ±Inf, NaN, subnormals, ±MaxValue) or ordinary values; the row of PredictBatch equals Predict
        /// of that row bit for bit. A second position in the same batch is checked too.
        /// </summary>
        [Fact]
        public void EveryRowOfPredictBatchEqualsPredictBitwise()
        {
            int checkedRows = 0;
            foreach (var net in _compiled.Networks)
            {
                var rng = new DeterministicRandom(net.Seed + 5000);
                var model = _compiled.Factories[net.Seed](net.Seed);
                int inLen = model.InputLength, outLen = model.OutputLength;

                // Move the running statistics away from their initial values first.
                var trainer = RandomNetworks.CreateTrainer(model, 8, 1);
                trainer.TrainStep(DifferentialTests.Inputs(8, inLen, rng), DifferentialTests.Targets(net.Loss, 8, outLen, rng));

                int batch = 1 + rng.NextInt(512);
                var x = new float[batch * inLen];
                bool extremes = rng.NextDouble() < 0.75;
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = extremes ? Extremes[rng.NextInt(Extremes.Length)] : rng.NextUniform(-3f, 3f);
                }

                var positions = new[] { rng.NextInt(batch), rng.NextInt(batch) };
                foreach (int p in positions)
                {
                    for (int i = 0; i < inLen; i++)
                    {
                        x[(p * inLen) + i] = rng.NextUniform(-3f, 3f);
                    }
                }

                var y = new float[batch * outLen];
                model.PredictBatch(x, y);
                var single = new float[outLen];
                foreach (int p in positions)
                {
                    model.Predict(x.AsSpan(p * inLen, inLen), single);
                    for (int j = 0; j < outLen; j++)
                    {
                        Assert.True(
                            BitConverter.SingleToInt32Bits(single[j]) == BitConverter.SingleToInt32Bits(y[(p * outLen) + j]),
                            $"network {net.Seed}, batch {batch}, row {p}, output {j}: Predict {single[j]:R} vs PredictBatch {y[(p * outLen) + j]:R}\n{net.Declaration}");
                    }

                    checkedRows++;
                }
            }

            _output.WriteLine($"{_compiled.Networks.Count} networks, {checkedRows} rows compared bitwise");
            Assert.Equal(2 * _compiled.Networks.Count, checkedRows);
        }

        /// <summary>The same seeds give bitwise-identical weights and running statistics after 3 epochs of Fit, run twice.</summary>
        [Fact]
        public void TrainingIsBitwiseReproducible()
        {
            foreach (var net in _compiled.Networks.Where(n => n.Seed % 10 == 0))
            {
                float[] Train()
                {
                    var rng = new DeterministicRandom(net.Seed + 9000);
                    var model = _compiled.Factories[net.Seed](net.Seed);
                    int rows = 40;
                    var x = DifferentialTests.Inputs(rows, model.InputLength, rng);
                    var t = DifferentialTests.Targets(net.Loss, rows, model.OutputLength, rng);
                    var trainer = RandomNetworks.CreateTrainer(model, 8, net.Seed);
                    FitLoop.Run(model, trainer, x, t, new FitOptions { Epochs = 3, BatchSize = 8, Seed = net.Seed });
                    var (state, _) = DifferentialTests.StateOf(model);
                    return model.Parameters.ToArray().Concat(state).ToArray();
                }

                var first = Train();
                var second = Train();
                Assert.True(
                    first.Select(BitConverter.SingleToInt32Bits).SequenceEqual(second.Select(BitConverter.SingleToInt32Bits)),
                    $"network {net.Seed} trained twice with the same seeds gave different weights\n{net.Declaration}");
            }
        }
    }
}
