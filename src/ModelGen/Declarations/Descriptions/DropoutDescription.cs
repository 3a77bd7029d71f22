// Declarations/Descriptions: a dropout layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>Inverted dropout; the identity at inference unless declared active there.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Rate">The probability of zeroing a feature in training.</param>
    /// <param name="ActiveAtInference">Declared active at inference (Monte Carlo dropout, an opt-in).</param>
    public sealed record DropoutDescription(string Name, int[] InputShape, int[] OutputShape, double Rate, bool ActiveAtInference)
        : LayerDescription(Name, InputShape, OutputShape);
}
