using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using System.Text;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Planning;

namespace ModelGen.Generator
{
    /// <summary>
    /// The ModelGen incremental generator: for every class marked [ModelGen.Model] it parses the layer attributes into an
    /// equatable spec (reporting MG0xxx diagnostics for invalid declarations), plans it (tensor layout, fused inference
    /// steps, buffers) and emits the specialized model code. Each stage's output is an equatable value, so an edit that
    /// leaves a stage's output unchanged stops the pipeline there.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps, asserted by the caching tests.</summary>
        public static class Steps
        {
            public const string Parse = "ModelGen.Parse";
            public const string Spec = "ModelGen.Spec";
            public const string Diagnostics = "ModelGen.Diagnostics";
            public const string Plan = "ModelGen.Plan";
        }

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "ModelGen.ModelAttribute",
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: Parser.Parse)
                .WithTrackingName(Steps.Parse);

            var diagnostics = parsed.Select(static (r, _) => r.Diagnostics).WithTrackingName(Steps.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, items) =>
            {
                foreach (var item in items)
                {
                    spc.ReportDiagnostic(item.ToDiagnostic());
                }
            });

            var specs = parsed.Select(static (r, _) => r.Spec).Where(static s => s is not null).WithTrackingName(Steps.Spec);
            var plans = specs.Select(static (spec, _) => Planner.Plan(spec!)).WithTrackingName(Steps.Plan);
            context.RegisterSourceOutput(plans, static (spc, plan) =>
            {
                spc.AddSource(plan.Spec.HintName, SourceText.From(ModelEmitter.Emit(plan), Encoding.UTF8));
            });
        }
    }
}
