// Training: the exception a canceled Fit throws, carrying the epochs completed before.
using System;
using System.Threading;

namespace ModelGen
{
    /// <summary>
    /// <c>Fit</c> was canceled through <see cref="FitOptions.CancellationToken"/>; <see cref="History"/> holds the epochs
    /// completed before. An <see cref="OperationCanceledException"/>, so code that catches those sees it too.
    /// </summary>
    public sealed class FitCanceledException : OperationCanceledException
    {
        internal FitCanceledException(History history, CancellationToken token)
            : base($"Training was canceled after {history.Count} completed epoch(s).", token)
        {
            History = history;
        }

        /// <summary>The reports of the epochs completed before the cancellation.</summary>
        public History History { get; }
    }
}
