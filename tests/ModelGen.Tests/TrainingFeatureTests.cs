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

        /// <summary>
        /// The same for a model large enough that the divergence scan and the optimizer update are split over the cores
        /// (the benchmark MLP, 236,682 floats): the diverged step throws, the next good step is taken (the scan's flag was
        /// reset), and the result equals, bitwise, a model that only took the good steps.
        /// </summary>
        [Fact]
        public void ADivergedStepOfALargeModelThrowsAndChangesNothing()
        {
            var huge = Enumerable.Repeat(3e38f, 16 * 784).ToArray();
            var t = TestData.Targets(16, 10, 51, oneHot: true);
            var good = Enumerable.Range(0, 3).Select(i => TestData.Uniform(16 * 784, 52 + i)).ToArray();
            var a = new Mlp784(5);
            var ta = a.CreateTrainer(16);
            var b = new Mlp784(5);
            var tb = b.CreateTrainer(16);
            ta.TrainStep(good[0], t);
            var e = Assert.Throws<TrainingDivergedException>(() => ta.TrainStep(huge, t));
            Assert.Equal(2, e.Step);
            ta.TrainStep(good[1], t);
            ta.TrainStep(good[2], t);
            foreach (var x in good)
            {
                tb.TrainStep(x, t);
            }

            static float[] State(Mlp784 m) => Mlp784.Tensors.SelectMany(t => m.GetTensor(t.Name)).ToArray();
            Assert.True(TestData.SameBits(State(a), State(b)), "the diverged step left a trace");
            Assert.True(TestData.SameBits(ta.Gradients, tb.Gradients));
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

        /// <summary>
        /// The learning rate is a trainer property: the declared value by default (bitwise the same steps as before it
        /// existed: a trainer set to the declared value explicitly matches one left alone), and a step with rate r moves each
        /// parameter by exactly r * g (plain SGD). Invalid rates are rejected.
        /// </summary>
        [Fact]
        public void TheLearningRateIsATrainerPropertyUsedByTheNextStep()
        {
            var model = new PlainSgd(1);
            var trainer = model.CreateTrainer(6);
            Assert.Equal(0.1, trainer.LearningRate);
            var x = TestData.Uniform(6 * 11, 50);
            var t = TestData.Uniform(6 * 5, 51);
            trainer.ComputeGradients(x, t);
            var g = trainer.Gradients.ToArray();
            var p = model.Parameters.ToArray();
            trainer.LearningRate = 0.37;
            trainer.TrainStep(x, t);
            var expected = p.Select((v, i) => v - ((float)0.37 * g[i])).ToArray();
            Assert.True(TestData.SameBits(expected, model.Parameters));

            var a = new BnMlp(2);
            var b = new BnMlp(2);
            var ta = a.CreateTrainer(8);
            var tb = b.CreateTrainer(8);
            tb.LearningRate = 1e-3;
            var bx = TestData.Uniform(8 * 20, 52);
            var bt = TestData.Targets(8, 4, 53, oneHot: true);
            ta.TrainStep(bx, bt);
            tb.TrainStep(bx, bt);
            Assert.True(TestData.SameBits(a.Parameters, b.Parameters));

            foreach (double bad in new[] { -0.1, double.NaN, double.PositiveInfinity })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = bad);
            }
        }

        /// <summary>
        /// The built-in schedules give PyTorch 1.13's rates (tests/reference/make_schedules.py: StepLR, ExponentialLR,
        /// CosineAnnealingLR, SequentialLR(LinearLR, CosineAnnealingLR), ReduceLROnPlateau with a fixed metric sequence).
        /// Tolerance 1e-12 relative: PyTorch updates the rate recursively, ModelGen uses the closed forms.
        /// </summary>
        [Fact]
        public void SchedulesGivePyTorchsRates()
        {
            using var json = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "vectors", "schedules.json")));
            double baseRate = json.RootElement.GetProperty("base").GetDouble();
            int checkedCases = 0;
            foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
            {
                string name = c.GetProperty("name").GetString()!;
                var rates = c.GetProperty("rates").EnumerateArray().Select(r => r.GetDouble()).ToArray();
                double[]? metrics = c.TryGetProperty("metrics", out var m) ? m.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
                var schedule = name switch
                {
                    "step" => LearningRateSchedule.Step(c.GetProperty("stepSize").GetInt32(), c.GetProperty("gamma").GetDouble()),
                    "exponential" => LearningRateSchedule.Exponential(c.GetProperty("gamma").GetDouble()),
                    "cosine" => LearningRateSchedule.Cosine(c.GetProperty("tMax").GetInt32(), c.GetProperty("minRate").GetDouble()),
                    "warmupCosine" => LearningRateSchedule.Cosine(c.GetProperty("tMax").GetInt32(), c.GetProperty("minRate").GetDouble(), c.GetProperty("warmup").GetInt32(), c.GetProperty("startFactor").GetDouble()),
                    "plateau" => LearningRateSchedule.ReduceOnPlateau(c.GetProperty("factor").GetDouble(), c.GetProperty("patience").GetInt32(), c.GetProperty("threshold").GetDouble(), c.GetProperty("cooldown").GetInt32(), c.GetProperty("minRate").GetDouble()),
                    _ => throw new InvalidOperationException(name),
                };
                EpochReport? previous = null;
                for (int epoch = 0; epoch < rates.Length; epoch++)
                {
                    double rate = schedule.Rate(epoch, baseRate, previous);
                    Assert.True(Math.Abs(rate - rates[epoch]) <= 1e-12 * rates[epoch], $"{name}, epoch {epoch}: {rate} vs PyTorch {rates[epoch]}");
                    double metric = metrics?[epoch] ?? 0;
                    previous = new EpochReport(epoch + 1, rates.Length, metric, double.NaN, double.NaN, double.NaN, 1, TimeSpan.Zero, rate);
                }

                checkedCases++;
            }

            Assert.Equal(5, checkedCases);
        }

        /// <summary>Fit sets the rate per epoch from the schedule and reports it; the trainer keeps the last epoch's rate.</summary>
        [Fact]
        public void FitAppliesTheScheduleAndReportsTheRate()
        {
            var model = new BnMlp(3);
            var trainer = model.CreateTrainer(8);
            var x = TestData.Uniform(40 * 20, 60);
            var t = TestData.Targets(40, 4, 61, oneHot: true);
            var history = trainer.Fit(x, t, new FitOptions { Epochs = 5, BatchSize = 8, Schedule = LearningRateSchedule.Step(2, 0.5) });
            Assert.Equal(new[] { 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4 }, history.Select(r => r.LearningRate));
            Assert.Equal(2.5e-4, trainer.LearningRate);

            // The same steps by hand, setting the rate before each epoch's steps, give the same bits.
            var manual = new BnMlp(3);
            var mt = manual.CreateTrainer(8);
            for (int epoch = 0; epoch < 5; epoch++)
            {
                mt.LearningRate = 1e-3 * Math.Pow(0.5, epoch / 2);
                mt.Fit(x, t, new FitOptions { Epochs = 1, BatchSize = 8, Seed = 0, Shuffle = false });
            }

            var unshuffled = new BnMlp(3);
            unshuffled.CreateTrainer(8).Fit(x, t, new FitOptions { Epochs = 5, BatchSize = 8, Shuffle = false, Schedule = LearningRateSchedule.Step(2, 0.5) });
            Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(manual), SafeTensorsFormatTests.State(unshuffled)));
        }

        /// <summary>
        /// Early stopping on the validation loss with patience 2: training on noise labels overfits, the validation loss turns
        /// up, Fit stops two epochs after the best one, and the model ends with the best epoch's weights: its validation loss
        /// is bitwise the one reported for that epoch.
        /// </summary>
        [Fact]
        public void EarlyStoppingStopsAndRestoresTheBestWeights()
        {
            var model = new BnMlp(7);
            var trainer = model.CreateTrainer(8);
            var x = TestData.Uniform(48 * 20, 70);
            var t = TestData.Targets(48, 4, 71, oneHot: true);
            var vx = TestData.Uniform(32 * 20, 72);
            var vt = TestData.Targets(32, 4, 73, oneHot: true);
            var history = trainer.Fit(x, t, new FitOptions
            {
                Epochs = 200,
                BatchSize = 8,
                ValidationInputs = vx,
                ValidationTargets = vt,
                EarlyStopping = new EarlyStopping { Patience = 2 },
            });
            Assert.Equal(FitStopReason.EarlyStopped, history.StopReason);
            Assert.True(history.Count < 200);
            int best = history.Select((r, i) => (r.ValidationLoss, i)).Min().i + 1;
            Assert.Equal(best, history.BestEpoch);
            Assert.Equal(best + 2, history.Count);
            Assert.True(history.RestoredBestWeights);
            var y = new float[32 * 4];
            model.PredictBatch(vx, y);
            Assert.Equal(history[best - 1].ValidationLoss, Metrics.Loss(LossKind.CategoricalCrossEntropy, y, vt, 4));

            var missing = Assert.Throws<ArgumentException>(() => trainer.Fit(x, t, new FitOptions { BatchSize = 8, EarlyStopping = new EarlyStopping() }));
            Assert.Contains("ValidationInputs", missing.Message);
        }

        /// <summary>OnEpochEnd runs on the calling thread after each epoch, before the next; cancellation keeps the completed epochs.</summary>
        [Fact]
        public void EpochCallbacksAreSynchronousAndCancellationKeepsTheHistory()
        {
            var model = new BnMlp(8);
            var trainer = model.CreateTrainer(8);
            var x = TestData.Uniform(40 * 20, 80);
            var t = TestData.Targets(40, 4, 81, oneHot: true);
            int caller = Environment.CurrentManagedThreadId;
            var seen = new System.Collections.Generic.List<(int Epoch, int Thread, long Iterations)>();
            using var cancel = new System.Threading.CancellationTokenSource();
            var options = new FitOptions
            {
                Epochs = 10,
                BatchSize = 8,
                CancellationToken = cancel.Token,
                OnEpochEnd = r =>
                {
                    seen.Add((r.Epoch, Environment.CurrentManagedThreadId, trainer.Iterations));
                    if (r.Epoch == 3)
                    {
                        cancel.Cancel();
                    }
                },
            };
            var e = Assert.Throws<FitCanceledException>(() => trainer.Fit(x, t, options));
            Assert.Equal(3, e.History.Count);
            Assert.Equal(new[] { 1, 2, 3 }, e.History.Select(r => r.Epoch));
            Assert.Equal(new[] { (1, caller, 5L), (2, caller, 10L), (3, caller, 15L) }, seen);
            Assert.IsAssignableFrom<OperationCanceledException>(e);
        }

        /// <summary>The metrics on a hand-checked example (4 classes, 6 rows) and a regression one.</summary>
        [Fact]
        public void MetricsMatchHandComputedValues()
        {
            // Rows: target class, then the prediction's ranking.
            float[] p =
            {
                0.7f, 0.1f, 0.1f, 0.1f,   // target 0, predicted 0
                0.2f, 0.5f, 0.3f, 0.0f,   // target 2, predicted 1 (2 is second)
                0.1f, 0.2f, 0.6f, 0.1f,   // target 2, predicted 2
                0.4f, 0.3f, 0.2f, 0.1f,   // target 3, predicted 0 (3 is last)
                0.25f, 0.25f, 0.25f, 0.25f, // target 1, predicted 0 (tie: the lower index wins; 1 is second)
                0.1f, 0.1f, 0.1f, 0.7f,   // target 3, predicted 3
            };
            var t = ClassLabels.OneHot(new[] { 0, 2, 2, 3, 1, 3 }, 4);
            Assert.Equal(3.0 / 6, Metrics.Accuracy(LossKind.CategoricalCrossEntropy, p, t, 4));
            Assert.Equal(3.0 / 6, Metrics.TopKAccuracy(p, t, 4, 1));
            Assert.Equal(5.0 / 6, Metrics.TopKAccuracy(p, t, 4, 2));
            Assert.Equal(1.0, Metrics.TopKAccuracy(p, t, 4, 4));
            var confusion = Metrics.ConfusionMatrix(p, t, 4);
            Assert.Equal(1, confusion[0, 0]);
            Assert.Equal(1, confusion[2, 1]);
            Assert.Equal(1, confusion[2, 2]);
            Assert.Equal(1, confusion[3, 0]);
            Assert.Equal(1, confusion[1, 0]);
            Assert.Equal(1, confusion[3, 3]);
            Assert.Equal(6, confusion.Cast<long>().Sum());
            var scores = Metrics.PerClass(confusion);
            Assert.Equal(1.0 / 3, scores[0].Precision, 12); // predicted 0 three times, once right
            Assert.Equal(1.0, scores[0].Recall, 12);
            Assert.Equal(0.5, scores[0].F1, 12);
            Assert.Equal(0.0, scores[1].Precision); // predicted 1 once, wrongly
            Assert.Equal(0.0, scores[1].F1);
            Assert.Equal(0.5, scores[2].Recall, 12);
            Assert.Equal(2, scores[3].Support);

            float[] yp = { 1f, 2f, 3f, 5f };
            float[] yt = { 1f, 1f, 5f, 5f };
            Assert.Equal(0.75, Metrics.MeanAbsoluteError(yp, yt), 12);
            Assert.Equal(Math.Sqrt(5.0 / 4), Metrics.RootMeanSquaredError(yp, yt), 12);
        }
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>Plain SGD (no momentum, decay or weight decay): a step is exactly p - lr * g.</summary>
    [Model, Input(11), Dense(5, Name = "fc"), Loss(LossKind.MeanSquaredError), Sgd(LearningRate = 0.1)]
    public partial class PlainSgd
    {
    }
}
