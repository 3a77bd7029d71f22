using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Issue 10 item 6: checkpoints resume training bitwise, in this process and in a fresh one.</summary>
    public class CheckpointTests
    {
        private static readonly string SaveLoop = typeof(CheckpointTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SaveLoop").Value!;

        /// <summary>The batches of ModelGen.SaveLoop's resume mode, made the same way.</summary>
        private static (float[] Inputs, float[] Targets) Batch(int step)
        {
            var random = new DeterministicRandom(1000 + step);
            var x = new float[16 * 784];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextUniform(-1f, 1f);
            }

            var t = new float[16 * 10];
            for (int r = 0; r < 16; r++)
            {
                t[(r * 10) + random.NextInt(10)] = 1f;
            }

            return (x, t);
        }

        private static void Steps(ITrainer trainer, int from, int to, int inputs, int outputs, bool oneHot)
        {
            for (int step = from; step < to; step++)
            {
                trainer.TrainStep(TestData.Uniform(8 * inputs, 500 + step), TestData.Targets(8, outputs, 600 + step, oneHot));
            }
        }

        /// <summary>
        /// A trainer that took 3 steps, saved, and was restored into a model and trainer created with other weights and another
        /// seed, then took 3 more steps, ends bitwise where a trainer that took all 6 without stopping ends: for Adam with
        /// BatchNorm and dropout (moments, running statistics, counters, the seed of the masks), RMSprop with momentum, SGD
        /// with Keras momentum and decay, AdamW, and two graphs (a residual CNN; merges with dropout in a branch).
        /// </summary>
        [Fact]
        public void ATrainerResumesBitwiseFromItsCheckpoint()
        {
            Check(() => new BnMlp(1), m => ((BnMlp)m).CreateTrainer(8, seed: 3), () => new BnMlp(77), m => ((BnMlp)m).CreateTrainer(8, seed: 9), oneHot: true);
            Check(() => new TorchRmsprop(), m => ((TorchRmsprop)m).CreateTrainer(8), () => new TorchRmsprop(), m => ((TorchRmsprop)m).CreateTrainer(8), oneHot: false);
            Check(() => new SeedNet(1), m => ((SeedNet)m).CreateTrainer(8), () => new SeedNet(5), m => ((SeedNet)m).CreateTrainer(8), oneHot: true);
            Check(() => new TorchAdamW(), m => ((TorchAdamW)m).CreateTrainer(8), () => new TorchAdamW(), m => ((TorchAdamW)m).CreateTrainer(8), oneHot: true);
            Check(() => new ResidualCnn(1), m => ((ResidualCnn)m).CreateTrainer(8), () => new ResidualCnn(4), m => ((ResidualCnn)m).CreateTrainer(8, seed: 2), oneHot: true);
            Check(() => new MergeMlp(1), m => ((MergeMlp)m).CreateTrainer(8, seed: 5), () => new MergeMlp(6), m => ((MergeMlp)m).CreateTrainer(8, seed: 1), oneHot: true);

            static void Check(Func<IModel> make, Func<IModel, ITrainer> train, Func<IModel> other, Func<IModel, ITrainer> otherTrainer, bool oneHot)
            {
                var a = make();
                var ta = train(a);
                ta.LearningRate *= 0.5;
                int n = a.InputLength, k = a.OutputLength;
                Steps(ta, 0, 6, n, k, oneHot);

                var b = make();
                var tb = train(b);
                tb.LearningRate *= 0.5;
                Steps(tb, 0, 3, n, k, oneHot);
                var checkpoint = new MemoryStream();
                tb.SaveCheckpoint(checkpoint);

                var c = other();
                var tc = otherTrainer(c);
                checkpoint.Position = 0;
                tc.LoadCheckpoint(checkpoint);
                Assert.Equal(3, tc.Iterations);
                Assert.Equal(tb.LearningRate, tc.LearningRate);
                Steps(tc, 3, 6, n, k, oneHot);
                var name = a.Description.Name;
                var tensors = a.Description.Tensors;
                Assert.True(TestData.SameBits(tensors.SelectMany(t => a.GetTensor(t.Name)).ToArray(), tensors.SelectMany(t => c.GetTensor(t.Name)).ToArray()), $"{name}: the resumed trainer ended elsewhere");
            }
        }

        [Fact]
        public void ACheckpointOfAnotherTrainerOrAWeightsFileIsRefused()
        {
            var bn = new BnMlp(1).CreateTrainer(8);
            var stream = new MemoryStream();
            bn.SaveCheckpoint(stream);
            var adamW = new TorchAdamW().CreateTrainer(8);
            var before = adamW.Model.Parameters.ToArray();
            stream.Position = 0;
            var e = Assert.Throws<InvalidDataException>(() => adamW.LoadCheckpoint(stream));
            Assert.Contains("Adam", e.Message);
            Assert.Contains("AdamW", e.Message);

            var weights = new MemoryStream();
            adamW.Model.SaveWeights(weights);
            weights.Position = 0;
            Assert.Contains("not a ModelGen checkpoint", Assert.Throws<InvalidDataException>(() => adamW.LoadCheckpoint(weights)).Message);
            Assert.True(TestData.SameBits(before, adamW.Model.Parameters));

            // A checkpoint is not a weights file either: LoadWeights finds the optimizer's tensors unexpected.
            stream.Position = 0;
            Assert.Contains("optimizer.", Assert.Throws<InvalidDataException>(() => new BnMlp(2).LoadWeights(stream)).Message);
        }

        /// <summary>
        /// A fresh process (tests/ModelGen.SaveLoop) loads a checkpoint saved here after 4 steps of the 784-256-128-10 MLP
        /// (SGD with momentum, BatchNorm), takes steps 4 to 9 on the same batches, and saves: the weights are bitwise those of
        /// 10 uninterrupted steps here.
        /// </summary>
        [Fact]
        public void ACheckpointResumesBitwiseInAFreshProcess()
        {
            Assert.True(File.Exists(SaveLoop), $"The save loop is not built at {SaveLoop}: build ModelGen.SaveLoop.");
            string folder = Directory.CreateTempSubdirectory("modelgen-resume-").FullName;
            try
            {
                var whole = new Mlp784(4);
                var trainer = whole.CreateTrainer(16, seed: 2);
                var half = new Mlp784(4);
                var halfTrainer = half.CreateTrainer(16, seed: 2);
                for (int step = 0; step < 10; step++)
                {
                    var (x, t) = Batch(step);
                    trainer.TrainStep(x, t);
                    if (step < 4)
                    {
                        halfTrainer.TrainStep(x, t);
                    }
                }

                string checkpoint = Path.Combine(folder, "run.ckpt");
                halfTrainer.SaveCheckpoint(checkpoint);
                var start = new ProcessStartInfo(VectorWidthTests.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in new[] { "exec", SaveLoop, "resume", checkpoint, "4", "10" })
                {
                    start.ArgumentList.Add(arg);
                }

                using var child = Process.Start(start)!;
                string output = child.StandardOutput.ReadToEnd();
                string errors = child.StandardError.ReadToEnd();
                child.WaitForExit();
                Assert.True(child.ExitCode == 0, $"the child failed: {output} {errors}");
                Assert.Contains("done", output);
                var resumed = new Mlp784(0);
                resumed.LoadWeights(checkpoint + ".out");
                var tensors = Mlp784.Tensors;
                Assert.True(TestData.SameBits(tensors.SelectMany(t => whole.GetTensor(t.Name)).ToArray(), tensors.SelectMany(t => resumed.GetTensor(t.Name)).ToArray()), "the fresh process ended elsewhere");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>
        /// Fit with a CheckpointPath, canceled after epoch 4 of 12, then run again with new model and trainer objects (other
        /// initial weights and seed), resumes from the file and ends bitwise where an uninterrupted Fit ends: weights, history
        /// (but the times), best epoch; with shuffling, validation, a ReduceOnPlateau schedule (its state is in the file) and
        /// early stopping that restores the best weights. The file is gone after the Fit that completes.
        /// </summary>
        [Fact]
        public void AnInterruptedFitResumesAndEndsBitwiseAsAnUninterruptedOne()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-fit-").FullName;
            try
            {
                var x = TestData.Uniform(60 * 20, 90);
                var t = TestData.Targets(60, 4, 91, oneHot: true);
                var vx = TestData.Uniform(20 * 20, 92);
                var vt = TestData.Targets(20, 4, 93, oneHot: true);
                string path = Path.Combine(folder, "fit.ckpt");
                FitOptions Options(Action<EpochReport>? onEpoch = null) => new()
                {
                    Epochs = 12,
                    BatchSize = 8,
                    Seed = 4,
                    ValidationInputs = vx,
                    ValidationTargets = vt,
                    Schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 1),
                    EarlyStopping = new EarlyStopping { Patience = 4, RestoreBestWeights = true },
                    CheckpointPath = path,
                    OnEpochEnd = onEpoch,
                };

                var reference = new BnMlp(6);
                var expected = reference.CreateTrainer(8, seed: 1).Fit(x, t, Options());
                Assert.False(File.Exists(path));

                var first = new BnMlp(6);
                using var cancel = new System.Threading.CancellationTokenSource();
                var options = Options(r =>
                {
                    if (r.Epoch == 4)
                    {
                        cancel.Cancel();
                    }
                });
                options.CancellationToken = cancel.Token;
                Assert.Throws<FitCanceledException>(() => first.CreateTrainer(8, seed: 1).Fit(x, t, options));
                Assert.True(File.Exists(path));

                var resumed = new BnMlp(99);
                var history = resumed.CreateTrainer(8, seed: 42).Fit(x, t, Options());
                Assert.False(File.Exists(path));
                Assert.Equal(expected.Select(r => r with { Elapsed = TimeSpan.Zero }), history.Select(r => r with { Elapsed = TimeSpan.Zero }));
                Assert.Equal(expected.BestEpoch, history.BestEpoch);
                Assert.Equal(expected.StopReason, history.StopReason);
                Assert.True(TestData.SameBits(SafeTensorsFormatTests.State(reference), SafeTensorsFormatTests.State(resumed)), "the resumed Fit ended elsewhere");

                // Other options are refused, naming the difference.
                using var cancel2 = new System.Threading.CancellationTokenSource();
                var o = Options(r => cancel2.Cancel());
                o.CancellationToken = cancel2.Token;
                Assert.Throws<FitCanceledException>(() => new BnMlp(6).CreateTrainer(8, seed: 1).Fit(x, t, o));
                var other = Options();
                other.BatchSize = 4;
                var e = Assert.Throws<InvalidDataException>(() => new BnMlp(6).CreateTrainer(8, seed: 1).Fit(x, t, other));
                Assert.Contains("batch size 8", e.Message);
                Assert.Contains("batch size 4", e.Message);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
