// Declarations/Descriptions: a BatchNorm layer as the generator compiled it, with its running-statistics convention.

namespace ModelGen
{
    /// <summary>
    /// Batch normalization over the features of a vector input, or over the channels (the first dimension) of an input
    /// with more dimensions (<c>[C, L]</c> as PyTorch <c>BatchNorm1d</c>, <c>[C, H, W]</c> as <c>BatchNorm2d</c>).
    /// </summary>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputShape">The shape of one input sample.</param>
    /// <param name="OutputShape">The same shape.</param>
    /// <param name="Momentum">The momentum in <paramref name="Convention"/>'s meaning.</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    /// <param name="Convention">The running-statistics convention.</param>
    /// <param name="UsesBatchStatisticsAtInference">Declared to normalize with the batch's statistics at inference (an opt-in).</param>
    /// <param name="WeightOffset">Offset of <c>weight</c> (gamma) in the parameters.</param>
    /// <param name="BiasOffset">Offset of <c>bias</c> (beta) in the parameters.</param>
    /// <param name="RunningMeanOffset">Offset of <c>running_mean</c> in the state.</param>
    /// <param name="RunningVarOffset">Offset of <c>running_var</c> in the state.</param>
    /// <param name="CounterIndex">Index of <c>num_batches_tracked</c> in the counters.</param>
    public sealed record BatchNormDescription(
        string Name,
        int[] InputShape,
        int[] OutputShape,
        double Momentum,
        double Epsilon,
        BatchNormConvention Convention,
        bool UsesBatchStatisticsAtInference,
        int WeightOffset,
        int BiasOffset,
        int RunningMeanOffset,
        int RunningVarOffset,
        int CounterIndex)
        : LayerDescription(Name, InputShape, OutputShape)
    {
        /// <summary>The number of normalized features: the channels of a multi-dimensional input, else every feature.</summary>
        public int Features => OutputShape.Length >= 2 ? OutputShape[0] : OutputSize;

        /// <summary>Values per feature in one sample: the positions of a channel (1 for a vector input).</summary>
        public int Spatial => OutputSize / Features;
    }
}
