using System;
using System.Collections.Generic;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// The founding promise: row i of PredictBatch is bitwise identical to Predict of row i, for every batch size and
    /// position, whatever the neighbouring rows hold (huge values, NaN).
    /// </summary>
    public class BatchInvarianceTests
    {
        public static IEnumerable<object[]> Models() => new[]
        {
            new object[] { "SeedNet" },
            new object[] { "BnMlp" },
            new object[] { "TinyXor" },
            new object[] { "Regressor" },
            new object[] { "Everything" },
            new object[] { "Mlp784" },
            new object[] { "WideNet" },
            new object[] { "SmallCnn" },
            new object[] { "GlobalPoolCnn" },
            new object[] { "ResidualCnn" },
            new object[] { "MergeMlp" },
        };

        internal static IModel Trained(string name)
        {
            // Train a few steps first so BatchNorm running statistics and weights are not at their initial values.
            switch (name)
            {
                case "SeedNet": { var m = new SeedNet(1); Train(m, m.CreateTrainer(8)); return m; }
                case "BnMlp": { var m = new BnMlp(2); Train(m, m.CreateTrainer(8)); return m; }
                case "TinyXor": { var m = new TinyXor(3); Train(m, m.CreateTrainer(8)); return m; }
                case "Regressor": { var m = new Regressor(4); Train(m, m.CreateTrainer(8)); return m; }
                case "Everything": { var m = new Everything(5); Train(m, m.CreateTrainer(8)); return m; }
                case "Mlp784": { var m = new Mlp784(6); Train(m, m.CreateTrainer(8)); return m; }
                case "WideNet": { var m = new WideNet(7); Train(m, m.CreateTrainer(8)); return m; }
                case "SmallCnn": { var m = new SmallCnn(8); Train(m, m.CreateTrainer(8)); return m; }
                case "GlobalPoolCnn": { var m = new GlobalPoolCnn(9); Train(m, m.CreateTrainer(8)); return m; }
                case "ResidualCnn": { var m = new ResidualCnn(10); Train(m, m.CreateTrainer(8)); return m; }
                case "MergeMlp": { var m = new MergeMlp(11); Train(m, m.CreateTrainer(8)); return m; }
                default: throw new ArgumentException(name);
            }
        }

        private static void Train(IModel model, ITrainer trainer)
        {
            for (int step = 0; step < 3; step++)
            {
                var x = TestData.Uniform(8 * model.InputLength, 100 + step, -2f, 2f);
                var t = TestData.Targets(8, model.OutputLength, 200 + step, oneHot: trainer.Loss == LossKind.CategoricalCrossEntropy);
                trainer.TrainStep(x, t);
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void EveryRowOfEveryBatchEqualsPredictBitwise(string name)
        {
            var model = Trained(name);
            int inLen = model.InputLength, outLen = model.OutputLength;
            float[] poison = { 1e30f, -1e30f, float.NaN };
            var rng = new DeterministicRandom(42);
            var single = new float[outLen];
            int compared = 0;
            for (int batch = 1; batch <= 67; batch++)
            {
                int position = rng.NextInt(batch);
                var inputs = new float[batch * inLen];
                for (int r = 0; r < batch; r++)
                {
                    for (int i = 0; i < inLen; i++)
                    {
                        inputs[(r * inLen) + i] = r == position ? rng.NextUniform(-3f, 3f) : poison[(r + i) % poison.Length];
                    }
                }

                var outputs = new float[batch * outLen];
                model.PredictBatch(inputs, outputs);
                model.Predict(inputs.AsSpan(position * inLen, inLen), single);
                Assert.True(
                    TestData.SameBits(single, outputs.AsSpan(position * outLen, outLen)),
                    $"{name}: batch {batch}, row {position}: Predict {string.Join(", ", single)} vs PredictBatch {string.Join(", ", outputs.AsSpan(position * outLen, outLen).ToArray())}");
                Assert.All(single, v => Assert.False(float.IsNaN(v), $"{name}: a finite row produced NaN"));
                compared++;
            }

            Assert.Equal(67, compared);
        }

        /// <summary>
        /// The rule behind MG1001's silence on a model with neither BatchNorm nor dropout (docs/diagnostics/MG1001.md): its
        /// training-mode forward pass computes each row alone, so a row's <see cref="ITrainer.LastOutputs"/> are the same bits
        /// whatever the other rows hold, however many there are, and wherever the row sits. (A model with BatchNorm or dropout
        /// fails this, which <see cref="TrainingModeOutputsOfAModelWithBatchNormOrDropoutDependOnTheOtherRows"/> shows, so the
        /// test can tell.)
        /// </summary>
        [Theory]
        [InlineData("TinyXor")]
        [InlineData("Regressor")]
        [InlineData("GlobalPoolCnn")]
        public void TrainingModeOutputsOfAModelWithoutBatchNormOrDropoutDependOnlyOnTheirRow(string name)
        {
            var model = Trained(name);
            Assert.DoesNotContain(model.Description.Layers, l => l is BatchNormDescription or DropoutDescription);
            Assert.Equal(0, TrainingModeDifferences(model, name));
        }

        /// <summary>The converse: with BatchNorm or dropout, a row's training-mode outputs change with its neighbours.</summary>
        [Theory]
        [InlineData("BnMlp")]
        [InlineData("SmallCnn")]
        public void TrainingModeOutputsOfAModelWithBatchNormOrDropoutDependOnTheOtherRows(string name)
        {
            var model = Trained(name);
            Assert.True(TrainingModeDifferences(model, name) > 0);
        }

        /// <summary>
        /// Runs one fixed row through ComputeGradients in batches of 1 to 8 rows, at every position, among random neighbours,
        /// and counts the batches whose training-mode outputs for that row differ (in any bit) from the row alone.
        /// </summary>
        private static int TrainingModeDifferences(IModel model, string name)
        {
            int inLen = model.InputLength, outLen = model.OutputLength;
            var trainer = CreateTrainer(model, 8);
            trainer.DetectDivergence = false;
            bool classes = trainer.Loss == LossKind.CategoricalCrossEntropy;
            var row = TestData.Uniform(inLen, 11, -2f, 2f);
            int start = trainer.MinBatchSize;
            float[] Alone()
            {
                var x = new float[start * inLen];
                for (int r = 0; r < start; r++)
                {
                    row.CopyTo(x, r * inLen);
                }

                trainer.ComputeGradients(x, TestData.Targets(start, outLen, 5, classes));
                return trainer.LastOutputs.Slice(0, outLen).ToArray();
            }

            var expected = Alone();
            int differences = 0, batches = 0;
            for (int batch = start; batch <= 8; batch++)
            {
                for (int position = 0; position < batch; position++)
                {
                    var x = TestData.Uniform(batch * inLen, (batch * 31) + position, -20f, 20f);
                    row.CopyTo(x, position * inLen);
                    trainer.ComputeGradients(x, TestData.Targets(batch, outLen, batch + position, classes));
                    differences += TestData.SameBits(expected, trainer.LastOutputs.Slice(position * outLen, outLen)) ? 0 : 1;
                    batches++;
                }
            }

            Assert.True(batches >= 35, $"{name}: {batches} batches");
            return differences;
        }

        private static ITrainer CreateTrainer(IModel model, int rows) => model switch
        {
            TinyXor m => m.CreateTrainer(rows),
            Regressor m => m.CreateTrainer(rows),
            GlobalPoolCnn m => m.CreateTrainer(rows),
            BnMlp m => m.CreateTrainer(rows),
            SmallCnn m => m.CreateTrainer(rows),
            _ => throw new ArgumentException(model.GetType().Name),
        };

        [Theory]
        [MemberData(nameof(Models))]
        public void EveryRowOfAFullBatchEqualsPredictBitwise(string name)
        {
            var model = Trained(name);
            int rows = 67;
            var inputs = TestData.Uniform(rows * model.InputLength, 7, -3f, 3f);
            var outputs = new float[rows * model.OutputLength];
            model.PredictBatch(inputs, outputs);
            var single = new float[model.OutputLength];
            for (int r = 0; r < rows; r++)
            {
                model.Predict(inputs.AsSpan(r * model.InputLength, model.InputLength), single);
                Assert.True(TestData.SameBits(single, outputs.AsSpan(r * model.OutputLength, model.OutputLength)), $"{name}: row {r}");
            }
        }

        [Theory]
        [InlineData("Mlp784")]
        [InlineData("WideNet")]
        public void PredictIsDeterministicAcrossThreads(string name)
        {
            // WideNet runs in a per-thread workspace: threads predicting at once must never share it.
            var model = Trained(name);
            int rows = 9;
            var x = TestData.Uniform(rows * model.InputLength, 9);
            var expected = new float[rows * model.OutputLength];
            model.PredictBatch(x, expected);
            var results = new float[8][];
            System.Threading.Tasks.Parallel.For(0, 8, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                var y = new float[rows * model.OutputLength];
                var one = new float[model.OutputLength];
                for (int k = 0; k < 20; k++)
                {
                    model.PredictBatch(x, y);
                    int r = (i + k) % rows;
                    model.Predict(x.AsSpan(r * model.InputLength, model.InputLength), one);
                    Assert.True(TestData.SameBits(expected.AsSpan(r * model.OutputLength, model.OutputLength), one));
                }

                results[i] = y;
            });
            Assert.All(results, y => Assert.True(TestData.SameBits(expected, y)));
        }

        [Theory]
        [InlineData("WideNet")]
        [InlineData("SmallCnn")]
        [InlineData("GlobalPoolCnn")]
        public void AWorkspaceModelAllocatesNothingPerCallAfterTheFirstOnAThread(string name)
        {
            // WideNet's buffers and a convolution's patch scratch live in per-thread arrays, allocated on first use.
            var model = Trained(name);
            var x = TestData.Uniform(5 * model.InputLength, 3);
            var y = new float[5 * model.OutputLength];
            model.PredictBatch(x, y); // the thread's workspace is allocated here, once
            model.Predict(x.AsSpan(0, model.InputLength), y.AsSpan(0, model.OutputLength));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                model.PredictBatch(x, y);
                model.Predict(x.AsSpan(0, model.InputLength), y.AsSpan(0, model.OutputLength));
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
