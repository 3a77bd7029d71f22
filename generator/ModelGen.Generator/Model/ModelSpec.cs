namespace ModelGen.Generator.Model
{
    /// <summary>Everything the emitter needs to know about one declared model; strings and numbers only.</summary>
    /// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
    /// <param name="ClassName">The class name.</param>
    /// <param name="InputShape">The declared input shape.</param>
    /// <param name="Layers">The layers in source order, with inferred sizes.</param>
    /// <param name="Loss">The training loss, or null for an inference-only model.</param>
    /// <param name="Optimizer">The optimizer, or null for an inference-only model.</param>
    internal sealed record ModelSpec(
        string Namespace,
        string ClassName,
        EquatableArray<int> InputShape,
        EquatableArray<LayerSpec> Layers,
        LossKindSpec? Loss,
        OptimizerSpec? Optimizer)
    {
        public int InputSize => Layers.Count > 0 ? Layers[0].InputSize : Product(InputShape);

        public int OutputSize => Layers.Count > 0 ? Layers[Layers.Count - 1].OutputSize : InputSize;

        public bool HasTraining => Loss is not null && Optimizer is not null;

        /// <summary>Whether inference needs the whole batch (a BatchNorm with batch statistics or an active dropout).</summary>
        public bool BatchModeInference => System.Linq.Enumerable.Any(Layers, l => l.AtInference);

        public string HintName => (Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName) + ".g.cs";

        internal static int Product(EquatableArray<int> shape)
        {
            long p = 1;
            foreach (int d in shape)
            {
                p *= d;
            }

            return (int)p;
        }
    }

    /// <summary>The layer kinds ModelGen compiles.</summary>
    internal enum LayerKind
    {
        Dense,
        BatchNorm,
        ReLU,
        LeakyReLU,
        Sigmoid,
        Tanh,
        Softmax,
        Dropout,
    }

    /// <summary>The loss kinds (mirrors ModelGen.LossKind).</summary>
    internal enum LossKindSpec
    {
        CategoricalCrossEntropy,
        BinaryCrossEntropy,
        MeanSquaredError,
    }

    /// <summary>One layer with its hyper-parameters, inferred sizes and the offsets of its tensors.</summary>
    /// <param name="Kind">The layer kind.</param>
    /// <param name="Index">The position in the layer list (0-based).</param>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputSize">Features in.</param>
    /// <param name="OutputSize">Features out.</param>
    /// <param name="UseBias">Dense: whether there is a bias.</param>
    /// <param name="Alpha">LeakyReLU slope.</param>
    /// <param name="Rate">Dropout rate.</param>
    /// <param name="Momentum">BatchNorm momentum (in the declared convention).</param>
    /// <param name="Epsilon">BatchNorm epsilon.</param>
    /// <param name="KerasConvention">BatchNorm: true for the Keras convention, false for PyTorch.</param>
    /// <param name="ParamOffset">Offset of the first parameter (Dense weight or BatchNorm weight) in the parameter buffer.</param>
    /// <param name="StateOffset">BatchNorm: offset of the running mean in the state buffer (running var follows).</param>
    /// <param name="CounterIndex">BatchNorm: index of num_batches_tracked in the counter buffer.</param>
    /// <param name="CacheOffset">BatchNorm: offset of the folded scale in the inference buffer (shift follows).</param>
    /// <param name="AtInference">BatchNorm: batch statistics at inference; Dropout: active at inference.</param>
    /// <param name="Reason">The declared reason for <paramref name="AtInference"/>.</param>
    internal sealed record LayerSpec(
        LayerKind Kind,
        int Index,
        string Name,
        int InputSize,
        int OutputSize,
        bool UseBias,
        double Alpha,
        double Rate,
        double Momentum,
        double Epsilon,
        bool KerasConvention,
        int ParamOffset,
        int StateOffset,
        int CounterIndex,
        int CacheOffset,
        bool AtInference = false,
        string Reason = "")
    {
        public bool HasParameters => Kind is LayerKind.Dense or LayerKind.BatchNorm;

        public bool IsElementwiseActivation => Kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.Sigmoid or LayerKind.Tanh;

        /// <summary>Parameters this layer owns.</summary>
        public int ParameterCount => Kind switch
        {
            LayerKind.Dense => (InputSize * OutputSize) + (UseBias ? OutputSize : 0),
            LayerKind.BatchNorm => 2 * OutputSize,
            _ => 0,
        };

        public int BiasOffset => ParamOffset + (InputSize * OutputSize);
    }

    /// <summary>The optimizer kinds.</summary>
    internal enum OptimizerKind
    {
        Sgd,
        Adam,
    }

    /// <summary>The optimizer and its hyper-parameters (unused ones are 0).</summary>
    internal sealed record OptimizerSpec(
        OptimizerKind Kind,
        double LearningRate,
        double Momentum,
        bool Nesterov,
        double Decay,
        double Beta1,
        double Beta2,
        double Epsilon,
        double WeightDecay);
}
