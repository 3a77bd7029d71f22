using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Safetensors save/load: bitwise round trip, and every malformed file rejected with a named problem and no change.</summary>
    public class WeightIoTests
    {
        private static Mlp784 TrainedMlp() => (Mlp784)BatchInvarianceTests.Trained("Mlp784");

        private static float[] Snapshot(Mlp784 m) =>
            Mlp784.Tensors.SelectMany(t => m.GetTensor(t.Name)).ToArray();

        [Fact]
        public void RoundTripIsBitwise()
        {
            var source = TrainedMlp();
            var stream = new MemoryStream();
            source.SaveWeights(stream);
            var target = new Mlp784(99);
            stream.Position = 0;
            target.LoadWeights(stream);
            Assert.True(TestData.SameBits(Snapshot(source), Snapshot(target)));
            Assert.Equal(3f, target.GetTensor("bn1.num_batches_tracked")[0]);

            var x = TestData.Uniform(784 * 3, 5);
            var a = new float[30];
            var b = new float[30];
            source.PredictBatch(x, a);
            target.PredictBatch(x, b);
            Assert.True(TestData.SameBits(a, b));
        }

        [Fact]
        public void FileRoundTripReplacesTheTargetAtomically()
        {
            var model = new SeedNet(3);
            string path = Path.Combine(Path.GetTempPath(), $"modelgen-{Guid.NewGuid():N}.safetensors");
            try
            {
                model.SaveWeights(path);
                Assert.False(File.Exists(path + ".tmp"));
                var other = new SeedNet(4);
                other.LoadWeights(path);
                Assert.True(TestData.SameBits(model.Parameters, other.Parameters));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void HeaderUsesPyTorchNamesShapesAndDtypes()
        {
            var stream = new MemoryStream();
            new Mlp784().SaveWeights(stream);
            var bytes = stream.ToArray();
            long headerLength = BitConverter.ToInt64(bytes, 0);
            string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            Assert.Contains("\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[256,784]", header);
            Assert.Contains("\"bn2.running_var\":{\"dtype\":\"F32\",\"shape\":[128]", header);
            Assert.Contains("\"bn1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]", header);
            Assert.Equal(0, (8 + headerLength) % 8);
        }

        [Fact]
        public void LoadsAFileLaidOutAsPythonSafetensorsWritesIt()
        {
            // Python's safetensors writes __metadata__ first and orders tensors by dtype alignment, then by name
            // (I64 before F32, alphabetical within each), which is not ModelGen's layer order.
            var source = TrainedMlp();
            var pythonOrder = Mlp784.Tensors.OrderBy(t => t.DType == "I64" ? 0 : 1).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
            Assert.NotEqual(Mlp784.Tensors.Select(t => t.Name), pythonOrder.Select(t => t.Name));
            var stream = new MemoryStream();
            var state = new float[768];
            for (int i = 0; i < 768; i++)
            {
                state[i] = i < 256 || (i >= 512 && i < 640) ? 0.5f + i : 2f + i;
            }

            SafeTensors.Write(stream, pythonOrder, source.Parameters, state, new long[] { 7, 9 }, new Dictionary<string, string> { ["format"] = "pt" });
            var target = new Mlp784(5);
            stream.Position = 0;
            target.LoadWeights(stream);
            Assert.True(TestData.SameBits(source.Parameters, target.Parameters));
            Assert.Equal(state.AsSpan(0, 256).ToArray(), target.GetTensor("bn1.running_mean"));
            Assert.Equal(state.AsSpan(640, 128).ToArray(), target.GetTensor("bn2.running_var"));
            Assert.Equal(9f, target.GetTensor("bn2.num_batches_tracked")[0]);
        }

        private static byte[] Write(IReadOnlyList<TensorDescriptor> tensors, int parameterCount, int stateCount, int counters)
        {
            var stream = new MemoryStream();
            SafeTensors.Write(stream, tensors, new float[parameterCount], new float[stateCount], new long[counters]);
            return stream.ToArray();
        }

        private static void AssertRejected(byte[] file, params string[] messageParts)
        {
            var model = TrainedMlp();
            var before = Snapshot(model);
            var ex = Assert.Throws<InvalidDataException>(() => model.LoadWeights(new MemoryStream(file)));
            foreach (var part in messageParts)
            {
                Assert.Contains(part, ex.Message);
            }

            Assert.True(TestData.SameBits(before, Snapshot(model)), "the model changed although loading failed");
        }

        [Fact]
        public void WrongShapeIsRejected()
        {
            var tensors = Mlp784.Tensors.Select(t => t.Name == "fc2.weight" ? new TensorDescriptor(t.Name, new[] { 128, 255 }, t.Storage, t.Offset) : t).ToList();
            AssertRejected(Write(tensors, Mlp784.ParameterCount, 768, 2), "fc2.weight", "[128, 255]", "[128, 256]");
        }

        [Fact]
        public void MissingTensorIsRejected()
        {
            var tensors = Mlp784.Tensors.Where(t => t.Name != "bn1.running_var").ToList();
            AssertRejected(Write(tensors, Mlp784.ParameterCount, 768, 2), "missing", "bn1.running_var");
        }

        [Fact]
        public void UnexpectedTensorIsRejected()
        {
            var tensors = Mlp784.Tensors.Append(new TensorDescriptor("fc4.weight", new[] { 2 }, TensorStorage.Parameters, 0)).ToList();
            AssertRejected(Write(tensors, Mlp784.ParameterCount, 768, 2), "fc4.weight");
        }

        [Fact]
        public void WrongDtypeIsRejected()
        {
            var tensors = Mlp784.Tensors.Select(t => t.Name == "bn2.num_batches_tracked" ? new TensorDescriptor(t.Name, t.Shape, TensorStorage.State, 0) : t).ToList();
            AssertRejected(Write(tensors, Mlp784.ParameterCount, 768, 2), "bn2.num_batches_tracked", "F32", "I64");
        }

        [Fact]
        public void TruncatedBodyIsRejected()
        {
            var stream = new MemoryStream();
            new Mlp784().SaveWeights(stream);
            var bytes = stream.ToArray();
            AssertRejected(bytes.AsSpan(0, bytes.Length - 100).ToArray(), "truncated");
        }

        [Fact]
        public void BadHeadersAreRejected()
        {
            AssertRejected(new byte[] { 1, 2, 3 }, "shorter than");
            var huge = new byte[16];
            BitConverter.GetBytes(long.MaxValue).CopyTo(huge, 0);
            AssertRejected(huge, "header length");
            var notJson = new byte[8 + 8];
            BitConverter.GetBytes(8L).CopyTo(notJson, 0);
            System.Text.Encoding.ASCII.GetBytes("{nope!!!").CopyTo(notJson, 8);
            AssertRejected(notJson, "header");
            var truncatedHeader = new byte[8 + 4];
            BitConverter.GetBytes(100L).CopyTo(truncatedHeader, 0);
            AssertRejected(truncatedHeader, "truncated");
        }
    }

    /// <summary>Argument checks on the generated API and the training loop.</summary>
    public class ApiTests
    {
        [Fact]
        public void PredictWithWrongLengthNamesTheExpectedLength()
        {
            var model = new SeedNet();
            var ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[199], new float[5]));
            Assert.Contains("200", ex.Message);
            Assert.Equal("input", ex.ParamName);
            ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[200], new float[4]));
            Assert.Contains("5", ex.Message);
            Assert.Equal("output", ex.ParamName);
            ex = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[401], new float[10]));
            Assert.Contains("200", ex.Message);
            ex = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[400], new float[5]));
            Assert.Contains("10", ex.Message);
        }

        [Fact]
        public void TensorAccessByNameNamesTheProblem()
        {
            var model = new SeedNet();
            var ex = Assert.Throws<ArgumentException>(() => model.GetTensor("fc9.weight"));
            Assert.Contains("fc9.weight", ex.Message);
            Assert.Contains("1.running_var", ex.Message);
            ex = Assert.Throws<ArgumentException>(() => model.SetTensor("1.running_mean", new float[4]));
            Assert.Contains("[5]", ex.Message);
            model.SetTensor("1.running_mean", new float[] { 1, 2, 3, 4, 5 });
            Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, model.GetTensor("1.running_mean"));
        }

        [Fact]
        public void TrainStepChecksTheBatch()
        {
            var trainer = new SeedNet().CreateTrainer(4);
            Assert.Throws<ArgumentException>(() => trainer.TrainStep(new float[199], new float[5]));
            Assert.Throws<ArgumentException>(() => trainer.TrainStep(new float[200 * 5], new float[25]));
            var ex = Assert.Throws<ArgumentException>(() => trainer.TrainStep(new float[400], new float[9]));
            Assert.Contains("10", ex.Message);
        }

        [Fact]
        public void ConstantsDescribeTheNetwork()
        {
            Assert.Equal(200, SeedNet.InputSize);
            Assert.Equal(5, SeedNet.OutputSize);
            Assert.Equal((200 * 5) + 5 + 5 + 5, SeedNet.ParameterCount);
            Assert.Equal((784 * 256) + 256 + 512 + (256 * 128) + 128 + 256 + (128 * 10) + 10, Mlp784.ParameterCount);
        }

        [Fact]
        public void SameSeedGivesSameWeightsAndTrainingIsDeterministic()
        {
            float[] Run()
            {
                var m = new BnMlp(7);
                var x = TestData.Uniform(64 * 20, 1);
                var t = TestData.Targets(64, 4, 2, oneHot: true);
                m.CreateTrainer(16, seed: 3).Fit(x, t, new FitOptions { Epochs = 3, BatchSize = 16, Seed = 5 });
                return m.Parameters.ToArray();
            }

            Assert.True(TestData.SameBits(Run(), Run()));
            Assert.False(TestData.SameBits(new BnMlp(1).Parameters, new BnMlp(2).Parameters));
        }

        [Fact]
        public void FitReportsProgressAndLearnsXor()
        {
            var model = new TinyXor(1);
            float[] x = { 0, 0, 0, 1, 1, 0, 1, 1 };
            float[] t = { 0, 1, 1, 0 };
            var reports = new List<EpochReport>();
            var history = model.CreateTrainer(4).Fit(x, t, new FitOptions { Epochs = 300, BatchSize = 4 }, new SyncProgress(reports.Add));
            Assert.Equal(300, reports.Count);
            Assert.Equal(history, reports);
            Assert.True(reports[^1].Loss < reports[0].Loss / 5, $"loss {reports[0].Loss} -> {reports[^1].Loss}");
            var y = new float[4];
            model.PredictBatch(x, y);
            Assert.Equal(new[] { false, true, true, false }, y.Select(v => v > 0.5f));
        }

        [Fact]
        public void FitRejectsABatchSizeAboveTheTrainersMaximum()
        {
            var trainer = new TinyXor().CreateTrainer(4);
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new float[16], new float[8], new FitOptions { BatchSize = 8 }));
            Assert.Contains("maxBatchSize", ex.Message);
        }

        [Fact]
        public void InferenceOnlyModelsHaveNoTrainer()
        {
            Assert.Null(typeof(InferenceOnly).GetMethod("CreateTrainer"));
            var y = new float[2];
            new InferenceOnly().Predict(new float[] { 1, 2, 3 }, y);
            Assert.All(y, v => Assert.InRange(v, -1f, 1f));
        }

        [Fact]
        public void PredictPredictBatchAndTrainStepAllocateNothing()
        {
            var model = new Mlp784(1);
            var trainer = model.CreateTrainer(64);
            var x = TestData.Uniform(64 * 784, 1);
            var t = TestData.Targets(64, 10, 2, oneHot: true);
            var y = new float[64 * 10];
            // Warm up so the JIT's own allocations are done.
            for (int i = 0; i < 3; i++)
            {
                model.Predict(x.AsSpan(0, 784), y.AsSpan(0, 10));
                model.PredictBatch(x, y);
                trainer.TrainStep(x, t);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Predict(x.AsSpan(0, 784), y.AsSpan(0, 10));
            model.PredictBatch(x, y);
            trainer.TrainStep(x, t);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void ACnnPredictsAndTrainsWithoutAllocating()
        {
            // Convolutions keep per-thread patch scratch (inference) and trainer-owned patch buffers (training); threads
            // get their parts through the worker pool. After warm-up nothing is allocated per call.
            var model = new WideCnn(1);
            var trainer = model.CreateTrainer(64);
            var x = TestData.Uniform(64 * WideCnn.InputSize, 1);
            var t = TestData.Targets(64, 10, 2, oneHot: true);
            var y = new float[64 * 10];
            for (int i = 0; i < 3; i++)
            {
                model.Predict(x.AsSpan(0, WideCnn.InputSize), y.AsSpan(0, 10));
                model.PredictBatch(x, y);
                trainer.TrainStep(x, t);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Predict(x.AsSpan(0, WideCnn.InputSize), y.AsSpan(0, 10));
            model.PredictBatch(x, y);
            trainer.TrainStep(x, t);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private sealed class SyncProgress : IProgress<EpochReport>
        {
            private readonly Action<EpochReport> _report;

            public SyncProgress(Action<EpochReport> report) => _report = report;

            public void Report(EpochReport value) => _report(value);
        }
    }
}
