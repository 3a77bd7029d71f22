// Declarations/Descriptions: a model's optimizer and its hyper-parameters as the generator compiled them.

namespace ModelGen
{
    /// <summary>The optimizer of a generated model with all its hyper-parameters (those it does not use are 0).</summary>
    /// <param name="Type">SGD, Adam, AdamW or RMSprop.</param>
    /// <param name="LearningRate">The learning rate.</param>
    /// <param name="Momentum">SGD or RMSprop momentum.</param>
    /// <param name="Nesterov">SGD Nesterov flag.</param>
    /// <param name="Decay">SGD Keras learning-rate decay.</param>
    /// <param name="Beta1">Adam beta1.</param>
    /// <param name="Beta2">Adam beta2.</param>
    /// <param name="Epsilon">Adam, AdamW or RMSprop epsilon.</param>
    /// <param name="WeightDecay">L2 weight decay added to the gradient (AdamW: the decoupled decay).</param>
    /// <param name="Alpha">RMSprop's smoothing constant (0 for the others).</param>
    public sealed record OptimizerDescription(
        OptimizerType Type,
        double LearningRate,
        double Momentum,
        bool Nesterov,
        double Decay,
        double Beta1,
        double Beta2,
        double Epsilon,
        double WeightDecay,
        double Alpha = 0);
}
