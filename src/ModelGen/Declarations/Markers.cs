// Declarations: the marker attributes the batch-statistics analyzer reads (inference entry points, training-only
// members, batch-statistics uses); the generator puts them on generated members, users on their own.
using System;

namespace ModelGen
{
    /// <summary>
    /// Marks a method as an inference entry point: the ModelGen analyzer checks that nothing reachable from it uses
    /// batch statistics or training-mode behaviour. The generator puts it on <c>Predict</c> and <c>PredictBatch</c>;
    /// put it on your own inference methods (services, handlers, evaluation code).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class InferenceEntryPointAttribute : Attribute
    {
    }

    /// <summary>
    /// Marks a member that exists for training only (the generated trainer's <c>TrainStep</c> and <c>Fit</c>, <c>FitLoop</c>; on a type, every member of it). Reaching
    /// it from an inference entry point is reported by the ModelGen analyzer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class TrainingOnlyAttribute : Attribute
    {
    }

    /// <summary>
    /// Marks a member whose result depends on statistics of the whole batch (batch mean and variance). On an inference
    /// entry point, with a non-empty <see cref="Reason"/>, it is the explicit opt-in for an intended use such as
    /// test-time adaptation.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class UsesBatchStatisticsAttribute : Attribute
    {
        /// <summary>Why batch statistics are used on purpose; required when the attribute opts an entry point in.</summary>
        public string? Reason { get; set; }
    }
}
