// Declarations/Descriptions: a 2-D convolution as the generator compiled it.

namespace ModelGen
{
    /// <summary>A 2-D convolution (NCHW, like <c>torch.nn.Conv2d</c>).</summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape"><c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape"><c>[filters, output height, output width]</c>.</param>
    /// <param name="Filters">Output channels.</param>
    /// <param name="KernelSize">The height and width of the kernel.</param>
    /// <param name="Stride">The step between output positions.</param>
    /// <param name="PadTop">Zeros above the input (and, as many or one more, below it).</param>
    /// <param name="PadLeft">Zeros left of the input (and, as many or one more, right of it).</param>
    /// <param name="Dilation">The spacing between kernel taps.</param>
    /// <param name="UseBias">Whether there is a bias.</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> <c>[filters, channels, kernel, kernel]</c> in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> in the parameters, or null without bias.</param>
    public sealed record Conv2DDescription(
        string Name,
        int[] InputShape,
        int[] OutputShape,
        int Filters,
        int KernelSize,
        int Stride,
        int PadTop,
        int PadLeft,
        int Dilation,
        bool UseBias,
        int WeightOffset,
        int? BiasOffset)
        : LayerDescription(Name, InputShape, OutputShape);
}
