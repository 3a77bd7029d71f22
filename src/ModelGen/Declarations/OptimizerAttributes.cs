// Declarations: the optimizers a model can declare; the generator emits each one's update into the nested Trainer.
using System;

namespace ModelGen
{
    /// <summary>
    /// Stochastic gradient descent with Keras semantics: <c>lr_t = lr / (1 + decay * iterations)</c>,
    /// <c>v = momentum * v - lr_t * g</c>, then <c>p += v</c> (or <c>p += momentum * v - lr_t * g</c> with Nesterov).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SgdAttribute : Attribute
    {
        /// <summary>The learning rate (default 0.01, as Keras).</summary>
        public double LearningRate { get; set; } = 0.01;

        /// <summary>The momentum in [0, 1) (default 0).</summary>
        public double Momentum { get; set; }

        /// <summary>Whether to use Nesterov momentum (default <see langword="false"/>).</summary>
        public bool Nesterov { get; set; }

        /// <summary>The learning-rate decay per update, Keras style (default 0).</summary>
        public double Decay { get; set; }

        /// <summary>L2 weight decay added to every gradient as <c>g + WeightDecay * p</c> (PyTorch style; default 0).</summary>
        public double WeightDecay { get; set; }
    }

    /// <summary>
    /// Adam (Kingma and Ba) with PyTorch defaults: learning rate 1e-3, betas 0.9 and 0.999, epsilon 1e-8 added to
    /// the bias-corrected <c>sqrt(v)</c>. (Keras uses epsilon 1e-7: set <see cref="Epsilon"/> to match it.)
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AdamAttribute : Attribute
    {
        /// <summary>The learning rate (default 1e-3).</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>The decay of the first-moment estimate (default 0.9).</summary>
        public double Beta1 { get; set; } = 0.9;

        /// <summary>The decay of the second-moment estimate (default 0.999).</summary>
        public double Beta2 { get; set; } = 0.999;

        /// <summary>The term added to the denominator (default 1e-8).</summary>
        public double Epsilon { get; set; } = 1e-8;

        /// <summary>L2 weight decay added to every gradient as <c>g + WeightDecay * p</c> (PyTorch <c>Adam</c> style; default 0).</summary>
        public double WeightDecay { get; set; }
    }

    /// <summary>
    /// AdamW (Loshchilov and Hutter), PyTorch's <c>torch.optim.AdamW</c>: Adam whose weight decay is decoupled from the
    /// gradient, <c>p = p * (1 - lr * WeightDecay)</c> before the Adam step. Defaults as PyTorch: learning rate 1e-3, betas
    /// 0.9 and 0.999, epsilon 1e-8, weight decay 0.01.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AdamWAttribute : Attribute
    {
        /// <summary>The learning rate (default 1e-3).</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>The decay of the first-moment estimate (default 0.9).</summary>
        public double Beta1 { get; set; } = 0.9;

        /// <summary>The decay of the second-moment estimate (default 0.999).</summary>
        public double Beta2 { get; set; } = 0.999;

        /// <summary>The term added to the denominator (default 1e-8).</summary>
        public double Epsilon { get; set; } = 1e-8;

        /// <summary>The decoupled weight decay: every step multiplies each parameter by <c>1 - lr * WeightDecay</c> (default 0.01).</summary>
        public double WeightDecay { get; set; } = 0.01;
    }

    /// <summary>
    /// RMSprop, PyTorch's <c>torch.optim.RMSprop</c> (not centered): <c>v = Alpha v + (1 - Alpha) g^2</c>, then
    /// <c>p -= lr g / (sqrt(v) + Epsilon)</c>, or with momentum <c>b = Momentum b + g / (sqrt(v) + Epsilon)</c>,
    /// <c>p -= lr b</c>. Defaults as PyTorch: learning rate 0.01, alpha 0.99, epsilon 1e-8.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class RmsPropAttribute : Attribute
    {
        /// <summary>The learning rate (default 0.01).</summary>
        public double LearningRate { get; set; } = 0.01;

        /// <summary>The smoothing constant of the squared-gradient average, in [0, 1) (default 0.99).</summary>
        public double Alpha { get; set; } = 0.99;

        /// <summary>The term added to the denominator (default 1e-8).</summary>
        public double Epsilon { get; set; } = 1e-8;

        /// <summary>The momentum in [0, 1) (default 0).</summary>
        public double Momentum { get; set; }

        /// <summary>L2 weight decay added to every gradient as <c>g + WeightDecay * p</c> (default 0).</summary>
        public double WeightDecay { get; set; }
    }
}
