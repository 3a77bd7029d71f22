using System;
using System.Collections.Generic;

namespace ModelGen
{
    /// <summary>The layer kinds a model description lists.</summary>
    public enum LayerType
    {
        /// <summary>Fully connected layer.</summary>
        Dense,

        /// <summary>Batch normalization.</summary>
        BatchNorm,

        /// <summary>Rectified linear unit.</summary>
        ReLU,

        /// <summary>Leaky rectified linear unit.</summary>
        LeakyReLU,

        /// <summary>Logistic sigmoid.</summary>
        Sigmoid,

        /// <summary>Hyperbolic tangent.</summary>
        Tanh,

        /// <summary>Softmax over the features of a sample.</summary>
        Softmax,

        /// <summary>Inverted dropout (training only).</summary>
        Dropout,
    }

    /// <summary>The optimizer kinds a model description lists.</summary>
    public enum OptimizerType
    {
        /// <summary>Stochastic gradient descent (Keras semantics).</summary>
        Sgd,

        /// <summary>Adam (PyTorch form).</summary>
        Adam,
    }

    /// <summary>
    /// One layer of a generated model, as the generator saw it: kind, sizes, hyper-parameters and where its tensors live.
    /// Lets independent code (a reference implementation, a visualizer, an exporter) execute or inspect the model.
    /// </summary>
    /// <param name="Type">The layer kind.</param>
    /// <param name="Name">The tensor-name prefix.</param>
    /// <param name="InputSize">Features in.</param>
    /// <param name="OutputSize">Features out.</param>
    /// <param name="UseBias">Dense: whether there is a bias.</param>
    /// <param name="Alpha">LeakyReLU: the negative slope.</param>
    /// <param name="Rate">Dropout: the drop probability.</param>
    /// <param name="Momentum">BatchNorm: the momentum in the declared convention.</param>
    /// <param name="Epsilon">BatchNorm: epsilon.</param>
    /// <param name="Convention">BatchNorm: the running-statistics convention.</param>
    /// <param name="ParameterOffset">Dense weight or BatchNorm weight: offset in the parameters (Dense bias follows the weight, BatchNorm bias follows its weight).</param>
    /// <param name="StateOffset">BatchNorm: offset of the running mean in the state (running variance follows).</param>
    /// <param name="CounterIndex">BatchNorm: index of num_batches_tracked.</param>
    public sealed record LayerDescription(
        LayerType Type,
        string Name,
        int InputSize,
        int OutputSize,
        bool UseBias,
        double Alpha,
        double Rate,
        double Momentum,
        double Epsilon,
        BatchNormConvention Convention,
        int ParameterOffset,
        int StateOffset,
        int CounterIndex);

    /// <summary>The optimizer of a generated model with all its hyper-parameters (those it does not use are 0).</summary>
    /// <param name="Type">SGD or Adam.</param>
    /// <param name="LearningRate">The learning rate.</param>
    /// <param name="Momentum">SGD momentum.</param>
    /// <param name="Nesterov">SGD Nesterov flag.</param>
    /// <param name="Decay">SGD Keras learning-rate decay.</param>
    /// <param name="Beta1">Adam beta1.</param>
    /// <param name="Beta2">Adam beta2.</param>
    /// <param name="Epsilon">Adam epsilon.</param>
    /// <param name="WeightDecay">L2 weight decay added to the gradient.</param>
    public sealed record OptimizerDescription(
        OptimizerType Type,
        double LearningRate,
        double Momentum,
        bool Nesterov,
        double Decay,
        double Beta1,
        double Beta2,
        double Epsilon,
        double WeightDecay);

    /// <summary>A runtime description of a generated model, emitted by the generator as the static <c>Description</c> property.</summary>
    public sealed class ModelDescription
    {
        /// <summary>Creates a description.</summary>
        public ModelDescription(
            string name,
            int[] inputShape,
            IReadOnlyList<LayerDescription> layers,
            LossKind? loss,
            OptimizerDescription? optimizer,
            int parameterCount,
            int stateCount,
            int counterCount)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            InputShape = inputShape ?? throw new ArgumentNullException(nameof(inputShape));
            Layers = layers ?? throw new ArgumentNullException(nameof(layers));
            Loss = loss;
            Optimizer = optimizer;
            ParameterCount = parameterCount;
            StateCount = stateCount;
            CounterCount = counterCount;
        }

        /// <summary>The model class name.</summary>
        public string Name { get; }

        /// <summary>The declared input shape.</summary>
        public int[] InputShape { get; }

        /// <summary>The layers in order.</summary>
        public IReadOnlyList<LayerDescription> Layers { get; }

        /// <summary>The training loss, or null for an inference-only model.</summary>
        public LossKind? Loss { get; }

        /// <summary>The optimizer, or null for an inference-only model.</summary>
        public OptimizerDescription? Optimizer { get; }

        /// <summary>The number of trainable parameters.</summary>
        public int ParameterCount { get; }

        /// <summary>The number of floats of BatchNorm running statistics.</summary>
        public int StateCount { get; }

        /// <summary>The number of BatchNorm counters.</summary>
        public int CounterCount { get; }

        /// <summary>Floats in one input sample.</summary>
        public int InputSize => Layers.Count > 0 ? Layers[0].InputSize : Product(InputShape);

        /// <summary>Floats in one output sample.</summary>
        public int OutputSize => Layers.Count > 0 ? Layers[Layers.Count - 1].OutputSize : InputSize;

        private static int Product(int[] shape)
        {
            int p = 1;
            foreach (int d in shape)
            {
                p *= d;
            }

            return p;
        }
    }
}
