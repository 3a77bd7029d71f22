using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ModelGen;

namespace ModelGen.Benchmarks
{
    /// <summary>The benchmark network: 784-256(BN, ReLU)-128(BN, ReLU)-10, softmax, SGD with momentum.</summary>
    [Model]
    [Input(784)]
    [Dense(256, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(128, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class BenchMlp
    {
    }

    /// <summary>Predict (one sample), PredictBatch (256 rows) and TrainStep (64 rows) on the benchmark MLP.</summary>
    [MemoryDiagnoser]
    public class MlpBenchmarks
    {
        private BenchMlp _model = null!;
        private BenchMlp.Trainer _trainer = null!;
        private float[] _x = null!;
        private float[] _y = null!;
        private float[] _targets = null!;

        [GlobalSetup]
        public void Setup()
        {
            _model = new BenchMlp(1);
            _trainer = _model.CreateTrainer(64);
            var rng = new DeterministicRandom(7);
            _x = new float[256 * 784];
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = rng.NextSingle();
            }

            _y = new float[256 * 10];
            _targets = new float[64 * 10];
            for (int r = 0; r < 64; r++)
            {
                _targets[(r * 10) + (r % 10)] = 1f;
            }

            // A few steps so the running statistics are realistic.
            for (int i = 0; i < 3; i++)
            {
                _trainer.TrainStep(_x.AsSpan(0, 64 * 784), _targets);
            }

            // Peers: ONNX Runtime with 1 and 2 intra-op threads on the same network and weights.
            _ort1 = new OnnxRuntimePeer(_model, _x, 1, 1);
            _ort256 = new OnnxRuntimePeer(_model, _x, 256, 1);
            _ort2Threads1 = new OnnxRuntimePeer(_model, _x, 1, 2);
            _ort2Threads256 = new OnnxRuntimePeer(_model, _x, 256, 2);
            _model.PredictBatch(_x, _y);
            _ort256.CheckAgainst(_y);
        }

        private OnnxRuntimePeer _ort1 = null!, _ort256 = null!, _ort2Threads1 = null!, _ort2Threads256 = null!;

        /// <summary>Peer: ONNX Runtime, one sample.</summary>
        [Benchmark]
        public void OnnxRuntimePredict() => _ort1.Run();

        /// <summary>Peer: ONNX Runtime, 256 rows.</summary>
        [Benchmark]
        public void OnnxRuntimePredictBatch256() => _ort256.Run();

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, one sample.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredict() => _ort2Threads1.Run();

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, 256 rows.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredictBatch256() => _ort2Threads256.Run();

        [GlobalCleanup]
        public void Cleanup()
        {
            _ort1.Dispose();
            _ort256.Dispose();
            _ort2Threads1.Dispose();
            _ort2Threads256.Dispose();
        }

        /// <summary>One sample.</summary>
        [Benchmark]
        public void Predict() => _model.Predict(_x.AsSpan(0, 784), _y.AsSpan(0, 10));

        /// <summary>256 rows on all cores; samples/s = 256 / time.</summary>
        [Benchmark(OperationsPerInvoke = 1)]
        public void PredictBatch256()
        {
            Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
            _model.PredictBatch(_x, _y);
        }

        /// <summary>256 rows on one thread.</summary>
        [Benchmark]
        public void PredictBatch256OneThread()
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            _model.PredictBatch(_x, _y);
        }

        /// <summary>One SGD step on 64 rows on all cores; samples/s = 64 / time.</summary>
        [Benchmark]
        public float TrainStep64()
        {
            Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
            return _trainer.TrainStep(_x.AsSpan(0, 64 * 784), _targets);
        }

        /// <summary>One SGD step on 64 rows on all cores without the divergence check (its cost is TrainStep64 minus this).</summary>
        [Benchmark]
        public float TrainStep64NoDivergenceCheck()
        {
            Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
            _trainer.DetectDivergence = false;
            try
            {
                return _trainer.TrainStep(_x.AsSpan(0, 64 * 784), _targets);
            }
            finally
            {
                _trainer.DetectDivergence = true;
            }
        }

        /// <summary>One SGD step on 64 rows on one thread.</summary>
        [Benchmark]
        public float TrainStep64OneThread()
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            return _trainer.TrainStep(_x.AsSpan(0, 64 * 784), _targets);
        }
    }

    public static class Program
    {
        /// <summary>BenchmarkDotNet's switcher, or <c>plot [report.csv] [out.png]</c> for the scaling plot.</summary>
        public static void Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "plot")
            {
                ScalingPlot.Write(
                    args.Length > 1 ? args[1] : "BenchmarkDotNet.Artifacts/results/ModelGen.Benchmarks.ScalingBenchmarks-report.csv",
                    args.Length > 2 ? args[2] : "docs/benchmarks-scaling.png");
                return;
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        }
    }
}
