// Onnx: the public entry points, ExportOnnx and LoadOnnxWeights as extension methods on every IModel.
using System;
using System.IO;
using ModelGen.Onnx;

namespace ModelGen
{
    /// <summary>
    /// ONNX export and import for every generated model (<c>model.ExportOnnx("model.onnx")</c>). The graph is built from
    /// the model's <see cref="IModel.Description"/> and current tensors, so it covers every layer kind the generator
    /// compiles. See docs/interop.md for serving the exported file with ONNX Runtime and for round trips with PyTorch.
    /// </summary>
    public static class OnnxExtensions
    {
        /// <summary>
        /// Writes the model's inference graph as ONNX (opset 17, IR version 8): input <c>"input"</c> of shape
        /// <c>[batch, ...input shape]</c>, output <c>"output"</c>, a symbolic batch dimension, every parameter and
        /// BatchNorm running statistic as an initializer under its state_dict name (<c>fc1.weight</c>,
        /// <c>bn1.running_var</c>, ...). BatchNorm is exported as BatchNormalization with the running statistics, not
        /// folded into the weights; Dropout (the identity at inference) has no node; GELU is the exact erf form.
        /// </summary>
        /// <param name="model">The model to export.</param>
        /// <param name="stream">Receives the ONNX protobuf bytes.</param>
        /// <exception cref="NotSupportedException">
        /// The model computes something an ONNX graph cannot reproduce: a BatchNorm declared to use batch statistics at
        /// inference, or a Dropout declared active at inference. The message names the layer.
        /// </exception>
        public static void ExportOnnx(this IModel model, Stream stream) => OnnxExporter.Write(model, stream);

        /// <summary>
        /// Writes the model's inference graph as an ONNX file (see <see cref="ExportOnnx(IModel, Stream)"/>). The graph is
        /// built in memory first, so a model that cannot be exported leaves no file; an existing file is replaced only
        /// by a complete one (written next to it, then moved over it).
        /// </summary>
        /// <param name="model">The model to export.</param>
        /// <param name="path">The file to write, conventionally with the extension <c>.onnx</c>.</param>
        public static void ExportOnnx(this IModel model, string path)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using var memory = new MemoryStream();
            OnnxExporter.Write(model, memory);
            AtomicFile.Write(path, memory.GetBuffer().AsSpan(0, (int)memory.Length));
        }

        /// <summary>
        /// Reads weights and BatchNorm running statistics from the initializers of an ONNX model whose graph computes
        /// the model's declaration: exported by <see cref="ExportOnnx(IModel, Stream)"/>, or by <c>torch.onnx.export</c>
        /// of the same network (Gemm or MatMul + Add for Dense; Conv; BatchNormalization; LayerNormalization; GELU as a
        /// Gelu node or its erf form). Nodes that only reshape or copy (Flatten, Reshape, Identity, Dropout, ...) are
        /// skipped. All or nothing: the model changes only when every layer matched.
        /// </summary>
        /// <param name="model">The model to load into.</param>
        /// <param name="stream">An ONNX model (protobuf).</param>
        /// <exception cref="InvalidDataException">
        /// The stream is not ONNX, or the graph does not match the declaration; the message names the first node that
        /// does not match, the layer it was matched against and what was expected there.
        /// </exception>
        public static void LoadOnnxWeights(this IModel model, Stream stream) => OnnxImporter.Load(model, stream);

        /// <summary>Reads weights from an ONNX file (see <see cref="LoadOnnxWeights(IModel, Stream)"/>).</summary>
        /// <param name="model">The model to load into.</param>
        /// <param name="path">An ONNX file.</param>
        public static void LoadOnnxWeights(this IModel model, string path)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using var stream = File.OpenRead(path);
            OnnxImporter.Load(model, stream);
        }
    }
}
