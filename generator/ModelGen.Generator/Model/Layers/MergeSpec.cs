using System.Linq;

namespace ModelGen.Generator.Model
{
    /// <summary>What a merge layer computes from its inputs.</summary>
    internal enum MergeFunction
    {
        Add,
        Subtract,
        Multiply,
        Average,
        Maximum,
        Minimum,
        Concatenate,
    }

    /// <summary>
    /// A merge layer (<c>[Add("a")]</c>, <c>[Concatenate("a", "b")]</c>, ...): the current tensor and the outputs of the
    /// named earlier layers, combined. The parser resolves <see cref="Others"/> into <see cref="LayerSpec.Inputs"/>
    /// (the current tensor first) and checks their shapes with <see cref="CheckShapes"/>.
    /// </summary>
    /// <param name="Function">What the layer computes.</param>
    /// <param name="Others">The names of the earlier layers merged with the current tensor, as declared.</param>
    internal sealed record MergeSpec(int Index, string Name, Shape Input, Shape Output, MergeFunction Function, EquatableArray<string> Others)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => Function.ToString();

        public override InferenceRole Role => InferenceRole.Merge;

        /// <summary>Whether the output is element by element of the inputs (every merge but concatenation).</summary>
        public bool Elementwise => Function != MergeFunction.Concatenate;

        /// <summary>
        /// Why inputs of these shapes cannot merge (completing "... cannot merge its inputs: "), or null when they can:
        /// the element-wise merges need equal shapes; concatenation equal shapes but for the first dimension (channels
        /// of an image, features of a vector).
        /// </summary>
        public string? CheckShapes(Shape[] shapes, string[] names)
        {
            for (int k = 1; k < shapes.Length; k++)
            {
                bool fits = Elementwise
                    ? shapes[k].Equals(shapes[0])
                    : shapes[k].Rank == shapes[0].Rank && shapes[k].Dims.Skip(1).SequenceEqual(shapes[0].Dims.Skip(1));
                if (!fits)
                {
                    string need = Elementwise ? "the same shape" : "the same shape except the channels (the first dimension)";
                    return $"the current tensor ({names[0]}) is {shapes[0]} and '{names[k]}' is {shapes[k]}; {KindName} needs {need}";
                }
            }

            return null;
        }

        /// <summary>The output shape for the inputs' shapes: the shape itself, or for concatenation the first dimensions added up.</summary>
        public Shape Merged(Shape[] shapes) => Elementwise
            ? shapes[0]
            : Shape.Of(new[] { shapes.Sum(s => s.Dims[0]) }.Concat(shapes[0].Dims.Skip(1)).ToArray());

        /// <summary>The reader of one merge kind: the names come from the constructor (<c>params string[]</c> or one string).</summary>
        public static System.Func<AttributeArguments, LayerSpec> Reader(MergeFunction function) => a =>
        {
            var names = a.Strings(0);
            if (names.Length == 0)
            {
                a.Report(Diagnostics.Descriptors.BadLayerReference, a.What, "names no layer to merge with", "name at least one earlier layer, e.g. [" + function + "(\"block0\")]");
            }

            return new MergeSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, function, names.ToEquatableArray());
        };
    }
}
