namespace ModelGen.Generator.Model
{
    /// <summary>Inverted dropout (<c>[Dropout(rate, ActiveAtInference, Reason)]</c>).</summary>
    /// <param name="Rate">The probability of zeroing a feature in training.</param>
    /// <param name="ActiveAtInference">Declared active at inference (Monte Carlo dropout, an opt-in).</param>
    /// <param name="DeclaredReason">The declared reason for the opt-in.</param>
    internal sealed record DropoutSpec(int Index, string Name, Shape Input, Shape Output, double Rate, bool ActiveAtInference, string DeclaredReason)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "Dropout";

        public override InferenceRole Role => InferenceRole.Identity;

        public override bool BatchDependentAtInference => ActiveAtInference;

        public override string Reason => DeclaredReason;

        /// <summary>A row's training mask comes from its position in the batch and the step, not from the row alone.</summary>
        public override bool TrainingOutputDependsOnBatch => true;

        /// <summary>Reads <c>[Dropout(rate)]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a)
        {
            double rate = a.Arg<double>(0);
            a.Check(rate >= 0 && rate < 1, "rate", rate, "in [0, 1)");
            return new DropoutSpec(
                a.Index,
                a.Name,
                AttributeArguments.Unknown,
                AttributeArguments.Unknown,
                rate,
                a.Named<bool?>("ActiveAtInference") ?? false,
                a.Named<string>("Reason") ?? string.Empty);
        }
    }
}
