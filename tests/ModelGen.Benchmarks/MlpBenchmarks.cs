using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.ML.OnnxRuntime;
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

        /// <summary>The model as ONNX (ExportOnnx: the graph ModelGen runs, with its weights and running statistics).</summary>
        internal static byte[] Onnx(IModel model)
        {
            var stream = new System.IO.MemoryStream();
            model.ExportOnnx(stream);
            return stream.ToArray();
        }

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

            // Peer: ONNX Runtime, one intra-op thread, OrtValue API, on the same network and weights.
            var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session = new InferenceSession(Onnx(_model), options);
            var options2 = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session2 = new InferenceSession(Onnx(_model), options2);
            _ortIn1 = OrtValue.CreateTensorValueFromMemory(_x.AsSpan(0, 784).ToArray(), new long[] { 1, 784 });
            _ortOut1 = OrtValue.CreateTensorValueFromMemory(new float[10], new long[] { 1, 10 });
            _ortIn256 = OrtValue.CreateTensorValueFromMemory(_x, new long[] { 256, 784 });
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

        private InferenceSession _session = null!;
        private InferenceSession _session2 = null!;
        private OrtValue _ortIn1 = null!, _ortOut1 = null!, _ortIn256 = null!, _ortOut256 = null!;
        private RunOptions _run = null!;

        /// <summary>Peer: ONNX Runtime, one sample.</summary>
        [Benchmark]
        public void OnnxRuntimePredict() => _session.Run(_run, new[] { "input" }, new[] { _ortIn1 }, new[] { "output" }, new[] { _ortOut1 });

        /// <summary>Peer: ONNX Runtime, 256 rows.</summary>
        [Benchmark]
        public void OnnxRuntimePredictBatch256() => _session.Run(_run, new[] { "input" }, new[] { _ortIn256 }, new[] { "output" }, new[] { _ortOut256 });

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, one sample.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredict() => _session2.Run(_run, new[] { "input" }, new[] { _ortIn1 }, new[] { "output" }, new[] { _ortOut1 });

        /// <summary>Peer: ONNX Runtime with 2 intra-op threads, 256 rows.</summary>
        [Benchmark]
        public void OnnxRuntime2ThreadsPredictBatch256() => _session2.Run(_run, new[] { "input" }, new[] { _ortIn256 }, new[] { "output" }, new[] { _ortOut256 });

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
