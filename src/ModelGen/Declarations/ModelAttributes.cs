// Declarations: the attributes that make a partial class a model and give the shape of its input; the generator reads
// them, nothing runs them.
using System;

namespace ModelGen
{
    /// <summary>
    /// Marks a <c>partial class</c> as a ModelGen model. The layer attributes on the class, read in source
    /// order, declare the network; the source generator emits inference, training and weight I/O code for it.
    /// </summary>
    /// <example>
    /// <code>
    /// [Model, Input(4), Dense(8), ReLU, Dense(3), Softmax]
    /// [Loss(LossKind.CategoricalCrossEntropy), Adam]
    /// public partial class IrisNet { }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ModelAttribute : Attribute
    {
    }

    /// <summary>Declares the shape of one input sample, e.g. <c>[Input(64)]</c> or <c>[Input(1, 28, 28)]</c> (CHW).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Creates the input declaration.</summary>
        /// <param name="shape">The dimensions of one sample; every dimension must be positive.</param>
        public InputAttribute(params int[] shape) => Shape = shape;

        /// <summary>The dimensions of one sample.</summary>
        public int[] Shape { get; }
    }
}
