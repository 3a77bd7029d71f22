// Declarations/Descriptions: a Flatten layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>Flattening to a vector in NCHW order: the values are unchanged.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape"><c>[size]</c>.</param>
    public sealed record FlattenDescription(string Name, int[] InputShape, int[] OutputShape)
        : LayerDescription(Name, InputShape, OutputShape);
}
