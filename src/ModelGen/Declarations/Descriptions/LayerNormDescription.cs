// Declarations/Descriptions: a LayerNorm layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>Layer normalization over the trailing dimensions of each sample (its own statistics).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="NormalizedShape">The normalized trailing dimensions (the shape of <c>weight</c> and <c>bias</c>).</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters.</param>
    public sealed record LayerNormDescription(string Name, int[] InputShape, int[] OutputShape, int[] NormalizedShape, double Epsilon, int WeightOffset, int BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape)
    {
        /// <summary>Values normalized together.</summary>
        public int GroupSize => ModelDescription.Product(NormalizedShape);
    }
}
