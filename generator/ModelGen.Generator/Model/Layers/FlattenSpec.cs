namespace ModelGen.Generator.Model
{
    /// <summary><c>[Flatten]</c>: the sample as a vector in NCHW order; the values and their order are unchanged.</summary>
    internal sealed record FlattenSpec(int Index, string Name, Shape Input, Shape Output) : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "Flatten";

        public override InferenceRole Role => InferenceRole.Identity;

        public override Shape InferOutput(Shape input) => Shape.Vector(input.Size);

        /// <summary>Reads <c>[Flatten]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a) => new FlattenSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown);
    }
}
