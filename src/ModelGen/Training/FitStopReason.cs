// Training: why a Fit run ended, as its History reports it.

namespace ModelGen
{
    /// <summary>Why <c>Fit</c> ended.</summary>
    public enum FitStopReason
    {
        /// <summary>Every epoch ran.</summary>
        Completed,

        /// <summary><see cref="EarlyStopping"/> stopped training.</summary>
        EarlyStopped,
    }
}
