namespace ModelGen.Generator.Model
{
    /// <summary>
    /// Layer normalization (<c>[LayerNorm(Dims, Epsilon)]</c>), as <c>torch.nn.LayerNorm(normalized_shape)</c> with
    /// <c>normalized_shape</c> the last <see cref="Dims"/> dimensions of the sample: each group of those values is
    /// normalized with its own mean and biased variance, then scaled and shifted element-wise. Statistics of one sample
    /// only, never of the batch.
    /// </summary>
    /// <param name="Dims">Trailing dimensions normalized together (0 until the input is known: all of them).</param>
    /// <param name="Epsilon">Added to the variance before the square root.</param>
    internal sealed record LayerNormSpec(int Index, string Name, Shape Input, Shape Output, int Dims, double Epsilon)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "LayerNorm";

        /// <summary>An operation over each group of a row's values: a step of its own, in place.</summary>
        public override InferenceRole Role => InferenceRole.Row;

        /// <summary>The normalized dimensions: the last <see cref="Dims"/> of the input (all of them when 0).</summary>
        public EquatableArray<int> NormalizedShape
        {
            get
            {
                int dims = Dims == 0 ? Input.Rank : System.Math.Min(Dims, Input.Rank);
                var shape = new int[dims];
                for (int i = 0; i < dims; i++)
                {
                    shape[i] = Input.Dims[Input.Rank - dims + i];
                }

                return shape.ToEquatableArray();
            }
        }

        /// <summary>Values normalized together.</summary>
        public int GroupSize => System.Linq.Enumerable.Aggregate(NormalizedShape, 1, (a, d) => a * d);

        /// <summary>Groups in one sample (the product of the leading dimensions).</summary>
        public int Groups => InputSize / GroupSize;

        /// <summary><c>weight</c> and <c>bias</c>, each of the normalized shape.</summary>
        public override EquatableArray<TensorSpec> Tensors => new[]
        {
            new TensorSpec("weight", NormalizedShape, TensorStorageKind.Parameters),
            new TensorSpec("bias", NormalizedShape, TensorStorageKind.Parameters),
        }.ToEquatableArray();

        public override string? CheckInput(Shape input) =>
            Dims > input.Rank
                ? $"it normalizes the last {Dims} dimensions, but its input {input} has {input.Rank}; use Dims from 1 to {input.Rank} (or leave it out to normalize the whole sample)"
                : null;

        /// <summary>Reads <c>[LayerNorm(Dims = ..., Epsilon = ...)]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a)
        {
            int dims = a.Named<int?>("Dims") ?? 0;
            double epsilon = a.Named<double?>("Epsilon") ?? 1e-5;
            if (!a.Check(dims >= 0 && dims <= 3, "Dims", dims, "from 1 to the input's rank (3 at most), or 0 for every dimension"))
            {
                dims = 0;
            }

            a.Check(epsilon > 0 && !double.IsInfinity(epsilon), "Epsilon", epsilon, "positive and finite");
            return new LayerNormSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, dims, epsilon);
        }
    }
}
