// Declarations/Descriptions: a merge layer (add, subtract, multiply, average, maximum, minimum, concatenate) as the
// generator compiled it; its inputs are in LayerDescription.Inputs.
namespace ModelGen
{
    /// <summary>
    /// A merge layer: the inputs named in <see cref="LayerDescription.Inputs"/> (the current tensor first) combined element
    /// by element, left to right, or concatenated along the first dimension (channels, or features).
    /// </summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of the first input.</param>
    /// <param name="OutputShape">The shape of the output: the inputs' shape, or for concatenation the first dimensions added up.</param>
    /// <param name="Function">What the layer computes.</param>
    public sealed record MergeDescription(string Name, int[] InputShape, int[] OutputShape, MergeFunction Function)
        : LayerDescription(Name, InputShape, OutputShape);
}
