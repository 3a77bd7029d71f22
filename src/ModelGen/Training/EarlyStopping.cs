// Training: the early-stopping rule of a Fit run (FitOptions.EarlyStopping).

namespace ModelGen
{
    /// <summary>
    /// Early stopping for <c>Fit</c> (Keras <c>EarlyStopping</c>): an epoch improves when the monitored metric beats the best so
    /// far by more than <see cref="MinDelta"/>; after <see cref="Patience"/> epochs without improvement, training stops.
    /// </summary>
    public sealed class EarlyStopping
    {
        /// <summary>The metric to watch (default: the validation loss).</summary>
        public FitMetric Monitor { get; set; } = FitMetric.ValidationLoss;

        /// <summary>Epochs without improvement before stopping (default 5).</summary>
        public int Patience { get; set; } = 5;

        /// <summary>The smallest change that counts as an improvement (default 0).</summary>
        public double MinDelta { get; set; }

        /// <summary>
        /// Whether the model ends with the weights and running statistics of its best epoch (default true), whether training
        /// stopped early or ran all epochs. The optimizer's state is not rolled back (as in Keras).
        /// </summary>
        public bool RestoreBestWeights { get; set; } = true;
    }
}
