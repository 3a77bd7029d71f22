// Declarations/Descriptions: an element-wise activation layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>An element-wise activation.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Function">Which function.</param>
    /// <param name="Alpha">LeakyReLU's slope for negative inputs (0 for the others).</param>
    public sealed record ActivationDescription(string Name, int[] InputShape, int[] OutputShape, ActivationFunction Function, double Alpha)
        : LayerDescription(Name, InputShape, OutputShape);
}
