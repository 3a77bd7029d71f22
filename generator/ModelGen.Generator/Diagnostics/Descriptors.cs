using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic ModelGen reports. Each id has a page under docs/diagnostics/ and a release-tracking entry.</summary>
    internal static class Descriptors
    {
        /// <summary>Where the per-diagnostic documentation pages live.</summary>
        public const string HelpLinkBase = "https://github.com/modelgen/modelgen/blob/main/docs/diagnostics/";

        public const string DeclarationCategory = "ModelGen.Declaration";

        public static readonly DiagnosticDescriptor ModelNotPartial = Error(
            "MG0001",
            "Model class must be partial",
            "The model class '{0}' must be declared partial so ModelGen can add the generated members; add the 'partial' modifier");

        public static readonly DiagnosticDescriptor MissingInput = Error(
            "MG0002",
            "Model has no input declaration",
            "The model '{0}' has no [Input] attribute; declare the shape of one sample, e.g. [Input(64)] or [Input(1, 28, 28)]");

        public static readonly DiagnosticDescriptor RepeatedInput = Error(
            "MG0003",
            "Input declared more than once",
            "The model '{0}' declares [Input] more than once; keep a single [Input] with the shape of one sample");

        public static readonly DiagnosticDescriptor NonPositiveSize = Error(
            "MG0004",
            "Size must be positive",
            "{0} is {1}; sizes must be positive");

        public static readonly DiagnosticDescriptor NoLayers = Error(
            "MG0005",
            "Model has no layers",
            "The model '{0}' declares no layers; add at least one layer attribute such as [Dense(10)]");

        public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Error(
            "MG0006",
            "Loss does not fit the last layer",
            "{0} needs a {1} last layer, but the last layer of '{2}' is {3}; add [{1}] as the last layer or choose a loss that fits the output");

        public static readonly DiagnosticDescriptor UnsupportedClass = Error(
            "MG0007",
            "Unsupported model class",
            "The model class '{0}' is {1}; ModelGen generates code for top-level, non-generic, non-static classes; move the declaration to a top-level non-generic class");

        public static readonly DiagnosticDescriptor MultipleOptimizers = Error(
            "MG0008",
            "More than one optimizer",
            "The model '{0}' declares more than one optimizer ({1}); keep exactly one of [Sgd] or [Adam]");

        public static readonly DiagnosticDescriptor MultipleLosses = Error(
            "MG0009",
            "More than one loss",
            "The model '{0}' declares [Loss] more than once; keep exactly one");

        public static readonly DiagnosticDescriptor InvalidHyperParameter = Error(
            "MG0010",
            "Hyper-parameter out of range",
            "{0} is {1}; it must be {2}");

        public static readonly DiagnosticDescriptor IncompleteTraining = Error(
            "MG0011",
            "Loss and optimizer must be declared together",
            "The model '{0}' declares {1} but no {2}; declare both a [Loss] and an optimizer ([Sgd] or [Adam]) to get a Trainer, or neither for an inference-only model");

        public static readonly DiagnosticDescriptor LayersAcrossDeclarations = Error(
            "MG0012",
            "Layers declared on several partial declarations",
            "The layers of '{0}' are spread over several partial declarations, so their order is ambiguous; put every layer attribute on one declaration");

        public static readonly DiagnosticDescriptor BadLayerName = Error(
            "MG0013",
            "Invalid or duplicate layer name",
            "The layer name '{0}' {1}; tensor names must be unique, non-empty and contain no quotes, backslashes or control characters");

        public static readonly DiagnosticDescriptor ModelTooLarge = Error(
            "MG0014",
            "Model too large",
            "{0} is {1}, above the supported maximum of {2}; ModelGen compiles small networks whose activations fit on the stack");

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, DeclarationCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
    }
}
