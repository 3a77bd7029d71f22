// Declarations/Descriptions: a 2-D pooling layer (max, average, global average) as the generator compiled it.

namespace ModelGen
{
    /// <summary>2-D pooling over each channel without padding; a global average pool is a window of the whole input.</summary>
    /// <param name="Name">The layer's name (it has no tensors).</param>
    /// <param name="InputShape"><c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape"><c>[channels, output height, output width]</c>, or <c>[channels]</c> for a global pool.</param>
    /// <param name="Kind">Max or average.</param>
    /// <param name="SizeHeight">The window's height.</param>
    /// <param name="SizeWidth">The window's width.</param>
    /// <param name="Stride">The step between windows.</param>
    public sealed record Pool2DDescription(string Name, int[] InputShape, int[] OutputShape, PoolKind Kind, int SizeHeight, int SizeWidth, int Stride)
        : LayerDescription(Name, InputShape, OutputShape);
}
