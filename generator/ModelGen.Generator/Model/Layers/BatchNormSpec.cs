using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Model
{
    /// <summary>
    /// Batch normalization over the features of its input, or over the channels of a multi-dimensional input
    /// (<c>[BatchNorm(Momentum, Epsilon, Convention)]</c>).
    /// </summary>
    /// <param name="Momentum">The momentum in the declared convention (the convention's default when not set).</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    /// <param name="Keras">True for the Keras running-statistics convention, false for PyTorch's.</param>
    /// <param name="UseBatchStatisticsAtInference">Declared batch statistics at inference (an opt-in).</param>
    /// <param name="DeclaredReason">The declared reason for the opt-in.</param>
    internal sealed record BatchNormSpec(
        int Index, string Name, Shape Input, Shape Output, double Momentum, double Epsilon, bool Keras, bool UseBatchStatisticsAtInference, string DeclaredReason)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "BatchNorm";

        public override InferenceRole Role => InferenceRole.Affine;

        /// <summary>
        /// Normalized features: every feature of a vector input, the channels of a multi-dimensional one (<c>[C, L]</c> as
        /// BatchNorm1d, <c>[C, H, W]</c> as BatchNorm2d).
        /// </summary>
        public int Features => OutputChannels;

        /// <summary>Values per feature in one sample: the positions of a channel (1 for a vector input).</summary>
        public int Spatial => OutputSpatial;

        /// <summary><c>weight</c>, <c>bias</c> (parameters), <c>running_mean</c>, <c>running_var</c> (state), <c>num_batches_tracked</c>.</summary>
        public override EquatableArray<TensorSpec> Tensors => new[]
        {
            Vector("weight", TensorStorageKind.Parameters),
            Vector("bias", TensorStorageKind.Parameters),
            Vector("running_mean", TensorStorageKind.State),
            Vector("running_var", TensorStorageKind.State),
            new TensorSpec("num_batches_tracked", EquatableArray<int>.Empty, TensorStorageKind.Counters),
        }.ToEquatableArray();

        /// <summary>The folded scales of every feature, then the shifts, each block padded to whole panels.</summary>
        public override int DerivedConstants => 2 * Limits.Pad(Features);

        public override bool BatchDependentAtInference => UseBatchStatisticsAtInference;

        public override string Reason => DeclaredReason;

        public override bool UsesBatchStatisticsInTraining => true;

        /// <summary>The weight of the old running value in <c>running = keep * running + take * batch</c>.</summary>
        public double Keep => Keras ? Momentum : 1 - Momentum;

        /// <summary>The weight of the batch statistic.</summary>
        public double Take => Keras ? 1 - Momentum : Momentum;

        private TensorSpec Vector(string suffix, TensorStorageKind storage) => new(suffix, new[] { Features }.ToEquatableArray(), storage);

        /// <summary>Reads <c>[BatchNorm(...)]</c>, filling in the convention's default momentum and epsilon.</summary>
        public static LayerSpec Read(AttributeArguments a)
        {
            int convention = a.Named<int?>("Convention") ?? 0;
            if (convention is not (0 or 1))
            {
                a.Report(Descriptors.InvalidHyperParameter, $"The Convention of {a.What}", AttributeArguments.Num(convention), "BatchNormConvention.PyTorch or BatchNormConvention.Keras");
            }

            bool keras = convention == 1;
            double momentum = a.Named<double?>("Momentum") ?? double.NaN;
            double epsilon = a.Named<double?>("Epsilon") ?? double.NaN;
            momentum = double.IsNaN(momentum) ? (keras ? 0.99 : 0.1) : momentum;
            epsilon = double.IsNaN(epsilon) ? (keras ? 1e-3 : 1e-5) : epsilon;
            a.Check(momentum >= 0 && momentum <= 1, "Momentum", momentum, "in [0, 1]");
            a.Check(epsilon > 0 && !double.IsInfinity(epsilon), "Epsilon", epsilon, "positive and finite");
            return new BatchNormSpec(
                a.Index,
                a.Name,
                AttributeArguments.Unknown,
                AttributeArguments.Unknown,
                momentum,
                epsilon,
                keras,
                a.Named<bool?>("UseBatchStatisticsAtInference") ?? false,
                a.Named<string>("Reason") ?? string.Empty);
        }
    }
}
