using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Regression tests for the reliability findings (issue 12): the safe API never corrupts memory or data.</summary>
    public class ReliabilityTests
    {
        /// <summary>
        /// Finding 1: the trainer sized its caches as maxBatchSize * width without a check, so (1 &lt;&lt; 27) + 1 rows of a
        /// 32-wide model wrapped to a tiny array and TrainStep wrote past it (a process crash); int.MaxValue threw
        /// OverflowException. Now every maxBatchSize whose caches cannot exist as .NET arrays is an
        /// ArgumentOutOfRangeException naming the limit.
        /// </summary>
        [Fact]
        public void CreateTrainerRejectsBatchesWhoseCachesCannotExist()
        {
            var model = new Wide32(1);
            const int limit = 2147483591 / 32;
            foreach (int rows in new[] { (1 << 27) + 1, int.MaxValue, limit + 1 })
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateTrainer(rows));
                Assert.Equal("maxBatchSize", e.ParamName);
                Assert.Contains($"at most {limit} rows", e.Message);
            }

            var cnn = Assert.Throws<ArgumentOutOfRangeException>(() => new SmallCnn(1).CreateTrainer(int.MaxValue));
            Assert.Contains("values per row", cnn.Message);
            Assert.Equal(64, model.CreateTrainer(64).MaxBatchSize);
        }

        /// <summary>
        /// Finding 2: every save used the same <c>path + ".tmp"</c>, so two concurrent saves to one path could leave a
        /// torn or empty file. Now each save has its own temporary file: after two threads saved two different models
        /// to one path 40 times each, the file loads as one of them, and no temporary file is left.
        /// </summary>
        [Fact]
        public void ConcurrentSavesToOnePathLeaveOneCompleteFile()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-save-").FullName;
            try
            {
                string path = Path.Combine(folder, "weights.safetensors");
                var a = new BnMlp(1);
                var b = new BnMlp(2);
                var threads = new[] { a, b }.Select(m => new Thread(() =>
                {
                    for (int i = 0; i < 40; i++)
                    {
                        m.SaveWeights(path);
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                var loaded = new BnMlp(3);
                loaded.LoadWeights(path);
                Assert.True(TestData.SameBits(loaded.Parameters, a.Parameters) || TestData.SameBits(loaded.Parameters, b.Parameters));
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>
        /// Finding 2: a legal 252-character file name failed because the temporary name added ".tmp" (255 bytes is the
        /// usual limit for one name); saving to "" wrote ".tmp" into the current folder; errors named the temporary path.
        /// </summary>
        [Fact]
        public void SaveTakesAnyLegalNameRejectsAnEmptyOneAndNamesTheUsersPath()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-save-").FullName;
            try
            {
                var model = new SeedNet(1);
                string longName = Path.Combine(folder, new string('w', 252 - ".safetensors".Length) + ".safetensors");
                Assert.Equal(252, Path.GetFileName(longName).Length);
                model.SaveWeights(longName);
                var other = new SeedNet(2);
                other.LoadWeights(longName);
                Assert.True(TestData.SameBits(model.Parameters, other.Parameters));

                var empty = Assert.Throws<ArgumentException>(() => model.SaveWeights(string.Empty));
                Assert.Contains("empty", empty.Message);
                Assert.False(File.Exists(".tmp"));

                string missing = Path.Combine(folder, "no-such-folder", "w.safetensors");
                var notFound = Assert.Throws<DirectoryNotFoundException>(() => model.SaveWeights(missing));
                Assert.Contains(missing, notFound.Message);
                Assert.Equal(new[] { longName }, Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>
        /// Finding 5: one NaN in one input row made every parameter and running statistic NaN without an error, and BCE
        /// targets of 5 gave a negative loss. Now TrainStep checks inputs (finite) and targets (finite and in the loss's
        /// domain) before it changes anything, and names the row and column.
        /// </summary>
        [Fact]
        public void TrainStepRejectsNonFiniteInputsAndTargetsOutsideTheLossDomain()
        {
            var model = new BnMlp(1);
            var trainer = model.CreateTrainer(8);
            var before = SafeTensorsFormatTests.State(model);
            var x = TestData.Uniform(8 * 20, 2);
            var t = TestData.Targets(8, 4, 3, oneHot: true);
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                var xb = (float[])x.Clone();
                xb[(3 * 20) + 5] = bad;
                var e = Assert.Throws<ArgumentException>(() => trainer.TrainStep(xb, t));
                Assert.Contains("inputs[row 3, column 5]", e.Message);
            }

            var tb = (float[])t.Clone();
            tb[(2 * 4) + 1] = -1f;
            Assert.Contains("targets[row 2, column 1] is -1", Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, tb)).Message);
            Assert.True(TestData.SameBits(before, SafeTensorsFormatTests.State(model)), "a rejected step changed the model");
            Assert.Equal(0, trainer.Iterations);

            var xor = new TinyXor(1).CreateTrainer(4);
            var xorInputs = new float[] { 0, 0, 0, 1, 1, 0, 1, 1 };
            foreach (float bad in new[] { 5f, -0.5f, float.NaN })
            {
                var e = Assert.Throws<ArgumentException>(() => xor.TrainStep(xorInputs, new float[] { 0, 1, bad, 0 }));
                Assert.Contains("targets[row 2, column 0]", e.Message);
                Assert.Contains("[0, 1]", e.Message);
            }

            Assert.True(xor.TrainStep(xorInputs, new float[] { 0, 1, 1, 0 }) > 0);

            var regressor = new Regressor(1).CreateTrainer(2);
            var rx = TestData.Uniform(2 * 13, 4);
            Assert.Throws<ArgumentException>(() => regressor.TrainStep(rx, new float[] { 1, 2, 3, 4, float.PositiveInfinity, 6 }));
            regressor.TrainStep(rx, new float[] { 1e15f, -1e15f, 3, 4, 5, 6 });

            // Fit goes through the same check.
            var fitInputs = TestData.Uniform(64 * 20, 5);
            fitInputs[40 * 20] = float.NaN;
            Assert.Throws<ArgumentException>(() => new BnMlp(1).CreateTrainer(16).Fit(fitInputs, TestData.Targets(64, 4, 6, oneHot: true), new FitOptions { Epochs = 1, BatchSize = 16 }));
        }

        /// <summary>
        /// Finding 5, inference: non-finite inputs are not checked (a prediction stays branch-free and row-local); they
        /// affect only their own row. Every other row is bitwise what it is in a clean batch, and the bad row is bitwise
        /// what Predict gives for it alone. docs/reliability.md states this.
        /// </summary>
        [Fact]
        public void NonFiniteInputsAtInferenceAffectOnlyTheirOwnRow()
        {
            foreach (IModel model in new IModel[] { new BnMlp(1), new SmallCnn(1), new Regressor(1) })
            {
                int n = model.InputLength, m = model.OutputLength, rows = 40;
                var clean = TestData.Uniform(rows * n, 7);
                var dirty = (float[])clean.Clone();
                dirty[(5 * n) + 3] = float.NaN;
                dirty[(17 * n) + 1] = float.PositiveInfinity;
                dirty[(30 * n) + n - 1] = float.NegativeInfinity;
                var a = new float[rows * m];
                var b = new float[rows * m];
                model.PredictBatch(clean, a);
                model.PredictBatch(dirty, b);
                var single = new float[m];
                foreach (int r in new[] { 5, 17, 30 })
                {
                    model.Predict(dirty.AsSpan(r * n, n), single);
                    Assert.True(TestData.SameBits(single, b.AsSpan(r * m, m)), $"{model.Description.Name}: row {r} differs between Predict and PredictBatch");
                }

                Assert.True(b.AsSpan(5 * m, m).ToArray().Any(float.IsNaN), $"{model.Description.Name}: a NaN input gave no NaN output");
                for (int r = 0; r < rows; r++)
                {
                    if (r is not (5 or 17 or 30))
                    {
                        Assert.True(TestData.SameBits(a.AsSpan(r * m, m), b.AsSpan(r * m, m)), $"{model.Description.Name}: row {r} changed because of another row's input");
                    }
                }
            }
        }

        /// <summary>
        /// Finding 6: LoadWeights while other threads predicted gave 1.7% of predictions that matched neither the old nor the
        /// new weights. Now a load swaps the new values in under a sequence lock: three threads predicting (one row, and
        /// 200 rows split over the cores) during 300 loads alternating between two weight sets, plus SetParameters, get
        /// bitwise the old or the new model's outputs, every time.
        /// </summary>
        [Fact]
        public void PredictionsDuringLoadsAreBitwiseTheOldOrTheNewModels()
        {
            var a = new Mlp784(1);
            var b = new Mlp784(2);
            var files = new[] { a, b }.Select(m =>
            {
                var s = new MemoryStream();
                m.SaveWeights(s);
                return s.ToArray();
            }).ToArray();
            const int Rows = 200;
            var x = TestData.Uniform(Rows * 784, 8);
            var expected = new[] { a, b }.Select(m =>
            {
                var y = new float[Rows * 10];
                m.PredictBatch(x, y);
                return y;
            }).ToArray();

            var model = new Mlp784(1);
            int mixed = 0, predictions = 0;
            using var done = new ManualResetEventSlim();
            var readers = Enumerable.Range(0, 3).Select(k => new Thread(() =>
            {
                var one = new float[10];
                var many = new float[Rows * 10];
                while (!done.IsSet)
                {
                    bool ok;
                    if (k == 0)
                    {
                        model.Predict(x.AsSpan(0, 784), one);
                        ok = TestData.SameBits(one, expected[0].AsSpan(0, 10)) || TestData.SameBits(one, expected[1].AsSpan(0, 10));
                    }
                    else
                    {
                        model.PredictBatch(x, many);
                        ok = TestData.SameBits(many, expected[0]) || TestData.SameBits(many, expected[1]);
                    }

                    Interlocked.Increment(ref predictions);
                    if (!ok)
                    {
                        Interlocked.Increment(ref mixed);
                    }
                }
            })).ToList();
            readers.ForEach(t => t.Start());
            for (int i = 0; i < 300; i++)
            {
                if (i % 3 == 2)
                {
                    model.SetParameters((i % 2 == 0 ? a : b).Parameters);
                    model.LoadWeights(new MemoryStream(files[i % 2]));
                }
                else
                {
                    model.LoadWeights(new MemoryStream(files[i % 2]));
                }
            }

            done.Set();
            readers.ForEach(t => t.Join());
            Assert.True(predictions > 100, $"only {predictions} predictions ran beside the loads");
            Assert.Equal(0, mixed);
        }

        /// <summary>
        /// Finding 6: TrainStep while another thread predicts with the same model is not supported (training changes the
        /// weights in place). With <see cref="ConcurrencyChecks.Enabled"/> such a prediction throws instead of returning a
        /// mix; without it, nothing is checked.
        /// </summary>
        [Fact]
        public void ConcurrencyChecksReportPredictionsDuringTraining()
        {
            var model = new Mlp784(1);
            var trainer = model.CreateTrainer(64);
            var x = TestData.Uniform(64 * 784, 9);
            var t = TestData.Targets(64, 10, 10, oneHot: true);
            bool previous = ConcurrencyChecks.Enabled;
            ConcurrencyChecks.Enabled = true;
            try
            {
                using var done = new ManualResetEventSlim();
                var training = new Thread(() =>
                {
                    while (!done.IsSet)
                    {
                        trainer.TrainStep(x, t);
                    }
                });
                training.Start();
                var y = new float[10];
                InvalidOperationException? seen = null;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (seen is null && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    try
                    {
                        model.Predict(x.AsSpan(0, 784), y);
                    }
                    catch (InvalidOperationException e)
                    {
                        seen = e;
                    }
                }

                done.Set();
                training.Join();
                Assert.NotNull(seen);
                Assert.Contains("TrainStep", seen!.Message);

                // Between steps, predicting is fine.
                model.Predict(x.AsSpan(0, 784), y);
            }
            finally
            {
                ConcurrencyChecks.Enabled = previous;
            }
        }

        /// <summary>Finding 7: an output overlapping the input gave wrong results silently; now it is an ArgumentException.</summary>
        [Fact]
        public void OverlappingInputAndOutputAreRejected()
        {
            var model = new Regressor(1);
            var buffer = TestData.Uniform(13 * 4, 11);
            var e = Assert.Throws<ArgumentException>(() => model.Predict(buffer.AsSpan(0, 13), buffer.AsSpan(10, 3)));
            Assert.Equal("output", e.ParamName);
            Assert.Contains("overlaps", e.Message);
            e = Assert.Throws<ArgumentException>(() => model.PredictBatch(buffer.AsSpan(0, 26), buffer.AsSpan(20, 6)));
            Assert.Equal("outputs", e.ParamName);

            // Adjacent but separate parts of one array are fine.
            model.PredictBatch(buffer.AsSpan(0, 26), buffer.AsSpan(26, 6));
        }

        /// <summary>
        /// Finding 7: SetParameters and SetTensor accepted NaN and turned a NaN counter into 0 without a word. Now values a
        /// tensor cannot hold are rejected, naming the tensor and element, and the model is unchanged; LoadWeights applies the
        /// same rule to files.
        /// </summary>
        [Fact]
        public void ValuesATensorCannotHoldAreRejected()
        {
            var model = new BnMlp(1);
            var before = SafeTensorsFormatTests.State(model);
            var p = model.Parameters.ToArray();
            p[640 + 7] = float.NaN; // fc1.bias[7]: fc1.weight is [32, 20]
            var e = Assert.Throws<ArgumentException>(() => model.SetParameters(p));
            Assert.Contains("element 7 of tensor 'fc1.bias'", e.Message);
            p[640 + 7] = float.PositiveInfinity;
            Assert.Throws<ArgumentException>(() => model.SetParameters(p));

            Assert.Contains("values[1] is NaN", Assert.Throws<ArgumentException>(() => model.SetTensor("bn1.weight", new float[32].Select((_, i) => i == 1 ? float.NaN : 1f).ToArray())).Message);
            Assert.Contains("variance", Assert.Throws<ArgumentException>(() => model.SetTensor("bn1.running_var", Enumerable.Repeat(-0.5f, 32).ToArray())).Message);
            foreach (float counter in new[] { float.NaN, -1f, 2.5f, float.PositiveInfinity })
            {
                Assert.Contains("num_batches_tracked", Assert.Throws<ArgumentException>(() => model.SetTensor("bn1.num_batches_tracked", new[] { counter })).Message);
            }

            Assert.True(TestData.SameBits(before, SafeTensorsFormatTests.State(model)), "a rejected call changed the model");

            // A file holding NaN is refused the same way.
            var source = new BnMlp(2);
            var stream = new MemoryStream();
            source.SaveWeights(stream);
            var file = stream.ToArray();
            int header = (int)BitConverter.ToInt64(file, 0);
            BitConverter.GetBytes(float.NaN).CopyTo(file, 8 + header + (4 * 5));
            var load = Assert.Throws<InvalidDataException>(() => model.LoadWeights(new MemoryStream(file)));
            Assert.Contains("'fc1.weight' holds NaN at element 5", load.Message);
            Assert.True(TestData.SameBits(before, SafeTensorsFormatTests.State(model)), "a rejected load changed the model");
        }

        private static readonly string SaveLoop = typeof(ReliabilityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SaveLoop").Value!;

        /// <summary>
        /// Crash consistency (finding 2): child processes save two 940 KB models in turn to one path and are killed at random
        /// moments, one writer in odd rounds and two racing writers in even rounds. After every kill the target loads and is
        /// bitwise one of the saved models. Killed saves leave temporary files; the next completed save (here, in this
        /// process) deletes them, so afterwards the folder holds only the target.
        /// </summary>
        [Fact]
        public void KilledAndRacingSaversLeaveACompleteFileAndNoTemporaryFiles()
        {
            Assert.True(File.Exists(SaveLoop), $"The save loop is not built at {SaveLoop}: build ModelGen.SaveLoop.");
            string folder = Directory.CreateTempSubdirectory("modelgen-crash-").FullName;
            try
            {
                string path = Path.Combine(folder, "weights.safetensors");
                var expected = new[] { 1, 2, 3, 4, 5 }.ToDictionary(seed => seed, seed => new Mlp784(seed).Parameters.ToArray());
                var random = new Random(42);
                int orphansSeen = 0;
                for (int round = 0; round < 10; round++)
                {
                    var savers = new List<System.Diagnostics.Process> { StartSaver(path, 1, 2) };
                    if (round % 2 == 1)
                    {
                        savers.Add(StartSaver(path, 3, 4));
                    }

                    foreach (var saver in savers)
                    {
                        // "saving" comes after the saver's first complete save.
                        Assert.Equal("saving", saver.StandardOutput.ReadLine());
                    }

                    Thread.Sleep(random.Next(0, 120));
                    foreach (var saver in savers)
                    {
                        saver.Kill(entireProcessTree: true);
                        saver.WaitForExit();
                        saver.Dispose();
                    }

                    var loaded = new Mlp784(9);
                    loaded.LoadWeights(path);
                    Assert.True(
                        expected.Values.Any(p => TestData.SameBits(p, loaded.Parameters)),
                        $"round {round}: the file after the kill is none of the saved models");
                    orphansSeen += Directory.GetFiles(folder).Length - 1;
                }

                // The kills landed inside saves (else this test proves nothing about them): their temporary files were seen.
                Assert.True(orphansSeen > 0, "no kill interrupted a save");
                new Mlp784(5).SaveWeights(path);
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
                var last = new Mlp784(9);
                last.LoadWeights(path);
                Assert.True(TestData.SameBits(expected[5], last.Parameters));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static System.Diagnostics.Process StartSaver(string path, int seedA, int seedB)
        {
            var start = new System.Diagnostics.ProcessStartInfo(VectorWidthTests.DotnetHost())
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(SaveLoop);
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(seedA.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(seedB.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return System.Diagnostics.Process.Start(start)!;
        }
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>32 inputs, 32 outputs: the model of the trainer-overflow finding.</summary>
    [Model, Input(32), Dense(32), Loss(LossKind.MeanSquaredError), Sgd]
    public partial class Wide32
    {
    }
}
