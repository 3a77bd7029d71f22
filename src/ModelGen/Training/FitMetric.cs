// Training: the quantities early stopping can monitor.

namespace ModelGen
{
    /// <summary>The quantities <see cref="EarlyStopping"/> can monitor.</summary>
    public enum FitMetric
    {
        /// <summary>The validation loss (lower is better); needs a validation set.</summary>
        ValidationLoss,

        /// <summary>The validation accuracy (higher is better); needs a validation set and a classification loss.</summary>
        ValidationAccuracy,

        /// <summary>The mean training loss of the epoch (lower is better).</summary>
        Loss,

        /// <summary>The training accuracy of the epoch (higher is better); needs a classification loss.</summary>
        Accuracy,
    }
}
