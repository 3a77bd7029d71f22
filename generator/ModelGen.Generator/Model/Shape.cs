using System.Globalization;
using System.Linq;

namespace ModelGen.Generator.Model
{
    /// <summary>
    /// The shape of one sample's tensor between two layers: rank 1 (<c>[features]</c>) to 3 (<c>[C, H, W]</c>, as
    /// PyTorch's NCHW without the batch axis). Inferred once, in parsing, for every layer's input and output.
    /// </summary>
    /// <param name="Dims">The dimensions, outermost first; every one positive.</param>
    internal sealed record Shape(EquatableArray<int> Dims)
    {
        /// <summary>A rank-1 shape of <paramref name="features"/>.</summary>
        public static Shape Vector(int features) => new(new[] { features }.ToEquatableArray());

        /// <summary>A shape from its dimensions.</summary>
        public static Shape Of(params int[] dims) => new(dims.ToEquatableArray());

        /// <summary>The number of dimensions.</summary>
        public int Rank => Dims.Count;

        /// <summary>Floats in one sample of this shape (the product of the dimensions).</summary>
        public int Size => (int)LongSize;

        /// <summary>The product of the dimensions, without overflow.</summary>
        public long LongSize => Dims.Aggregate(1L, (a, d) => a * d);

        /// <summary><c>[2, 3]</c>.</summary>
        public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
