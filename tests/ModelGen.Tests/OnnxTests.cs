using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelGen.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests
{
    /// <summary>
    /// ONNX export checked by ONNX Runtime on every model declared in this project, and ONNX import (round trip, PyTorch
    /// graphs, mismatches named by node).
    /// </summary>
    public class OnnxTests
    {
        /// <summary>
        /// ONNX Runtime and ModelGen compute in float32 with different summation orders, fused and separate rounding, and
        /// different formulas for BatchNorm (ModelGen folds the statistics into a scale and shift), softmax and GELU. The
        /// discrepancy per layer is a few units of 2^-24 times the square root of the fan-in (at most 2,000 here), so
        /// about 1e-6 relative after a few layers: the largest seen over all these models is 9.2e-7 (WideNet, fan-in
        /// 2,000). 1e-5 of (1 + |value|) leaves ten times that, while a wrong layout, transposition, padding or statistic
        /// moves outputs by 1e-2 and more.
        /// </summary>
        private const float Tolerance = 1e-5f;

        private readonly ITestOutputHelper _output;

        public OnnxTests(ITestOutputHelper output) => _output = output;

        /// <summary>Every model class in this test project, by name.</summary>
        public static IEnumerable<object[]> Models() =>
            typeof(SeedNet).Assembly.GetTypes()
                .Where(t => typeof(IModel).IsAssignableFrom(t) && !t.IsAbstract && t.Namespace == typeof(SeedNet).Namespace)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new object[] { t.Name });

        internal static IModel Create(string name, int seed = 1) =>
            (IModel)Activator.CreateInstance(typeof(SeedNet).Assembly.GetType(typeof(SeedNet).Namespace + "." + name)!, seed)!;

        /// <summary>
        /// Gives every BatchNorm and LayerNorm tensor values far from their initial 1 and 0, so a swapped, missing or
        /// misplaced statistic in the export changes the outputs.
        /// </summary>
        internal static void Perturb(IModel model, int seed)
        {
            var rng = new DeterministicRandom(seed);
            foreach (var layer in model.Description.Layers)
            {
                switch (layer)
                {
                    case BatchNormDescription b:
                        Set(model, b.Name + ".weight", b.Features, 0.5f, 1.5f, rng);
                        Set(model, b.Name + ".bias", b.Features, -0.5f, 0.5f, rng);
                        Set(model, b.Name + ".running_mean", b.Features, -0.5f, 0.5f, rng);
                        Set(model, b.Name + ".running_var", b.Features, 0.5f, 2f, rng);
                        break;
                    case LayerNormDescription l:
                        Set(model, l.Name + ".weight", l.GroupSize, 0.5f, 1.5f, rng);
                        Set(model, l.Name + ".bias", l.GroupSize, -0.5f, 0.5f, rng);
                        break;
                }
            }

            static void Set(IModel model, string name, int count, float low, float high, DeterministicRandom rng)
            {
                var values = new float[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = rng.NextUniform(low, high);
                }

                model.SetTensor(name, values);
            }
        }

        private static bool Exportable(IModel model) =>
            !model.Description.Layers.Any(l => l is BatchNormDescription { UsesBatchStatisticsAtInference: true } or DropoutDescription { ActiveAtInference: true });

        [Theory]
        [MemberData(nameof(Models))]
        public void OnnxRuntimeAgreesWithPredictBatch(string name)
        {
            var model = Create(name);
            if (!Exportable(model))
            {
                // Covered by ModelsThatComputeWhatOnnxCannotAreRefusedByName.
                Assert.Throws<NotSupportedException>(() => model.ExportOnnx(new MemoryStream()));
                return;
            }

            Perturb(model, 7);
            var bytes = Export(model);
            using var session = new InferenceSession(bytes);
            Assert.Equal(new[] { "input" }, session.InputMetadata.Keys);
            Assert.Equal(new[] { "output" }, session.OutputMetadata.Keys);
            Assert.Equal(-1, session.InputMetadata["input"].Dimensions[0]);
            float worst = 0;
            foreach (int rows in new[] { 1, 37, 256 })
            {
                var x = TestData.Uniform(rows * model.InputLength, 100 + rows, -2f, 2f);
                var expected = new float[rows * model.OutputLength];
                model.PredictBatch(x, expected);
                var actual = Run(session, model, x, rows);
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    float error = Math.Abs(actual[i] - expected[i]);
                    worst = Math.Max(worst, error / (1 + Math.Abs(expected[i])));
                    Assert.True(
                        error <= Tolerance * (1 + Math.Abs(expected[i])),
                        $"{name}, batch {rows}, row {i / model.OutputLength}, output {i % model.OutputLength}: ONNX Runtime {actual[i]:R}, ModelGen {expected[i]:R}");
                }
            }

            _output.WriteLine($"{name}: largest relative difference {worst:E2}");
        }

        [Fact]
        public void ModelsThatComputeWhatOnnxCannotAreRefusedByName()
        {
            var adaptive = Assert.Throws<NotSupportedException>(() => new AdaptiveNet(1).ExportOnnx(new MemoryStream()));
            Assert.Contains("Layer '1'", adaptive.Message);
            Assert.Contains("batch's statistics", adaptive.Message);
            var dropout = Assert.Throws<NotSupportedException>(() => new McDropoutNet(1).ExportOnnx(new MemoryStream()));
            Assert.Contains("Layer '2'", dropout.Message);
            Assert.Contains("active at inference", dropout.Message);

            // The path overload builds the graph first: no file, not even a partial one, for a refused model.
            string folder = Directory.CreateTempSubdirectory("modelgen-onnx-").FullName;
            try
            {
                Assert.Throws<NotSupportedException>(() => new McDropoutNet(1).ExportOnnx(Path.Combine(folder, "mc.onnx")));
                Assert.Empty(Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void ExportThenImportRestoresEveryTensorBitwise(string name)
        {
            var source = Create(name, 1);
            if (!Exportable(source))
            {
                return;
            }

            Perturb(source, 11);
            var target = Create(name, 2);
            Assert.True(source.ParameterLength == 0 || !TestData.SameBits(source.Parameters, target.Parameters));
            target.LoadOnnxWeights(new MemoryStream(Export(source)));
            Assert.True(TestData.SameBits(source.Parameters, target.Parameters));
            foreach (var layer in source.Description.Layers.OfType<BatchNormDescription>())
            {
                Assert.True(TestData.SameBits(source.GetTensor(layer.Name + ".running_mean"), target.GetTensor(layer.Name + ".running_mean")));
                Assert.True(TestData.SameBits(source.GetTensor(layer.Name + ".running_var"), target.GetTensor(layer.Name + ".running_var")));
            }

            var x = TestData.Uniform(5 * source.InputLength, 3, -2f, 2f);
            var a = new float[5 * source.OutputLength];
            var b = new float[a.Length];
            source.PredictBatch(x, a);
            target.PredictBatch(x, b);
            Assert.True(TestData.SameBits(a, b));
        }

        [Fact]
        public void FileExportWritesOnlyTheTarget()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-onnx-").FullName;
            try
            {
                string path = Path.Combine(folder, "bn.onnx");
                var model = new BnMlp(1);
                model.ExportOnnx(path);
                model.ExportOnnx(path);
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
                var other = new BnMlp(2);
                other.LoadOnnxWeights(path);
                Assert.True(TestData.SameBits(model.Parameters, other.Parameters));
                Assert.Throws<DirectoryNotFoundException>(() => model.ExportOnnx(Path.Combine(folder, "missing", "x.onnx")));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void AGraphOfAnotherStructureIsRejectedByNodeAndChangesNothing()
        {
            // TorchSgd: Dense(16), BatchNorm, ReLU, Dense(8), Tanh, ... against BnMlp's graph.
            var bytes = Export(new TorchSoftmaxMse(1));
            var target = new TorchSgd(3);
            var before = target.Parameters.ToArray();
            var e = Assert.Throws<InvalidDataException>(() => target.LoadOnnxWeights(new MemoryStream(bytes)));
            _output.WriteLine(e.Message);
            Assert.Contains("ONNX node 0 '0' (Gemm) does not match layer '0'", e.Message);
            Assert.Contains("initializer '0.weight' of shape [16, 12]", e.Message);
            Assert.True(TestData.SameBits(before, target.Parameters));

            // Same first layers, then the graph has a Sigmoid where the declaration has a BatchNorm.
            var wrongKind = Assert.Throws<InvalidDataException>(() => new SigmoidInsteadOfBn(1).LoadOnnxWeights(new MemoryStream(Export(new SigmoidThenSoftmax(1)))));
            Assert.Contains("ONNX node 1 '1' (Sigmoid) does not match layer '1' (BatchNorm) of SigmoidInsteadOfBn: expected a BatchNormalization node", wrongKind.Message);

            // A graph with more layers than the declaration.
            var longer = Assert.Throws<InvalidDataException>(() => new SigmoidInsteadOfBnShort(1).LoadOnnxWeights(new MemoryStream(Export(new SigmoidThenSoftmax(1)))));
            Assert.Contains("follows the last layer of SigmoidInsteadOfBnShort", longer.Message);

            var notOnnx = Assert.Throws<InvalidDataException>(() => target.LoadOnnxWeights(new MemoryStream(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })));
            Assert.Contains("not an ONNX model", notOnnx.Message);
            Assert.True(TestData.SameBits(before, target.Parameters));
        }

        [Fact]
        public void KerasConventionStatisticsExportAndImportAsStored()
        {
            // The Keras convention differs from PyTorch's in how training updates the running statistics, not in what
            // inference does with them: the exported BatchNormalization must use them as stored, both ways.
            var keras = new BnKeras(1);
            keras.SetTensor("0.running_mean", new[] { 0.75f });
            keras.SetTensor("0.running_var", new[] { 2.5f });
            keras.SetTensor("0.weight", new[] { 1.5f });
            keras.SetTensor("0.bias", new[] { -0.25f });
            var bytes = Export(keras);
            using var session = new InferenceSession(bytes);
            var x = new[] { -1f, 0f, 3f };
            var expected = new float[3];
            keras.PredictBatch(x, expected);
            var actual = Run(session, keras, x, 3);
            for (int i = 0; i < 3; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * (1 + Math.Abs(expected[i])), $"{expected[i]} vs {actual[i]}");
            }

            // Keras's epsilon (1e-3 by default) is the node's epsilon; a PyTorch-convention model (1e-5) does not match it.
            var torch = new BnTorch(1);
            var e = Assert.Throws<InvalidDataException>(() => torch.LoadOnnxWeights(new MemoryStream(bytes)));
            Assert.Contains("epsilon", e.Message);
            var other = new BnKeras(2);
            other.LoadOnnxWeights(new MemoryStream(bytes));
            Assert.Equal(new[] { 0.75f }, other.GetTensor("0.running_mean"));
            Assert.Equal(new[] { 2.5f }, other.GetTensor("0.running_var"));
        }

        /// <summary>
        /// Graphs exported by <c>torch.onnx.export</c> (PyTorch 1.13, tests/reference/make_onnx.py): Gemm with transB,
        /// BatchNormalization, GELU in its erf form with Constant nodes, a zero Pad before AveragePool, Flatten, and a
        /// residual network's Add and Concat nodes and ReduceMean for the global average pool. The
        /// declaration takes the weights from the initializers and predicts what PyTorch predicted, within
        /// <see cref="Tolerance"/> (the same float32 argument as for ONNX Runtime). TorchSgdKeras declares the same
        /// network with a Keras-convention BatchNorm: the statistics are used as stored, so it predicts the same.
        /// </summary>
        [Theory]
        [InlineData("TorchSgd", "TorchSgd")]
        [InlineData("TorchSgd", "TorchSgdKeras")]
        [InlineData("TorchCnnOnnx", "TorchCnnOnnx")]
        [InlineData("TorchResNet", "TorchResNet")]
        public void GraphsExportedByPyTorchImport(string file, string declaration)
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "onnx");
            var vectors = PyTorchVectorTests.ReadAll(Path.Combine(folder, $"torch-{file}.vectors.safetensors"));
            var model = Create(declaration, 5);
            model.LoadOnnxWeights(Path.Combine(folder, $"torch-{file}.onnx"));
            var x = vectors["x"].Values;
            int rows = x.Length / model.InputLength;
            var y = new float[rows * model.OutputLength];
            model.PredictBatch(x, y);
            var expected = vectors["y"].Values;
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - expected[i]) <= Tolerance * (1 + Math.Abs(expected[i])), $"{declaration}, output {i}: ModelGen {y[i]:R}, PyTorch {expected[i]:R}");
            }
        }

        /// <summary>
        /// The exporter's bytes for six test models (two of them graphs) are pinned by files under tests/reference/onnx (the files the ONNX
        /// checker script checks): a change to the graph shows as a changed file in review. On a difference the new
        /// bytes are written next to the pinned file as <c>.received.onnx</c>; copy it over the pinned file once the
        /// change is intended (and run tests/reference/check_onnx.py on it).
        /// </summary>
        [Theory]
        [InlineData("BnMlp")]
        [InlineData("Everything")]
        [InlineData("TorchCnn")]
        [InlineData("GlobalPoolCnn")]
        [InlineData("ResidualCnn")]
        [InlineData("MergeMlp")]
        public void ExportedBytesArePinned(string name)
        {
            var model = Create(name, 1);
            Perturb(model, 7);
            var bytes = Export(model);
            string pinned = Path.Combine(PinnedFolder(), $"modelgen-{name}.onnx");
            string received = Path.ChangeExtension(pinned, ".received.onnx");
            if (!File.Exists(pinned) || !File.ReadAllBytes(pinned).AsSpan().SequenceEqual(bytes))
            {
                File.WriteAllBytes(received, bytes);
                Assert.Fail($"The export of {name} differs from {pinned}; the new bytes are in {received}.");
            }

            File.Delete(received);
        }

        /// <summary>tests/reference/onnx in the source tree (found from the test assembly's folder upwards).</summary>
        private static string PinnedFolder()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "reference", "onnx");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("tests/reference/onnx not found above " + AppContext.BaseDirectory);
        }

        internal static byte[] Export(IModel model)
        {
            var stream = new MemoryStream();
            model.ExportOnnx(stream);
            return stream.ToArray();
        }

        internal static float[] Run(InferenceSession session, IModel model, float[] x, int rows)
        {
            var dims = new[] { rows }.Concat(model.Description.InputShape).ToArray();
            var input = NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, dims));
            using var results = session.Run(new[] { input });
            return results.Single(r => r.Name == "output").AsTensor<float>().ToArray();
        }
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>TorchSgd's network with a Keras-convention BatchNorm (PyTorch's epsilon and momentum written the Keras way).</summary>
    [Model, Input(12), Dense(16), BatchNorm(Convention = BatchNormConvention.Keras, Momentum = 0.9, Epsilon = 1e-5), ReLU, Dense(8), Tanh, Dense(5), Softmax]
    public partial class TorchSgdKeras
    {
    }

    /// <summary>TorchCnn with the second convolution padded explicitly (3 x 3, padding 1): PyTorch 1.13 cannot export padding="same".</summary>
    [Model, Input(2, 8, 8), Conv2D(6, 3, Padding = 1, UseBias = false), BatchNorm, GELU, MaxPool2D(2), Conv2D(5, 3, Padding = 1)]
    [LayerNorm, ReLU, AvgPool2D(2), Flatten, Dense(3), Softmax]
    public partial class TorchCnnOnnx
    {
    }

    /// <summary>Dense, Sigmoid, Dense, Softmax: the graph the mismatch tests export.</summary>
    [Model, Input(5), Dense(4), Sigmoid, Dense(3), Softmax]
    public partial class SigmoidThenSoftmax
    {
    }

    /// <summary>Declares a BatchNorm where <see cref="SigmoidThenSoftmax"/> has a Sigmoid.</summary>
    [Model, Input(5), Dense(4), BatchNorm, Dense(3), Softmax]
    public partial class SigmoidInsteadOfBn
    {
    }

    /// <summary>The first two layers of <see cref="SigmoidThenSoftmax"/> only.</summary>
    [Model, Input(5), Dense(4), Sigmoid]
    public partial class SigmoidInsteadOfBnShort
    {
    }
}
