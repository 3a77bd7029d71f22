// Declarations/Descriptions: a softmax layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>Softmax over the features of one sample.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    public sealed record SoftmaxDescription(string Name, int[] InputShape, int[] OutputShape)
        : LayerDescription(Name, InputShape, OutputShape);
}
