using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using ModelGen;

namespace ModelGen.Benchmarks
{
    /// <summary>
    /// The ONNX Runtime peer of a benchmark: the model exported with ExportOnnx (the same network and weights), one
    /// session with a given number of intra-op threads, sequential execution, and preallocated input and output tensors
    /// (OrtValue API) for a fixed number of rows, so <see cref="Run"/> measures inference only.
    /// </summary>
    internal sealed class OnnxRuntimePeer : IDisposable
    {
        private static readonly string[] InputNames = { "input" };
        private static readonly string[] OutputNames = { "output" };
        private readonly InferenceSession _session;
        private readonly RunOptions _run = new();
        private readonly OrtValue[] _input;
        private readonly OrtValue[] _output;
        private readonly float[] _outputs;

        /// <param name="model">The model to export.</param>
        /// <param name="inputs">The first <paramref name="rows"/> rows are the input tensor.</param>
        /// <param name="rows">The batch size of every run.</param>
        /// <param name="threads">ONNX Runtime's intra-op threads.</param>
        public OnnxRuntimePeer(IModel model, float[] inputs, int rows, int threads)
        {
            var stream = new MemoryStream();
            model.ExportOnnx(stream);
            var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            _session = new InferenceSession(stream.ToArray(), options);
            var shape = new long[] { rows }.Concat(model.Description.InputShape.Select(d => (long)d)).ToArray();
            _input = new[] { OrtValue.CreateTensorValueFromMemory(inputs.AsSpan(0, rows * model.InputLength).ToArray(), shape) };
            _outputs = new float[rows * model.OutputLength];
            _output = new[] { OrtValue.CreateTensorValueFromMemory(_outputs, new long[] { rows, model.OutputLength }) };
        }

        /// <summary>One inference of the preallocated rows.</summary>
        public void Run() => _session.Run(_run, InputNames, _input, OutputNames, _output);

        /// <summary>Runs once and throws unless every output is within 1e-4 of <paramref name="expected"/> (ModelGen's outputs for the same rows).</summary>
        public void CheckAgainst(ReadOnlySpan<float> expected)
        {
            Run();
            for (int i = 0; i < _outputs.Length; i++)
            {
                if (Math.Abs(_outputs[i] - expected[i]) > 1e-4f)
                {
                    throw new InvalidOperationException($"ONNX Runtime and ModelGen disagree at {i}: {_outputs[i]} vs {expected[i]}");
                }
            }
        }

        public void Dispose()
        {
            _session.Dispose();
            _run.Dispose();
            _input[0].Dispose();
            _output[0].Dispose();
        }
    }
}
