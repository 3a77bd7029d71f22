// Declarations/Descriptions: the pooling operations a Pool2DDescription names.

namespace ModelGen
{
    /// <summary>The pooling operations.</summary>
    public enum PoolKind
    {
        /// <summary>The largest value of each window.</summary>
        Max,

        /// <summary>The mean of each window.</summary>
        Average,
    }
}
