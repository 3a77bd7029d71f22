using System;
using BenchmarkDotNet.Attributes;
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
        private OnnxRuntimePeer _ort = null!;
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
            _ort = new OnnxRuntimePeer(_model, _x, Batch, 2);
            ModelGen();
            _ort.CheckAgainst(_y);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _ort.Dispose();
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
        public void OnnxRuntime() => _ort.Run();
    }
}
