using System;
using BenchmarkDotNet.Attributes;
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
        private OnnxRuntimePeer _ort1 = null!, _ort256 = null!, _ort2Threads1 = null!, _ort2Threads256 = null!;

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

            _ort1 = new OnnxRuntimePeer(_model, _x, 1, 1);
            _ort256 = new OnnxRuntimePeer(_model, _x, 256, 1);
            _ort2Threads1 = new OnnxRuntimePeer(_model, _x, 1, 2);
            _ort2Threads256 = new OnnxRuntimePeer(_model, _x, 256, 2);
            _model.PredictBatch(_x, _y);
            _ort256.CheckAgainst(_y);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _ort1.Dispose();
            _ort256.Dispose();
            _ort2Threads1.Dispose();
            _ort2Threads256.Dispose();
        }

        /// <summary>Peer: ONNX Runtime, one image.</summary>
        [Benchmark]
        public void OnnxRuntimePredict() => _ort1.Run();

        /// <summary>Peer: ONNX Runtime, 256 images.</summary>
        [Benchmark]
        public void OnnxRuntimePredictBatch256() => _ort256.Run();

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, one image.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredict() => _ort2Threads1.Run();

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, 256 images.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredictBatch256() => _ort2Threads256.Run();

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
