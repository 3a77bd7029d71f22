// Training: what one epoch of Fit measured; FitLoop reports one per epoch through IProgress and History.
using System;

namespace ModelGen
{
    /// <summary>What one epoch of training measured.</summary>
    /// <param name="Epoch">The epoch number, from 1.</param>
    /// <param name="Epochs">The number of epochs of the run.</param>
    /// <param name="Loss">The mean training loss over the epoch's steps (training mode, before each update).</param>
    /// <param name="Accuracy">The training accuracy over the epoch (training-mode outputs), or NaN for regression.</param>
    /// <param name="ValidationLoss">The validation loss (inference mode), or NaN without a validation set.</param>
    /// <param name="ValidationAccuracy">The validation accuracy (inference mode), or NaN without a validation set or for regression.</param>
    /// <param name="Steps">The number of training steps in the epoch.</param>
    /// <param name="Elapsed">The wall-clock time of the epoch.</param>
    /// <param name="LearningRate">The learning rate the epoch trained with.</param>
    public sealed record EpochReport(
        int Epoch,
        int Epochs,
        double Loss,
        double Accuracy,
        double ValidationLoss,
        double ValidationAccuracy,
        int Steps,
        TimeSpan Elapsed,
        double LearningRate = double.NaN)
    {
        /// <inheritdoc/>
        public override string ToString()
        {
            string s = FormattableString.Invariant($"epoch {Epoch}/{Epochs}: loss {Loss:0.0000}");
            if (!double.IsNaN(Accuracy))
            {
                s += FormattableString.Invariant($", accuracy {Accuracy:0.0000}");
            }

            if (!double.IsNaN(ValidationLoss))
            {
                s += FormattableString.Invariant($", val loss {ValidationLoss:0.0000}");
            }

            if (!double.IsNaN(ValidationAccuracy))
            {
                s += FormattableString.Invariant($", val accuracy {ValidationAccuracy:0.0000}");
            }

            return s + FormattableString.Invariant($" ({Elapsed.TotalMilliseconds:0} ms)");
        }
    }
}
