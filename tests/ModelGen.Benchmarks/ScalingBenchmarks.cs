using System;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using ModelGen;

namespace ModelGen.Benchmarks
{
    /// <summary>The benchmark MLP's shape at hidden width 64: 784-64(BN, ReLU)-64(BN, ReLU)-10.</summary>
    [Model]
    [Input(784)]
    [Dense(64, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(64, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    public partial class Scale64
    {
    }

    /// <summary>Hidden width 256.</summary>
    [Model]
    [Input(784)]
    [Dense(256, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(256, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    public partial class Scale256
    {
    }

    /// <summary>Hidden width 1024.</summary>
    [Model]
    [Input(784)]
    [Dense(1024, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(1024, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    public partial class Scale1024
    {
    }

    /// <summary>Hidden width 2048.</summary>
    [Model]
    [Input(784)]
    [Dense(2048, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(2048, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    public partial class Scale2048
    {
    }

    /// <summary>
    /// Inference over hidden width x batch size, ModelGen (all cores) against ONNX Runtime (2 intra-op threads) on the same
    /// weights. <c>dotnet run -c Release --project tests/ModelGen.Benchmarks -- plot</c> turns the CSV report into
    /// docs/benchmarks-scaling.png.
    /// </summary>
    [Config(typeof(CsvInMicroseconds))]
    public class ScalingBenchmarks
    {
        /// <summary>A CSV report with plain numbers in microseconds, for <see cref="ScalingPlot"/>.</summary>
        private sealed class CsvInMicroseconds : BenchmarkDotNet.Configs.ManualConfig
        {
            public CsvInMicroseconds()
            {
                AddExporter(new BenchmarkDotNet.Exporters.Csv.CsvExporter(
                    BenchmarkDotNet.Exporters.Csv.CsvSeparator.Semicolon,
                    new BenchmarkDotNet.Reports.SummaryStyle(System.Globalization.CultureInfo.InvariantCulture, printUnitsInHeader: true, sizeUnit: null, timeUnit: Perfolizer.Horology.TimeUnit.Microsecond, printUnitsInContent: false)));
            }
        }

        private IModel _model = null!;
        private InferenceSession _session = null!;
        private RunOptions _run = null!;
        private OrtValue _ortIn = null!, _ortOut = null!;
        private float[] _x = null!, _y = null!;

        [Params(64, 256, 1024, 2048)]
        public int Width { get; set; }

        [Params(1, 16, 256, 1024)]
        public int Batch { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            _model = Width switch
            {
                64 => new Scale64(1),
                256 => new Scale256(1),
                1024 => new Scale1024(1),
                _ => new Scale2048(1),
            };
            var rng = new DeterministicRandom(7);
            _x = new float[Batch * 784];
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = rng.NextSingle();
            }

            _y = new float[Batch * 10];
            var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session = new InferenceSession(MlpBenchmarks.Onnx(_model), options);
            _ortIn = OrtValue.CreateTensorValueFromMemory(_x, new long[] { Batch, 784 });
            _ortOut = OrtValue.CreateTensorValueFromMemory(new float[Batch * 10], new long[] { Batch, 10 });
            _run = new RunOptions();
            OnnxRuntime();
            ModelGen();
            var ort = _ortOut.GetTensorDataAsSpan<float>();
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
            _run.Dispose();
            _ortIn.Dispose();
            _ortOut.Dispose();
        }

        /// <summary>ModelGen: <c>PredictBatch</c> (Predict for one row, as a user would call it).</summary>
        [Benchmark(Baseline = true)]
        public void ModelGen()
        {
            if (Batch == 1)
            {
                _model.Predict(_x, _y);
            }
            else
            {
                _model.PredictBatch(_x, _y);
            }
        }

        /// <summary>Peer: ONNX Runtime, 2 intra-op threads.</summary>
        [Benchmark]
        public void OnnxRuntime() => _session.Run(_run, new[] { "input" }, new[] { _ortIn }, new[] { "output" }, new[] { _ortOut });
    }
}
