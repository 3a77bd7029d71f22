// Declarations/Descriptions: the base record of every layer's description; one derived record per layer kind, in this
// folder.
using System;

namespace ModelGen
{
    /// <summary>
    /// One layer of a generated model as the generator compiled it: its name, the shapes of one sample in and out, and,
    /// in the derived record of its kind, its hyper-parameters and where its tensors live. Lets independent code (a
    /// reference implementation, an exporter, a visualizer) execute or convert a model by switching on the record type.
    /// Offsets are into the arrays <see cref="IModel.Parameters"/> and the state and counters of
    /// <see cref="TensorStorage"/>; shapes exclude the batch axis. Arrays compare by reference.
    /// </summary>
    /// <param name="Name">The tensor-name prefix (<c>fc1</c>, or the layer's position).</param>
    /// <param name="InputShape">The shape of one input sample, e.g. <c>[64]</c> or <c>[1, 28, 28]</c>.</param>
    /// <param name="OutputShape">The shape of one output sample.</param>
    public abstract record LayerDescription(string Name, int[] InputShape, int[] OutputShape)
    {
        /// <summary>Floats in one input sample.</summary>
        public int InputSize => ModelDescription.Product(InputShape);

        /// <summary>Floats in one output sample.</summary>
        public int OutputSize => ModelDescription.Product(OutputShape);

        /// <summary>
        /// The names of the layers whose outputs this layer reads, in order (<c>"input"</c> for the model's input), in a
        /// graph model (<c>From</c>, merge layers); empty in a straight stack, where every layer reads the previous one.
        /// </summary>
        public string[] Inputs { get; init; } = Array.Empty<string>();

        /// <summary>The layer kind: the record's name without "Description" (<c>Dense</c>, <c>BatchNorm</c>, ...), the function for activations and merges, <c>MaxPool2D</c> or <c>AveragePool2D</c> for pools.</summary>
        public string LayerKind => this is ActivationDescription a
            ? a.Function.ToString()
            : this is MergeDescription m
                ? m.Function.ToString()
            : this is Pool2DDescription p
                ? p.Kind + "Pool2D"
                : GetType().Name.EndsWith("Description", StringComparison.Ordinal) ? GetType().Name.Substring(0, GetType().Name.Length - "Description".Length) : GetType().Name;

        /// <summary>The layer in one line, e.g. <c>Dense fc1: [784] -> [256]</c>.</summary>
        public sealed override string ToString() =>
            $"{LayerKind} {Name}: {TensorDescriptor.FormatShape(InputShape)} -> {TensorDescriptor.FormatShape(OutputShape)}";
    }
}
