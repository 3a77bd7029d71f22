using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ModelGen.CodeFixes
{
    /// <summary>
    /// MG1002 and MG1003: remove UseBatchStatisticsAtInference / ActiveAtInference, so inference uses running statistics
    /// and dropout is the identity.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveInferenceOptionFix)), Shared]
    public sealed class RemoveInferenceOptionFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("MG1002", "MG1003");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax attribute || attribute.ArgumentList is null)
                {
                    continue;
                }

                string option = diagnostic.Id == "MG1002" ? Names.UseBatchStatisticsAtInference : Names.ActiveAtInference;
                var argument = attribute.ArgumentList.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == option);
                if (argument is null)
                {
                    continue;
                }

                string title = diagnostic.Id == "MG1002" ? "Use running statistics at inference" : "Make dropout the identity at inference";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, Without(attribute, argument)))), title),
                    diagnostic);
            }
        }

        private static AttributeSyntax Without(AttributeSyntax attribute, AttributeArgumentSyntax argument)
        {
            var remaining = attribute.ArgumentList!.Arguments.Remove(argument);
            return remaining.Count == 0 ? attribute.WithArgumentList(null) : attribute.WithArgumentList(attribute.ArgumentList.WithArguments(remaining));
        }
    }

    /// <summary>MG1005: declare the convention the momentum was written for.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwitchConventionFix)), Shared]
    public sealed class SwitchConventionFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("MG1005");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax attribute
                    || attribute.ArgumentList is null
                    || !diagnostic.Properties.TryGetValue(Names.Convention, out var convention) || convention is null)
                {
                    continue;
                }

                var value = ParseExpression(Names.BatchNormConvention + "." + convention);
                var existing = attribute.ArgumentList.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == Names.Convention);
                var updated = existing is not null
                    ? attribute.ReplaceNode(existing, existing.WithExpression(value))
                    : attribute.AddArgumentListArguments(AttributeArgument(NameEquals(IdentifierName(Names.Convention)), null, value));
                string title = $"Declare Convention = BatchNormConvention.{convention}";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, updated))), title),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// MG1001 and MG1007: opt the entry point in with [UsesBatchStatistics(Reason = "")], a scaffold whose empty reason
    /// MG1008 keeps reporting until it is written. MG1008: add the Reason scaffold to a bare opt-in (not offered again
    /// once a Reason argument is there: only the user can write the reason).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OptInFix)), Shared]
    public sealed class OptInFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("MG1001", "MG1007", "MG1008");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan);
                if (diagnostic.Id == "MG1008")
                {
                    if (node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute
                        && attribute.ArgumentList?.Arguments.Any(a => a.NameEquals?.Name.Identifier.Text == Names.Reason) != true)
                    {
                        var scaffold = attribute.WithArgumentList(AttributeArgumentList(SingletonSeparatedList(ReasonArgument())));
                        context.RegisterCodeFix(
                            CodeAction.Create("Add a Reason", ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, scaffold))), "AddReason"),
                            diagnostic);
                    }

                    continue;
                }

                SyntaxNode? member = node.FirstAncestorOrSelf<SyntaxNode>(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
                if (member is null)
                {
                    continue;
                }

                var list = AttributeList(SingletonSeparatedList(Attribute(IdentifierName(Names.UsesBatchStatistics), AttributeArgumentList(SingletonSeparatedList(ReasonArgument())))));
                SyntaxNode updated = member switch
                {
                    MethodDeclarationSyntax m => m.AddAttributeLists(list.WithTrailingTrivia(LineEnding(root))),
                    LocalFunctionStatementSyntax l => l.AddAttributeLists(list),
                    _ => member,
                };
                context.RegisterCodeFix(
                    CodeAction.Create("Opt in: [UsesBatchStatistics(Reason = \"\")]", ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(member, updated))), "OptIn"),
                    diagnostic);
            }
        }

        private static SyntaxTrivia LineEnding(SyntaxNode root) =>
            root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } eol ? eol : ElasticCarriageReturnLineFeed;

        private static AttributeArgumentSyntax ReasonArgument() =>
            AttributeArgument(NameEquals(IdentifierName(Names.Reason)), null, LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(string.Empty)));
    }
}
