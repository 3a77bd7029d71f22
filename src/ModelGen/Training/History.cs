// Training: what Fit returns, one EpochReport per completed epoch.
using System.Collections.Generic;

namespace ModelGen
{
    /// <summary>What <c>Fit</c> returns: the report of every completed epoch, why training ended and, with early stopping, the best epoch.</summary>
    public sealed class History : IReadOnlyList<EpochReport>
    {
        private readonly List<EpochReport> _epochs = new();

        internal History()
        {
        }

        /// <summary>Why training ended.</summary>
        public FitStopReason StopReason { get; internal set; }

        /// <summary>The best epoch by the early-stopping metric (from 1), or 0 without early stopping.</summary>
        public int BestEpoch { get; internal set; }

        /// <summary>Whether the model was given back the weights of <see cref="BestEpoch"/> at the end.</summary>
        public bool RestoredBestWeights { get; internal set; }

        /// <summary>The number of completed epochs.</summary>
        public int Count => _epochs.Count;

        /// <summary>The report of a completed epoch (index 0 is epoch 1).</summary>
        public EpochReport this[int index] => _epochs[index];

        /// <summary>The training losses, one per epoch.</summary>
        public IReadOnlyList<double> Losses => _epochs.ConvertAll(e => e.Loss);

        /// <summary>The validation losses, one per epoch (NaN without a validation set).</summary>
        public IReadOnlyList<double> ValidationLosses => _epochs.ConvertAll(e => e.ValidationLoss);

        /// <inheritdoc/>
        public IEnumerator<EpochReport> GetEnumerator() => _epochs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        internal void Add(EpochReport report) => _epochs.Add(report);
    }
}
