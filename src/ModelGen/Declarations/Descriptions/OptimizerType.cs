// Declarations/Descriptions: the optimizer kinds an OptimizerDescription names.

namespace ModelGen
{
    /// <summary>The optimizer kinds a model description lists.</summary>
    public enum OptimizerType
    {
        /// <summary>Stochastic gradient descent (Keras semantics).</summary>
        Sgd,

        /// <summary>Adam (PyTorch form).</summary>
        Adam,

        /// <summary>AdamW: Adam with decoupled weight decay (PyTorch form).</summary>
        AdamW,

        /// <summary>RMSprop, not centered (PyTorch form).</summary>
        RmsProp,
    }
}
