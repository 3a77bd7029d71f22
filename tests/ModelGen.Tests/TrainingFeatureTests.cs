using System;
using System.Linq;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Issue 10: class-index labels, divergence detection, model summaries.</summary>
    public class TrainingFeatureTests
    {
        private static float[] Indices(float[] oneHot, int classes) =>
            Enumerable.Range(0, oneHot.Length / classes).Select(r => (float)Metrics.ArgMax(oneHot.AsSpan(r * classes, classes))).ToArray();

        /// <summary>
        /// Class indices (as floats or ints) are the same as their one-hot rows: three BnMlp (BatchNorm, dropout, Adam) trained
        /// on the same batches with one-hot rows, float indices and int labels end bitwise equal, and so do their losses.
        /// </summary>
        [Fact]
        public void ClassIndexTargetsTrainExactlyLikeOneHotRows()
        {
            var models = new[] { new BnMlp(1), new BnMlp(1), new BnMlp(1) };
            var trainers = models.Select(m => m.CreateTrainer(16, seed: 2)).ToArray();
            for (int step = 0; step < 4; step++)
            {
                var x = TestData.Uniform(16 * 20, 10 + step);
                var oneHot = TestData.Targets(16, 4, 20 + step, oneHot: true);
                var indices = Indices(oneHot, 4);
                float a = trainers[0].TrainStep(x, oneHot);
                float b = trainers[1].TrainStep(x, indices);
                float c = trainers[2].TrainStep(x, indices.Select(v => (int)v).ToArray());
                Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(b));
                Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(c));
            }

            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(models[0]), SafeTensorsFormatTests.State(models[1])));
            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(models[0]), SafeTensorsFormatTests.State(models[2])));
        }

        /// <summary>Fit takes class indices for training and validation targets, as floats or ints, with the same result as one-hot rows.</summary>
        [Fact]
        public void FitTakesClassIndices()
        {
            var x = TestData.Uniform(50 * 20, 30);
            var oneHot = TestData.Targets(50, 4, 31, oneHot: true);
            var vx = TestData.Uniform(10 * 20, 32);
            var vOneHot = TestData.Targets(10, 4, 33, oneHot: true);
            FitOptions Options(float[] validationTargets) => new() { Epochs = 2, BatchSize = 8, Seed = 3, ValidationInputs = vx, ValidationTargets = validationTargets };

            var a = new BnMlp(4);
            var ra = a.CreateTrainer(8).Fit(x, oneHot, Options(vOneHot));
            var b = new BnMlp(4);
            var rb = b.CreateTrainer(8).Fit(x, Indices(oneHot, 4), Options(Indices(vOneHot, 4)));
            var c = new BnMlp(4);
            var rc = c.CreateTrainer(8).Fit(x, Indices(oneHot, 4).Select(v => (int)v).ToArray(), Options(vOneHot));
            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(a), SafeTensorsFormatTests.State(b)));
            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(a), SafeTensorsFormatTests.State(c)));
            Assert.Equal(ra.Select(r => (r.Loss, r.Accuracy, r.ValidationLoss, r.ValidationAccuracy)), rb.Select(r => (r.Loss, r.Accuracy, r.ValidationLoss, r.ValidationAccuracy)));
            Assert.Equal(ra.Select(r => (r.Loss, r.ValidationAccuracy)), rc.Select(r => (r.Loss, r.ValidationAccuracy)));
        }

        [Fact]
        public void BadClassIndicesAndTargetShapesAreNamed()
        {
            var trainer = new BnMlp(1).CreateTrainer(4);
            var x = TestData.Uniform(4 * 20, 1);
            Assert.Contains("labels[2] is 4; class indices run from 0 to 3", Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, new[] { 0, 1, 4, 2 })).Message);
            Assert.Contains("labels[0] is -1", Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, new[] { -1, 1, 3, 2 })).Message);
            Assert.Contains("targets[1] is 1.5", Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, new[] { 0f, 1.5f, 3f, 2f })).Message);
            Assert.Contains("or 4 (class indices, one per row)", Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, new float[7])).Message);
            Assert.Equal(0, trainer.Iterations);

            // A regression model: targets of one per row look like class indices, and the message says why they do not fit.
            var regressor = new Regressor(1).CreateTrainer(4);
            var e = Assert.Throws<ArgumentException>(() => regressor.TrainStep(TestData.Uniform(4 * 13, 2), new float[4]));
            Assert.Contains("look like class indices", e.Message);
            Assert.Contains("MeanSquaredError", e.Message);
            e = Assert.Throws<ArgumentException>(() => regressor.Fit(TestData.Uniform(4 * 13, 2), new float[4]));
            Assert.Contains("look like class indices", e.Message);
        }

        /// <summary>
        /// A step whose loss or gradients are not finite throws TrainingDivergedException naming the step, and changes nothing:
        /// a model that went through it and then one more step equals, bitwise, a model that only took the good steps (the
        /// optimizer's moments, the running statistics and the dropout mask's step count all unchanged). With the check off,
        /// the same step makes the parameters NaN: the check is what stops it.
        /// </summary>
        [Fact]
        public void ADivergedStepThrowsAndChangesNothing()
        {
            var huge = Enumerable.Repeat(3e38f, 8 * 20).ToArray();
            var t = TestData.Targets(8, 4, 41, oneHot: true);
            var good = Enumerable.Range(0, 3).Select(i => TestData.Uniform(8 * 20, 42 + i)).ToArray();

            var a = new BnMlp(5);
            var ta = a.CreateTrainer(8, seed: 6);
            var b = new BnMlp(5);
            var tb = b.CreateTrainer(8, seed: 6);
            ta.TrainStep(good[0], t);
            ta.TrainStep(good[1], t);
            var e = Assert.Throws<TrainingDivergedException>(() => ta.TrainStep(huge, t));
            Assert.Equal(3, e.Step);
            Assert.Contains("step 3", e.Message);
            Assert.Contains("not applied", e.Message);
            Assert.Equal(2, ta.Iterations);
            ta.TrainStep(good[2], t);
            foreach (var x in good)
            {
                tb.TrainStep(x, t);
            }

            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(a), SafeTensorsFormatTests.State(b)), "the diverged step left a trace");

            // A model without running statistics (no BatchNorm): the same.
            var r = new Regressor(1).CreateTrainer(8);
            var rx = Enumerable.Repeat(3e38f, 8 * 13).ToArray();
            var before = r.Model.Parameters.ToArray();
            var re = Assert.Throws<TrainingDivergedException>(() => r.TrainStep(rx, new float[8 * 3]));
            Assert.True(TestData.SameBits(before, r.Model.Parameters));
            Assert.True(re.Tensor is null || re.Tensor.EndsWith(".weight", StringComparison.Ordinal) || re.Tensor.EndsWith(".bias", StringComparison.Ordinal));

            var off = new BnMlp(5).CreateTrainer(8, seed: 6);
            off.DetectDivergence = false;
            off.TrainStep(huge, t);
            Assert.Contains(off.Model.Parameters.ToArray(), float.IsNaN);
        }

        [Fact]
        public void SummaryListsLayersShapesParametersAndTotals()
        {
            var model = new BnMlp(1);
            string summary = model.Summary();
            Assert.Equal(summary, BnMlp.Description.ToString());
            var lines = summary.Split('\n');
            foreach (var layer in BnMlp.Description.Layers)
            {
                int parameters = BnMlp.Tensors.Where(t => t.Name.StartsWith(layer.Name + ".", StringComparison.Ordinal) && t.Storage == TensorStorage.Parameters).Sum(t => t.Length);
                var line = lines.Single(l => l.StartsWith(layer.Name + " ", StringComparison.Ordinal));
                Assert.Contains(layer.LayerKind, line);
                Assert.Contains(TensorDescriptor.FormatShape(layer.OutputShape), line);
                Assert.Contains(parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), line);
            }

            Assert.Contains("bn1", lines.Single(l => l.StartsWith("bn1 ", StringComparison.Ordinal) && l.Contains("64 floats, 1 counter")));
            Assert.Contains(FormattableString.Invariant($"Trainable parameters: {BnMlp.ParameterCount:N0}"), summary);
            Assert.Contains("Other state: 96 floats, 2 counters", summary);
            Assert.Equal("Dense fc1: [20] -> [32]", BnMlp.Description.Layers[0].ToString());

            var cnn = SmallCnn.Description.ToString();
            Assert.Contains("MaxPool2D", cnn);
            Assert.Contains("Conv2D", cnn);
            Assert.Contains("GELU", cnn);
        }
    }
}
