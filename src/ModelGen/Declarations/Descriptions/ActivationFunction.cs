// Declarations/Descriptions: the activation functions an ActivationDescription names.

namespace ModelGen
{
    /// <summary>The element-wise activation functions.</summary>
    public enum ActivationFunction
    {
        /// <summary>Rectified linear unit, <c>max(x, 0)</c>.</summary>
        ReLU,

        /// <summary>Leaky rectified linear unit, <c>x</c> for positive <c>x</c>, else <c>alpha * x</c>.</summary>
        LeakyReLU,

        /// <summary>Logistic sigmoid, <c>1 / (1 + exp(-x))</c>.</summary>
        Sigmoid,

        /// <summary>Hyperbolic tangent.</summary>
        Tanh,

        /// <summary>Gaussian error linear unit, exact form <c>x * (1 + erf(x / sqrt(2))) / 2</c>.</summary>
        GELU,
    }
}
