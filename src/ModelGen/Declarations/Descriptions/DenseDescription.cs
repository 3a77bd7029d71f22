// Declarations/Descriptions: a fully connected layer as the generator compiled it.

namespace ModelGen
{
    /// <summary>A fully connected layer: <c>y = W x + b</c>, <c>W</c> row-major <c>[units, inputs]</c> (the input flattened).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape"><c>[units]</c>.</param>
    /// <param name="Units">The number of outputs.</param>
    /// <param name="UseBias">Whether there is a bias.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters, or null without bias.</param>
    public sealed record DenseDescription(string Name, int[] InputShape, int[] OutputShape, int Units, bool UseBias, int WeightOffset, int? BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape);
}
