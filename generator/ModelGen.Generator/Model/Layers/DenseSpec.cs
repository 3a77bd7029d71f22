using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Model
{
    /// <summary>A fully connected layer (<c>[Dense(units, UseBias)]</c>); the input is flattened.</summary>
    internal sealed record DenseSpec(int Index, string Name, Shape Input, Shape Output, int Units, bool UseBias)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "Dense";

        public override InferenceRole Role => InferenceRole.Producer;

        /// <summary><c>weight [units, inputs]</c> (row-major, as <c>torch.nn.Linear</c>), then <c>bias [units]</c>.</summary>
        public override EquatableArray<TensorSpec> Tensors => UseBias
            ? new[] { Weight, new TensorSpec("bias", new[] { Units }.ToEquatableArray(), TensorStorageKind.Parameters) }.ToEquatableArray()
            : new[] { Weight }.ToEquatableArray();

        private TensorSpec Weight => new("weight", new[] { Units, InputSize }.ToEquatableArray(), TensorStorageKind.Parameters, Panels: true);

        /// <summary>Panels of 16 outputs in the compute layout.</summary>
        public int PanelCount => (Units + Limits.Lanes - 1) / Limits.Lanes;

        public override Shape InferOutput(Shape input) => Shape.Vector(Units);

        /// <summary>Reads <c>[Dense(units, UseBias = ...)]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a)
        {
            int units = a.Arg<int>(0);
            bool useBias = a.Named<bool?>("UseBias") ?? true;
            if (units <= 0)
            {
                a.Report(Descriptors.NonPositiveSize, $"The units of {a.What}", AttributeArguments.Num(units));
                units = 1;
            }
            else if (units > Limits.MaxWidth)
            {
                a.Report(Descriptors.ModelTooLarge, $"The units of {a.What}", AttributeArguments.Num(units), AttributeArguments.Num(Limits.MaxWidth));
                units = 1;
            }

            return new DenseSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, units, useBias);
        }
    }
}
