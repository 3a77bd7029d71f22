using System;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Tests that change <see cref="Parallelism.MaxDegreeOfParallelism"/> run alone, so the degree they set is the one used.</summary>
    [CollectionDefinition("Parallelism", DisableParallelization = true)]
    public class ParallelismCollection
    {
    }

    /// <summary>
    /// PredictBatch splits rows over threads above a size threshold; every row's arithmetic stays the same. Row i of a batch
    /// must equal Predict(row i) bit for bit for every degree, every batch size around the split points, and every position.
    /// </summary>
    [Collection("Parallelism")]
    public class ParallelismTests
    {
        [Theory]
        [InlineData("Mlp784")]
        [InlineData("WideNet")]
        [InlineData("Everything")]
        [InlineData("SmallCnn")]
        [InlineData("ResidualCnn")]
        [InlineData("MergeMlp")]
        public void PredictBatchIsBitwiseTheSameForEveryDegree(string name)
        {
            var model = BatchInvarianceTests.Trained(name);
            int previous = Parallelism.MaxDegreeOfParallelism;
            try
            {
                var single = new float[model.OutputLength];
                foreach (int rows in new[] { 1, 2, 3, 11, 12, 13, 15, 23, 25, 47, 61, 256 })
                {
                    var x = TestData.Uniform(rows * model.InputLength, rows, -3f, 3f);
                    float[]? first = null;
                    foreach (int degree in new[] { 1, 2, 3, 4 })
                    {
                        Parallelism.MaxDegreeOfParallelism = degree;
                        var y = new float[rows * model.OutputLength];
                        model.PredictBatch(x, y);
                        first ??= y;
                        Assert.True(TestData.SameBits(first, y), $"{name}: {rows} rows, degree {degree} differs from degree 1");
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        model.Predict(x.AsSpan(r * model.InputLength, model.InputLength), single);
                        Assert.True(TestData.SameBits(single, first.AsSpan(r * model.OutputLength, model.OutputLength)), $"{name}: {rows} rows, row {r}");
                    }
                }
            }
            finally
            {
                Parallelism.MaxDegreeOfParallelism = previous;
            }
        }

        [Theory]
        [InlineData("Mlp784", 64)]
        [InlineData("Mlp784", 37)]
        [InlineData("WideNet", 30)]
        [InlineData("WideCnn", 32)]
        [InlineData("SmallCnn", 29)]
        [InlineData("OddBatchNormNet", 64)]
        [InlineData("OddBatchNormNet", 2000)]
        [InlineData("WideResidual", 32)]
        [InlineData("MergeMlp", 64)]
        public void TrainingIsBitwiseTheSameForEveryDegree(string name, int rows)
        {
            // Training splits large layers over threads (dense forward and input gradients by rows, weight gradients by
            // whole 16-output panels, BatchNorm by features or channels, the optimizer update and the divergence scan by
            // elements); no sum crosses threads, so losses, gradients and parameters must not change.
            int previous = Parallelism.MaxDegreeOfParallelism;
            try
            {
                (float[] Losses, float[] Gradients, float[] Parameters)? first = null;
                foreach (int degree in new[] { 1, 2, 3 })
                {
                    Parallelism.MaxDegreeOfParallelism = degree;
                    var run = Train(name, rows);
                    first ??= run;
                    Assert.True(TestData.SameBits(first.Value.Losses, run.Losses), $"{name}: losses differ at degree {degree}");
                    Assert.True(TestData.SameBits(first.Value.Gradients, run.Gradients), $"{name}: gradients differ at degree {degree}");
                    Assert.True(TestData.SameBits(first.Value.Parameters, run.Parameters), $"{name}: parameters differ at degree {degree}");
                }

                Assert.All(first!.Value.Losses, l => Assert.True(float.IsFinite(l)));
            }
            finally
            {
                Parallelism.MaxDegreeOfParallelism = previous;
            }
        }

        private static (float[] Losses, float[] Gradients, float[] Parameters) Train(string name, int rows)
        {
            IModel model;
            ITrainer trainer;
            switch (name)
            {
                case "Mlp784": { var m = new Models.Mlp784(3); model = m; trainer = m.CreateTrainer(64); break; }
                case "WideNet": { var m = new Models.WideNet(3); model = m; trainer = m.CreateTrainer(64); break; }
                case "WideCnn": { var m = new Models.WideCnn(3); model = m; trainer = m.CreateTrainer(64); break; }
                case "SmallCnn": { var m = new Models.SmallCnn(3); model = m; trainer = m.CreateTrainer(64); break; }
                case "OddBatchNormNet": { var m = new Models.OddBatchNormNet(3); model = m; trainer = m.CreateTrainer(rows); break; }
                case "WideResidual": { var m = new Models.WideResidual(3); model = m; trainer = m.CreateTrainer(rows); break; }
                case "MergeMlp": { var m = new Models.MergeMlp(3); model = m; trainer = m.CreateTrainer(rows); break; }
                default: throw new ArgumentException(name);
            }

            var losses = new float[3];
            for (int step = 0; step < 3; step++)
            {
                var x = TestData.Uniform(rows * model.InputLength, 30 + step, -2f, 2f);
                var t = TestData.Targets(rows, model.OutputLength, 40 + step, oneHot: true);
                losses[step] = trainer.TrainStep(x, t);
            }

            return (losses, trainer.Gradients.ToArray(), model.Parameters.ToArray());
        }

        [Fact]
        public void ADegreeBelowOneIsRejected()
        {
            int previous = Parallelism.MaxDegreeOfParallelism;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxDegreeOfParallelism = 0);
            Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
            Assert.Equal(previous, Parallelism.MaxDegreeOfParallelism);
        }

        [Fact]
        public void AnExceptionInAPartReachesTheCaller()
        {
            int previous = Parallelism.MaxDegreeOfParallelism;
            try
            {
                Parallelism.MaxDegreeOfParallelism = 2;
                var x = new float[100];
                var y = new float[100];
                var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(
                    0, x, y, 100, 10, static (_, _, _, start, _) =>
                    {
                        if (start > 0)
                        {
                            throw new InvalidOperationException("part " + start);
                        }
                    }));
                Assert.Equal("part 50", e.Message);

                // The pool is usable afterwards, and every unit runs once.
                var seen = new int[100];
                WorkerPool.Run(seen, x, y, 100, 10, static (s, _, _, start, end) =>
                {
                    for (int i = start; i < end; i++)
                    {
                        s[i]++;
                    }
                });
                Assert.All(seen, v => Assert.Equal(1, v));
            }
            finally
            {
                Parallelism.MaxDegreeOfParallelism = previous;
            }
        }
    }
}
