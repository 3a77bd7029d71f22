namespace ModelGen.Generator.Model
{
    /// <summary>Softmax over the features of one sample (<c>[Softmax]</c>).</summary>
    internal sealed record SoftmaxSpec(int Index, string Name, Shape Input, Shape Output) : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "Softmax";

        public override InferenceRole Role => InferenceRole.Row;

        /// <summary>Reads <c>[Softmax]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a) => new SoftmaxSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown);
    }
}
