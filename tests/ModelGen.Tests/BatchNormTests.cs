using System;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// Pins the BatchNorm numbers of DESIGN.md for both conventions: one training step on x = [1, 2, 3, 4] from
    /// (mean 0, var 1), the training-mode output at x = 1, and inference with running statistics.
    /// Tolerances: results are float32, so values are compared to 2 ulps around 1 (2.4e-7) unless stated.
    /// </summary>
    public class BatchNormTests
    {
        private static readonly float[] X = { 1f, 2f, 3f, 4f };

        [Fact]
        public void PyTorchConventionRunningStatisticsAfterOneStep()
        {
            var model = new BnTorch();
            var trainer = model.CreateTrainer(4);
            trainer.TrainStep(X, new float[4]);
            Assert.Equal(0.25f, model.GetTensor("0.running_mean")[0]);
            Assert.Equal(1.0666667f, model.GetTensor("0.running_var")[0]);
            Assert.Equal(1f, model.GetTensor("0.num_batches_tracked")[0]);
        }

        [Fact]
        public void KerasConventionRunningStatisticsAfterOneStep()
        {
            var model = new BnKeras();
            var trainer = model.CreateTrainer(4);
            trainer.TrainStep(X, new float[4]);
            Assert.Equal(0.025f, model.GetTensor("0.running_mean")[0]);
            Assert.Equal(1.0025f, model.GetTensor("0.running_var")[0]);
        }

        [Fact]
        public void TrainingModeOutputUsesBatchStatistics()
        {
            var keras = new BnKeras();
            var kerasTrainer = keras.CreateTrainer(4);
            kerasTrainer.ComputeGradients(X, new float[4]);
            Assert.Equal(-1.3411044519645503, kerasTrainer.LastOutputs[0], 6);

            var small = new BnKerasSmallEps();
            var smallTrainer = small.CreateTrainer(4);
            smallTrainer.ComputeGradients(X, new float[4]);
            Assert.Equal(-1.3416354199689269, smallTrainer.LastOutputs[0], 6);

            var torch = new BnTorch();
            var torchTrainer = torch.CreateTrainer(4);
            torchTrainer.ComputeGradients(X, new float[4]);
            Assert.Equal(-1.3416354199689269, torchTrainer.LastOutputs[0], 6);
        }

        [Fact]
        public void ComputeGradientsLeavesRunningStatisticsAlone()
        {
            var model = new BnTorch();
            model.CreateTrainer(4).ComputeGradients(X, new float[4]);
            Assert.Equal(0f, model.GetTensor("0.running_mean")[0]);
            Assert.Equal(1f, model.GetTensor("0.running_var")[0]);
            Assert.Equal(0f, model.GetTensor("0.num_batches_tracked")[0]);
        }

        [Fact]
        public void InferenceUsesRunningStatisticsNotTheBatch()
        {
            // Fresh model: running mean 0, var 1, weight 1, bias 0, so y = x / sqrt(1 + eps) whatever the batch holds.
            var keras = new BnKeras();
            var y = new float[4];
            keras.PredictBatch(X, y);
            for (int i = 0; i < 4; i++)
            {
                double expected = X[i] / Math.Sqrt(1.001);
                Assert.True(Math.Abs(y[i] - expected) <= 2 * 1.2e-7 * Math.Abs(expected), $"{y[i]} vs {expected}");
            }

            // After a step, inference follows the stored statistics and parameters: (x - mean) / sqrt(var + eps) * w + b.
            var torch = new BnTorch();
            torch.CreateTrainer(4).TrainStep(X, new float[] { 0.5f, -1f, 2f, 0f });
            double mean = torch.GetTensor("0.running_mean")[0], variance = torch.GetTensor("0.running_var")[0];
            double w = torch.GetTensor("0.weight")[0], b = torch.GetTensor("0.bias")[0];
            Assert.NotEqual(1.0, w);
            var single = new float[1];
            foreach (float x in new[] { -3f, 0f, 1f, 7.5f })
            {
                torch.Predict(new[] { x }, single);
                double expected = ((x - mean) / Math.Sqrt(variance + 1e-5) * w) + b;
                // Folding into scale and shift rounds differently from the unfolded formula: allow 4 float ulps of the result.
                Assert.True(Math.Abs(single[0] - expected) <= 4 * 1.2e-7 * Math.Max(1, Math.Abs(expected)), $"x={x}: {single[0]} vs {expected}");
            }
        }

        [Fact]
#pragma warning disable MG1004 // Deliberate: this test checks the run-time guard behind the analyzer's rule.
        public void ABatchOfOneIsRejectedWithBatchNorm()
        {
            var trainer = new BnTorch().CreateTrainer(4);
            var ex = Assert.Throws<ArgumentException>(() => trainer.TrainStep(new[] { 1f }, new[] { 0f }));
            Assert.Contains("at least 2 rows", ex.Message);
            Assert.Equal(2, trainer.MinBatchSize);
            Assert.Throws<ArgumentOutOfRangeException>(() => new BnTorch().CreateTrainer(1));
        }
#pragma warning restore MG1004

        [Fact]
        public void ABatchOfOneIsFineWithoutBatchNorm()
        {
            var trainer = new LinearSgd().CreateTrainer(1);
            Assert.Equal(1, trainer.MinBatchSize);
            Assert.True(trainer.TrainStep(new[] { 1f, 2f }, new[] { 1f }) >= 0);
        }
    }
}
