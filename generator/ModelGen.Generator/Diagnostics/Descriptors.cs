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
            "The model '{0}' declares more than one optimizer ({1}); keep exactly one of [Sgd], [Adam], [AdamW] or [RmsProp]");

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
            "The model '{0}' declares {1} but no {2}; declare both a [Loss] and an optimizer ([Sgd], [Adam], [AdamW] or [RmsProp]) to get a Trainer, or neither for an inference-only model");

        public static readonly DiagnosticDescriptor LayersAcrossDeclarations = Error(
            "MG0012",
            "Layers declared on several partial declarations",
            "The layers of '{0}' are spread over several partial declarations, so their order is ambiguous; put every layer attribute on one declaration");

        public static readonly DiagnosticDescriptor BadLayerName = Error(
            "MG0013",
            "Invalid or duplicate layer name",
            "The layer name '{0}' {1}; tensor names must be unique, non-empty and contain no quotes, backslashes or non-printable characters (controls, line or paragraph separators, format characters)");

        public static readonly DiagnosticDescriptor ModelTooLarge = Error(
            "MG0014",
            "Model too large",
            "{0} is {1}, above the supported maximum of {2}; split the layer, downsample the input, or use fewer parameters");

        public static readonly DiagnosticDescriptor IncompatibleInput = Error(
            "MG0015",
            "Layer cannot take its input shape",
            "{0} cannot take its input of shape {1}: {2}");

        public static readonly DiagnosticDescriptor BadLayerReference = Error(
            "MG0016",
            "Layer reference cannot be resolved",
            "{0} {1}; {2}");

        public static readonly DiagnosticDescriptor MergeShapesDiffer = Error(
            "MG0017",
            "Merge inputs do not fit together",
            "{0} cannot merge its inputs: {1}");

        public static readonly DiagnosticDescriptor FromOnMerge = Error(
            "MG0018",
            "From on a merge layer",
            "{0} has From = \"{1}\", but a merge layer reads the current tensor and the layers it names; name '{1}' among its layers instead, or put From on the layer before it");

        public static readonly DiagnosticDescriptor UnusedLayerOutput = new(
            "MG0019",
            "Layer output never used",
            "The output of {0} ('{1}') is never read: no later layer reads it (From or a merge) and it is not the model's output; remove the branch or merge it back",
            DeclarationCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + "MG0019.md");

        public static readonly DiagnosticDescriptor GraphWithBatchModeInference = Error(
            "MG0020",
            "Batch-dependent inference in a graph model",
            "{0} opts in to batch-dependent inference, which ModelGen supports only in straight stacks; the graph of '{1}' (From or merge layers) runs its inference row by row, so remove the opt-in or the graph");

        public const string BatchStatisticsCategory = "ModelGen.BatchStatistics";

        public static readonly DiagnosticDescriptor InferencePathReachesBatchStatistics = new(
            "MG1001",
            "Inference path reaches batch statistics",
            "Inference entry point '{0}' reaches '{1}', which uses batch statistics or training mode: {2}; a prediction would depend on the rest of its batch. Call inference-only code, or opt in with [UsesBatchStatistics(Reason = \"...\")] on the entry point.",
            BatchStatisticsCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Found by a whole-compilation search of the call graph (calls, properties, constructors, local functions, lambdas, method groups, and virtual or interface calls resolved to their implementations in the compilation). Reported at the call inside the entry point where the path starts.",
            helpLinkUri: HelpLinkBase + "MG1001.md",
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor BatchNormUsesBatchStatisticsAtInference = Error(
            "MG1002",
            "BatchNorm uses batch statistics at inference",
            "BatchNorm layer {0} of '{1}' is declared with UseBatchStatisticsAtInference = true without a Reason: every prediction would be normalized with the statistics of its batch, and a single-row prediction collapses to the bias. Remove the option to use running statistics, or state the intended use with Reason = \"...\".",
            BatchStatisticsCategory);

        public static readonly DiagnosticDescriptor DropoutActiveAtInference = Error(
            "MG1003",
            "Dropout active at inference",
            "Dropout layer {0} of '{1}' is declared with ActiveAtInference = true without a Reason: predictions would be random. Remove the option, or state the intended use (e.g. Monte Carlo dropout) with Reason = \"...\".",
            BatchStatisticsCategory);

        public static readonly DiagnosticDescriptor TrainingBatchOfOne = new(
            "MG1004",
            "Training batch of one with BatchNorm",
            "'{0}' has BatchNorm, and this trains it with batches of one row ({1}): the variance of one row is 0, so BatchNorm outputs its bias and learns nothing (PyTorch raises 'Expected more than 1 value per channel when training'). Use batches of at least 2 rows.",
            BatchStatisticsCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + "MG1004.md");

        public static readonly DiagnosticDescriptor MomentumConventionMismatch = new(
            "MG1005",
            "BatchNorm momentum written in the other convention",
            "BatchNorm layer {0} of '{1}' has Momentum = {2} under the {3} convention, where momentum is {4}; {2} is almost certainly the {5} value. Use Momentum = {6}, or Convention = BatchNormConvention.{5}.",
            BatchStatisticsCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + "MG1005.md");

        public static readonly DiagnosticDescriptor RunningStatisticsLeftBehind = new(
            "MG1006",
            "Running statistics not saved or not loaded",
            "'{0}' has BatchNorm; {1}. Its running statistics would stay at their initial values (mean 0, variance 1) or be lost, and inference would normalize with them. Use SaveWeights/LoadWeights, which carry the running statistics, or copy the running_mean and running_var tensors with GetTensor/SetTensor.",
            BatchStatisticsCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + "MG1006.md");

        public static readonly DiagnosticDescriptor InferenceCallsBatchStatistics = new(
            "MG1007",
            "Inference entry point calls batch statistics directly",
            "Inference entry point '{0}' calls '{1}', which uses batch statistics or training mode; a prediction would depend on the rest of its batch. Call inference-only code, or opt in with [UsesBatchStatistics(Reason = \"...\")] on the entry point.",
            BatchStatisticsCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + "MG1007.md");

        public static readonly DiagnosticDescriptor OptInWithoutReason = Error(
            "MG1008",
            "Batch-statistics opt-in needs a reason",
            "[UsesBatchStatistics] on inference entry point '{0}' has no Reason; the opt-in must say why batch statistics are intended (e.g. Reason = \"test-time adaptation\")",
            BatchStatisticsCategory);

        private static DiagnosticDescriptor Error(string id, string title, string message, string category = DeclarationCategory) =>
            new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
    }
}
