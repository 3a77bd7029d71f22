using System;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using ModelGen;

namespace ModelGen.Benchmarks
{
    /// <summary>The Fashion-MNIST CNN of samples/FashionMnist (the same declaration).</summary>
    [Model, Input(1, 28, 28)]
    [Conv2D(32, 3, Padding = 1, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU, MaxPool2D(2), Dropout(0.25)]
    [Conv2D(64, 3, Padding = 1, Name = "conv2"), BatchNorm(Name = "bn2"), ReLU, MaxPool2D(2), Dropout(0.25)]
    [Flatten, Dense(128, Name = "fc"), BatchNorm(Name = "bn3"), ReLU, Dropout(0.5)]
    [Dense(10, Name = "out"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam(LearningRate = 1e-3)]
    public partial class BenchCnn
    {
    }

    /// <summary>
    /// CNN inference: Predict (one image) and PredictBatch (256 images) against ONNX Runtime with 1 and 2 intra-op
    /// threads on the same network and weights (ExportOnnx after 3 training steps, so the running statistics are not the
    /// initial ones).
    /// </summary>
    [MemoryDiagnoser]
    public class CnnBenchmarks
    {
        private const int Pixels = 28 * 28;
        private BenchCnn _model = null!;
        private float[] _x = null!;
        private float[] _y = null!;
        private InferenceSession _session = null!;
        private InferenceSession _session2 = null!;
        private OrtValue _ortIn1 = null!, _ortOut1 = null!, _ortIn256 = null!, _ortOut256 = null!;
        private RunOptions _run = null!;

        [GlobalSetup]
        public void Setup()
        {
            _model = new BenchCnn(seed: 1);
            var rng = new Random(7);
            _x = new float[256 * Pixels];
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = rng.NextSingle();
            }

            _y = new float[256 * 10];
            var targets = new float[64 * 10];
            for (int r = 0; r < 64; r++)
            {
                targets[(r * 10) + (r % 10)] = 1f;
            }

            var trainer = _model.CreateTrainer(maxBatchSize: 64);
            for (int i = 0; i < 3; i++)
            {
                trainer.TrainStep(_x.AsSpan(0, 64 * Pixels), targets);
            }

            var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session = new InferenceSession(MlpBenchmarks.Onnx(_model), options);
            var options2 = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session2 = new InferenceSession(MlpBenchmarks.Onnx(_model), options2);
            _ortIn1 = OrtValue.CreateTensorValueFromMemory(_x.AsSpan(0, Pixels).ToArray(), new long[] { 1, 1, 28, 28 });
            _ortOut1 = OrtValue.CreateTensorValueFromMemory(new float[10], new long[] { 1, 10 });
            _ortIn256 = OrtValue.CreateTensorValueFromMemory(_x, new long[] { 256, 1, 28, 28 });
            _ortOut256 = OrtValue.CreateTensorValueFromMemory(new float[2560], new long[] { 256, 10 });
            _run = new RunOptions();
            OnnxRuntimePredictBatch256();
            _model.PredictBatch(_x, _y);
            var ort = _ortOut256.GetTensorDataAsSpan<float>();
            for (int i = 0; i < _y.Length; i++)
            {
                if (Math.Abs(ort[i] - _y[i]) > 1e-4f)
                {
                    throw new InvalidOperationException($"ONNX Runtime and ModelGen disagree at {i}: {ort[i]} vs {_y[i]}");
                }
            }
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _session.Dispose();
            _session2.Dispose();
            _run.Dispose();
            _ortIn1.Dispose();
            _ortOut1.Dispose();
            _ortIn256.Dispose();
            _ortOut256.Dispose();
        }

        /// <summary>Peer: ONNX Runtime, one image.</summary>
        [Benchmark]
        public void OnnxRuntimePredict() => _session.Run(_run, new[] { "input" }, new[] { _ortIn1 }, new[] { "output" }, new[] { _ortOut1 });

        /// <summary>Peer: ONNX Runtime, 256 images.</summary>
        [Benchmark]
        public void OnnxRuntimePredictBatch256() => _session.Run(_run, new[] { "input" }, new[] { _ortIn256 }, new[] { "output" }, new[] { _ortOut256 });

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, one image.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredict() => _session2.Run(_run, new[] { "input" }, new[] { _ortIn1 }, new[] { "output" }, new[] { _ortOut1 });

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, 256 images.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredictBatch256() => _session2.Run(_run, new[] { "input" }, new[] { _ortIn256 }, new[] { "output" }, new[] { _ortOut256 });

        /// <summary>One image.</summary>
        [Benchmark]
        public void Predict() => _model.Predict(_x.AsSpan(0, Pixels), _y.AsSpan(0, 10));

        /// <summary>256 images on all cores.</summary>
        [Benchmark]
        public void PredictBatch256()
        {
            Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
            _model.PredictBatch(_x, _y);
        }

        /// <summary>256 images on one thread.</summary>
        [Benchmark]
        public void PredictBatch256OneThread()
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            _model.PredictBatch(_x, _y);
        }
    }
}
