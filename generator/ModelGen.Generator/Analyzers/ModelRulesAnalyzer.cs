using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>
    /// Rules on model declarations and on how models are trained and loaded: BatchNorm with batch statistics at inference
    /// (MG1002), dropout active at inference (MG1003) without a reason, training batches of one with BatchNorm (MG1004),
    /// a BatchNorm momentum written in the other convention (MG1005), and running statistics left behind (MG1006).
    /// Layer declarations are read exactly as the generator reads them: through <see cref="AttributeReader"/> and the
    /// readers of <see cref="LayerCatalog"/>, into the same specs.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ModelRulesAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property names the code fixes read from diagnostics.</summary>
        public const string ConventionProperty = Names.Convention;

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.BatchNormUsesBatchStatisticsAtInference,
            Descriptors.DropoutActiveAtInference,
            Descriptors.TrainingBatchOfOne,
            Descriptors.MomentumConventionMismatch,
            Descriptors.RunningStatisticsLeftBehind);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var model = start.Compilation.GetTypeByMetadataName(Names.ModelAttribute);
                if (model is null)
                {
                    return;
                }

                // Per compilation: whether a model type has a layer that trains with batch statistics (BatchNorm).
                var batchStatistics = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
                bool IsModel(INamedTypeSymbol? type) => type is not null && type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, model));
                bool HasBatchNorm(INamedTypeSymbol? type) => IsModel(type) && batchStatistics.GetOrAdd(type!, t => Layers(t).Any(l => l.Spec.UsesBatchStatisticsInTraining));

                start.RegisterSymbolAction(s => CheckDeclaration(s, model), SymbolKind.NamedType);
                start.RegisterOperationAction(op => CheckBatchOfOne(op, HasBatchNorm), OperationKind.Invocation);
                start.RegisterOperationBlockAction(block => CheckRunningStatistics(block, HasBatchNorm));
            });
        }

        private static void CheckDeclaration(SymbolAnalysisContext context, INamedTypeSymbol modelAttribute)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var attributes = type.GetAttributes();
            if (!attributes.Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, modelAttribute)))
            {
                return;
            }

            foreach (var (spec, arguments, attribute) in Layers(type))
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
                string layer = arguments.DeclaredName is { } n ? $"'{n}'" : arguments.Index.ToString(CultureInfo.InvariantCulture);
                bool hasReason = spec.Reason.Trim().Length > 0;
                switch (spec)
                {
                    case BatchNormSpec bn:
                        if (bn.UseBatchStatisticsAtInference && !hasReason)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(Descriptors.BatchNormUsesBatchStatisticsAtInference, location, layer, type.Name));
                        }

                        if (!bn.Keras && bn.Momentum >= 0.9 && bn.Momentum <= 1)
                        {
                            Report(context, location, layer, type.Name, bn.Momentum, "PyTorch", "the weight of the new batch (default 0.1)", "Keras");
                        }
                        else if (bn.Keras && bn.Momentum > 0 && bn.Momentum <= 0.1)
                        {
                            Report(context, location, layer, type.Name, bn.Momentum, "Keras", "the weight of the old value (default 0.99)", "PyTorch");
                        }

                        break;
                    case DropoutSpec { ActiveAtInference: true } when !hasReason:
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DropoutActiveAtInference, location, layer, type.Name));
                        break;
                }
            }
        }

        /// <summary>
        /// The layers of a model type in declaration order, read as the generator reads them (hyper-parameters only; the
        /// generator reports invalid values, so reading here reports nothing).
        /// </summary>
        private static IEnumerable<(LayerSpec Spec, AttributeArguments Arguments, AttributeData Attribute)> Layers(INamedTypeSymbol type)
        {
            int index = 0;
            foreach (var attribute in type.GetAttributes())
            {
                if (LayerCatalog.ForAttribute(AttributeReader.Name(attribute)) is { } kind)
                {
                    var arguments = AttributeReader.Arguments(attribute, kind.KindName, index++, location: null, report: null);
                    yield return (kind.Read(arguments), arguments, attribute);
                }
            }
        }

        private static void Report(SymbolAnalysisContext context, Location location, string layer, string model, double momentum, string convention, string meaning, string other)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ConventionProperty, other);
            string m = momentum.ToString("R", CultureInfo.InvariantCulture);
            string flipped = System.Math.Round(1 - momentum, 10).ToString("R", CultureInfo.InvariantCulture);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.MomentumConventionMismatch, location, properties, layer, model, m, convention, meaning, other, flipped));
        }

        /// <summary>MG1004: CreateTrainer(1), Fit with BatchSize = 1, or TrainStep on one sample, for a model with BatchNorm.</summary>
        private static void CheckBatchOfOne(OperationAnalysisContext context, System.Func<INamedTypeSymbol?, bool> hasBatchNorm)
        {
            var call = (IInvocationOperation)context.Operation;
            var method = call.TargetMethod;
            var owner = method.ContainingType;
            var model = hasBatchNorm(owner) ? owner : hasBatchNorm(owner?.ContainingType) ? owner!.ContainingType : null;
            if (model is null || Markers.IsUnreachable(call))
            {
                return;
            }

            string? what = null;
            if (method.Name == Names.CreateTrainer && Argument(call, Names.MaxBatchSizeParameter) is { } size && (size.ConstantValue is { HasValue: true, Value: 1 } || LastValueBefore(call, size) is { ConstantValue: { HasValue: true, Value: 1 } }))
            {
                what = "CreateTrainer(maxBatchSize: 1)";
            }
            else if (method.Name == Names.Fit && Argument(call, Names.OptionsParameter) is { } options && (BatchSizeOne(options) || OptionsBatchSizeOne(call, options)))
            {
                what = "FitOptions.BatchSize = 1";
            }
            else if (method.Name == Names.TrainStep && Argument(call, Names.InputsParameter) is { } inputs && ArrayLength(inputs) is int length
                && model.GetMembers(Names.InputSize).OfType<IFieldSymbol>().FirstOrDefault() is { HasConstantValue: true, ConstantValue: int inputSize } && length == inputSize)
            {
                what = $"TrainStep on an input of one sample ({length} floats)";
            }

            if (what is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.TrainingBatchOfOne, call.Syntax.GetLocation(), model.Name, what));
            }
        }

        private static IOperation? Argument(IInvocationOperation call, string name) =>
            call.Arguments.FirstOrDefault(a => a.Parameter?.Name == name && a.ArgumentKind == ArgumentKind.Explicit)?.Value is { } v ? Markers.Unwrap(v) : null;

        /// <summary>
        /// Options held in a local (or a field initialized in this file) and given to Fit: BatchSize is 1 when the last
        /// value given to it before the call, in the method's text, is the constant 1: in the object initializer that
        /// created the options, or in a later <c>options.BatchSize = ...</c>.
        /// </summary>
        private static bool OptionsBatchSizeOne(IInvocationOperation call, IOperation options)
        {
            ISymbol? holder = options switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
            if (holder is null)
            {
                return false;
            }

            IOperation? last = null;
            int lastPosition = -1;
            void Consider(IOperation value, int position)
            {
                if (position < call.Syntax.SpanStart && position > lastPosition)
                {
                    (last, lastPosition) = (value, position);
                }
            }

            foreach (var op in Root(call).DescendantsAndSelf())
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, holder) && declarator.Initializer?.Value is { } init:
                        ConsiderCreation(Markers.Unwrap(init), op.Syntax.SpanStart);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation or IFieldReferenceOperation } assignment when SymbolEqualityComparer.Default.Equals(Holder(assignment.Target), holder):
                        ConsiderCreation(Markers.Unwrap(assignment.Value), op.Syntax.SpanStart);
                        break;
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: Names.BatchSize, Instance: { } instance } } assignment when SymbolEqualityComparer.Default.Equals(Holder(instance), holder):
                        Consider(assignment.Value, op.Syntax.SpanStart);
                        break;
                }
            }

            // A field initializer in this file counts as coming first.
            if (holder is IFieldSymbol f && lastPosition < 0)
            {
                foreach (var reference in f.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree == call.Syntax.SyntaxTree
                        && reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer: { } initializer }
                        && call.SemanticModel?.GetOperation(initializer) is IFieldInitializerOperation { Value: { } value })
                    {
                        return BatchSizeOne(Markers.Unwrap(value));
                    }
                }
            }

            return last?.ConstantValue is { HasValue: true, Value: 1 };

            void ConsiderCreation(IOperation created, int position)
            {
                // The BatchSize an object initializer gives; a creation without it resets to the default (not 1).
                var given = created is IObjectCreationOperation { Initializer: { } init }
                    ? init.Initializers.OfType<ISimpleAssignmentOperation>().LastOrDefault(a => a.Target is IPropertyReferenceOperation { Property.Name: Names.BatchSize })?.Value
                    : null;
                Consider(given ?? created, position);
            }
        }

        /// <summary>The local's last value before the call, when it is a local assigned in the method (else null).</summary>
        private static IOperation? LastValueBefore(IInvocationOperation call, IOperation value)
        {
            if (value is not ILocalReferenceOperation local)
            {
                return null;
            }

            IOperation? last = null;
            int lastPosition = -1;
            foreach (var op in Root(call).DescendantsAndSelf())
            {
                IOperation? given = op switch
                {
                    IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local) => d.Initializer?.Value,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation t } a when SymbolEqualityComparer.Default.Equals(t.Local, local.Local) => a.Value,
                    _ => null,
                };
                if (given is not null && op.Syntax.SpanStart < call.Syntax.SpanStart && op.Syntax.SpanStart > lastPosition)
                {
                    (last, lastPosition) = (Markers.Unwrap(given), op.Syntax.SpanStart);
                }
            }

            return last;
        }

        private static ISymbol? Holder(IOperation operation) => Markers.Unwrap(operation) switch
        {
            ILocalReferenceOperation l => l.Local,
            IFieldReferenceOperation f => f.Field,
            _ => null,
        };

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent is not null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private static bool BatchSizeOne(IOperation options) =>
            options is IObjectCreationOperation { Initializer: { } init }
            && init.Initializers.OfType<ISimpleAssignmentOperation>().Any(a =>
                a.Target is IPropertyReferenceOperation { Property.Name: Names.BatchSize } && a.Value.ConstantValue is { HasValue: true, Value: 1 });

        private static int? ArrayLength(IOperation operation) => operation switch
        {
            IArrayCreationOperation { DimensionSizes.Length: 1 } array when array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int n } => n,
            _ => null,
        };

        /// <summary>
        /// MG1006: SetParameters on a model created in the same method (so its running statistics are the initial ones)
        /// when nothing in the method loads its running statistics; or a BatchNorm model's Parameters written to System.IO.
        /// </summary>
        private static void CheckRunningStatistics(OperationBlockAnalysisContext context, System.Func<INamedTypeSymbol?, bool> hasBatchNorm)
        {
            var setParameters = new List<(ISymbol? Receiver, IInvocationOperation Call, INamedTypeSymbol Model)>();
            var loaded = new HashSet<ISymbol?>(SymbolEqualityComparer.Default);
            var fresh = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            bool anyLoad = false;
            foreach (var block in context.OperationBlocks)
            {
                foreach (var op in block.DescendantsAndSelf())
                {
                    // A local that holds a model created here has initial running statistics (mean 0, variance 1).
                    if (op is IVariableDeclaratorOperation { Initializer.Value: { } init } declarator
                        && Markers.Unwrap(init) is IObjectCreationOperation creation && hasBatchNorm(creation.Type as INamedTypeSymbol))
                    {
                        fresh.Add(declarator.Symbol);
                    }

                    if (op is IInvocationOperation call && hasBatchNorm(call.TargetMethod.ContainingType))
                    {
                        var receiver = ReceiverSymbol(call.Instance);
                        switch (call.TargetMethod.Name)
                        {
                            case Names.SetParameters:
                                setParameters.Add((receiver, call, call.TargetMethod.ContainingType));
                                break;
                            case Names.LoadWeights:
                                loaded.Add(receiver);
                                anyLoad |= receiver is null;
                                break;
                            case Names.SetTensor when call.Arguments.Length > 0 && call.Arguments[0].Value.ConstantValue.Value is string tensor && tensor.Contains(Names.RunningStatisticsPrefix):
                                loaded.Add(receiver);
                                anyLoad |= receiver is null;
                                break;
                        }
                    }

                    if (op is IPropertyReferenceOperation { Property.Name: Names.Parameters } parameters && hasBatchNorm(parameters.Property.ContainingType))
                    {
                        for (var parent = op.Parent; parent is not null; parent = parent.Parent)
                        {
                            if (parent is IInvocationOperation io && io.TargetMethod.ContainingNamespace?.ToDisplayString() == "System.IO")
                            {
                                context.ReportDiagnostic(Diagnostic.Create(
                                    Descriptors.RunningStatisticsLeftBehind,
                                    op.Syntax.GetLocation(),
                                    parameters.Property.ContainingType.Name,
                                    "its Parameters are written out here without the running statistics"));
                                break;
                            }
                        }
                    }
                }
            }

            foreach (var (receiver, call, model) in setParameters)
            {
                if (receiver is not null && fresh.Contains(receiver) && !anyLoad && !loaded.Contains(receiver))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.RunningStatisticsLeftBehind,
                        call.Syntax.GetLocation(),
                        model.Name,
                        "this sets its parameters but nothing in this method loads its running statistics"));
                }
            }
        }

        private static ISymbol? ReceiverSymbol(IOperation? instance) => instance switch
        {
            ILocalReferenceOperation l => l.Local,
            IFieldReferenceOperation f => f.Field,
            IParameterReferenceOperation p => p.Parameter,
            IPropertyReferenceOperation p => p.Property,
            IInstanceReferenceOperation => null,
            _ => null,
        };
    }
}
