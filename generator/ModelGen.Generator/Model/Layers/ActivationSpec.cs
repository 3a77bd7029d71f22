namespace ModelGen.Generator.Model
{
    /// <summary>The element-wise activation functions.</summary>
    internal enum ActivationFunction
    {
        ReLU,
        LeakyReLU,
        Sigmoid,
        Tanh,
        GELU,
    }

    /// <summary>An element-wise activation (<c>[ReLU]</c>, <c>[LeakyReLU(alpha)]</c>, <c>[Sigmoid]</c>, <c>[Tanh]</c>, <c>[GELU]</c>).</summary>
    /// <param name="Function">Which function.</param>
    /// <param name="Alpha">LeakyReLU: the slope for negative inputs (0 for the others).</param>
    internal sealed record ActivationSpec(int Index, string Name, Shape Input, Shape Output, ActivationFunction Function, double Alpha)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => Function.ToString();

        public override InferenceRole Role => InferenceRole.Elementwise;

        public override bool PrefersHeInitialization => Function is ActivationFunction.ReLU or ActivationFunction.LeakyReLU or ActivationFunction.GELU;

        /// <summary>Reads an activation attribute without arguments.</summary>
        public static System.Func<AttributeArguments, LayerSpec> Reader(ActivationFunction function) =>
            a => new ActivationSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, function, 0);

        /// <summary>Reads <c>[LeakyReLU(alpha)]</c>.</summary>
        public static LayerSpec ReadLeakyReLU(AttributeArguments a)
        {
            double alpha = a.Arg<double>(0);
            a.Check(alpha >= 0 && alpha < 1, "alpha", alpha, "in [0, 1)");
            return new ActivationSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, ActivationFunction.LeakyReLU, alpha);
        }
    }
}
