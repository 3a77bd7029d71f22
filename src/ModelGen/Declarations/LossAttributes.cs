// Declarations: the training loss of a model; the generator emits its forward and gradient, Training/TrainingValues
// checks targets against its domain.
using System;

namespace ModelGen
{
    /// <summary>Declares the training loss.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LossAttribute : Attribute
    {
        /// <summary>Creates the loss declaration.</summary>
        /// <param name="kind">The loss function.</param>
        public LossAttribute(LossKind kind) => Kind = kind;

        /// <summary>The loss function.</summary>
        public LossKind Kind { get; }
    }

    /// <summary>The training losses ModelGen supports.</summary>
    public enum LossKind
    {
        /// <summary>
        /// <c>-sum(t * log(p))</c> per sample, averaged over the batch. Requires a <see cref="SoftmaxAttribute"/> last layer;
        /// targets may be one-hot or soft (any non-negative weights).
        /// </summary>
        CategoricalCrossEntropy,

        /// <summary>
        /// <c>-(t log p + (1 - t) log(1 - p))</c> averaged over every output of every sample. Requires a
        /// <see cref="SigmoidAttribute"/> last layer.
        /// </summary>
        BinaryCrossEntropy,

        /// <summary><c>(y - t)^2</c> averaged over every output of every sample.</summary>
        MeanSquaredError,
    }
}
