// Declarations/Descriptions: which of a generated model's buffers a TensorDescriptor points into.

namespace ModelGen
{
    /// <summary>Which buffer of a generated model a tensor lives in.</summary>
    public enum TensorStorage
    {
        /// <summary>Trainable parameters (float32): weights, biases, BatchNorm weight and bias.</summary>
        Parameters,

        /// <summary>Non-trainable float32 state: BatchNorm running mean and running variance.</summary>
        State,

        /// <summary>Non-trainable int64 counters: BatchNorm <c>num_batches_tracked</c>.</summary>
        Counters,
    }
}
