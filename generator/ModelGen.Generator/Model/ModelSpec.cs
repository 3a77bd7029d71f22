using System.Linq;

namespace ModelGen.Generator.Model
{
    /// <summary>Everything declared about one model: strings, numbers and records only (no symbols).</summary>
    /// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
    /// <param name="ClassName">The class name.</param>
    /// <param name="Input">The declared shape of one input sample.</param>
    /// <param name="Layers">The layers in source order, with inferred shapes.</param>
    /// <param name="Loss">The training loss, or null for an inference-only model.</param>
    /// <param name="Optimizer">The optimizer, or null for an inference-only model.</param>
    internal sealed record ModelSpec(
        string Namespace,
        string ClassName,
        Shape Input,
        EquatableArray<LayerSpec> Layers,
        LossKindSpec? Loss,
        OptimizerSpec? Optimizer)
    {
        public int InputSize => Input.Size;

        public int OutputSize => Layers.Count > 0 ? Layers[Layers.Count - 1].OutputSize : InputSize;

        public bool HasTraining => Loss is not null && Optimizer is not null;

        /// <summary>Whether inference needs the whole batch (a layer opted in to batch statistics or active dropout).</summary>
        public bool BatchModeInference => Layers.Any(l => l.BatchDependentAtInference);

        public string HintName => (Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName) + ".g.cs";
    }

    /// <summary>The loss kinds (mirrors ModelGen.LossKind).</summary>
    internal enum LossKindSpec
    {
        CategoricalCrossEntropy,
        BinaryCrossEntropy,
        MeanSquaredError,
    }

    /// <summary>An optimizer with the hyper-parameters every kind has; the derived record holds the rest.</summary>
    /// <param name="LearningRate">The learning rate.</param>
    /// <param name="WeightDecay">L2 weight decay added to the gradient (<c>g + WeightDecay * p</c>).</param>
    internal abstract record OptimizerSpec(double LearningRate, double WeightDecay)
    {
        /// <summary>The kind as the description names it (<c>Sgd</c>, <c>Adam</c>, <c>AdamW</c>, <c>RmsProp</c>).</summary>
        public abstract string KindName { get; }
    }

    /// <summary>SGD with Keras semantics (<c>[Sgd]</c>).</summary>
    internal sealed record SgdSpec(double LearningRate, double WeightDecay, double Momentum, bool Nesterov, double Decay) : OptimizerSpec(LearningRate, WeightDecay)
    {
        public override string KindName => "Sgd";
    }

    /// <summary>Adam, PyTorch form (<c>[Adam]</c>), or AdamW with <paramref name="Decoupled"/> weight decay (<c>[AdamW]</c>).</summary>
    internal sealed record AdamSpec(double LearningRate, double WeightDecay, double Beta1, double Beta2, double Epsilon, bool Decoupled = false) : OptimizerSpec(LearningRate, WeightDecay)
    {
        public override string KindName => Decoupled ? "AdamW" : "Adam";
    }

    /// <summary>RMSprop, PyTorch form, not centered (<c>[RmsProp]</c>).</summary>
    internal sealed record RmsPropSpec(double LearningRate, double WeightDecay, double Alpha, double Epsilon, double Momentum) : OptimizerSpec(LearningRate, WeightDecay)
    {
        public override string KindName => "RmsProp";
    }
}
