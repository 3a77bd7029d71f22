using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>The marker attributes, resolved once per compilation (from source or metadata), and questions about symbols.</summary>
    internal sealed class Markers
    {
        private Markers(INamedTypeSymbol entryPoint, INamedTypeSymbol trainingOnly, INamedTypeSymbol usesBatchStatistics)
        {
            EntryPoint = entryPoint;
            TrainingOnly = trainingOnly;
            UsesBatchStatistics = usesBatchStatistics;
        }

        public INamedTypeSymbol EntryPoint { get; }

        public INamedTypeSymbol TrainingOnly { get; }

        public INamedTypeSymbol UsesBatchStatistics { get; }

        public static Markers? From(Compilation compilation)
        {
            var entry = compilation.GetTypeByMetadataName(Names.InferenceEntryPointAttribute);
            var training = compilation.GetTypeByMetadataName(Names.TrainingOnlyAttribute);
            var batch = compilation.GetTypeByMetadataName(Names.UsesBatchStatisticsAttribute);
            return entry is null || training is null || batch is null ? null : new Markers(entry, training, batch);
        }

        private static bool Has(ISymbol symbol, INamedTypeSymbol attribute) =>
            symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

        /// <summary>The [UsesBatchStatistics] attribute on the symbol, if any.</summary>
        public AttributeData? BatchStatisticsAttribute(ISymbol symbol) =>
            symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, UsesBatchStatistics));

        /// <summary>Whether the member (or its property, or a containing type) is marked [TrainingOnly] or [UsesBatchStatistics].</summary>
        public bool IsBatchStatistics(ISymbol symbol)
        {
            for (ISymbol? s = symbol; s is not null; s = s.ContainingType)
            {
                if (Has(s, TrainingOnly) || Has(s, UsesBatchStatistics))
                {
                    return true;
                }

                if (s is IMethodSymbol { AssociatedSymbol: { } property } && (Has(property, TrainingOnly) || Has(property, UsesBatchStatistics)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the method is an inference entry point (marked on itself or, for accessors, on its property).</summary>
        public bool IsEntryPoint(IMethodSymbol method) =>
            Has(method, EntryPoint) || (method.AssociatedSymbol is { } p && Has(p, EntryPoint));

        /// <summary>
        /// Whether the entry point opted in with [UsesBatchStatistics]. An opt-in without a reason still counts here;
        /// MG1008 reports the missing reason instead, so the same code is not reported twice.
        /// </summary>
        public bool HasOptIn(IMethodSymbol method) =>
            (BatchStatisticsAttribute(method) ?? (method.AssociatedSymbol is { } p ? BatchStatisticsAttribute(p) : null)) is not null;

        public static string? Reason(AttributeData attribute) =>
            attribute.NamedArguments.FirstOrDefault(a => a.Key == Names.Reason).Value.Value as string is { } r && r.Trim().Length > 0 ? r : null;

        /// <summary>The symbol whose body holds the operation: the innermost lambda or local function, else the member.</summary>
        public static ISymbol Owner(IOperation operation, ISymbol containing)
        {
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation lambda)
                {
                    return lambda.Symbol;
                }

                if (op is ILocalFunctionOperation local)
                {
                    return local.Symbol;
                }
            }

            return containing;
        }

        /// <summary>Whether the operation sits in a branch that a constant condition makes unreachable.</summary>
        public static bool IsUnreachable(IOperation operation)
        {
            IOperation child = operation;
            for (var op = operation.Parent; op is not null; child = op, op = op.Parent)
            {
                if (op is IConditionalOperation conditional && conditional.Condition.ConstantValue is { HasValue: true, Value: bool value })
                {
                    if ((!value && child == conditional.WhenTrue) || (value && child == conditional.WhenFalse))
                    {
                        return true;
                    }
                }

                if (op is IWhileLoopOperation loop && loop.Condition?.ConstantValue is { HasValue: true, Value: false } && child == loop.Body)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The method an operation calls or references, as the call-graph node (original definition).</summary>
        public static IMethodSymbol? Target(IOperation operation) => Bound(operation) is { } method ? Node(method) : null;

        /// <summary>The method an operation calls or references as bound there (with its type arguments).</summary>
        public static IMethodSymbol? Bound(IOperation operation) =>
            operation switch
            {
                IInvocationOperation i => i.TargetMethod,
                IObjectCreationOperation c => c.Constructor,
                IMethodReferenceOperation r => r.Method,
                IPropertyReferenceOperation p => IsAssigned(p) ? p.Property.SetMethod ?? p.Property.GetMethod : p.Property.GetMethod ?? p.Property.SetMethod,
                IBinaryOperation b => b.OperatorMethod,
                IUnaryOperation u => u.OperatorMethod,
                IConversionOperation c => c.OperatorMethod,
                ICompoundAssignmentOperation a => a.OperatorMethod,
                IIncrementOrDecrementOperation d => d.OperatorMethod,
                _ => null,
            };

        /// <summary>
        /// Whether a property reference is the target of a plain assignment (or an object initializer's member
        /// assignment): the setter or init accessor runs, not the getter. A compound assignment reads and writes, so it is
        /// counted as a read here and its setter is added by the analyzer.
        /// </summary>
        public static bool IsAssigned(IPropertyReferenceOperation property) =>
            property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property;

        /// <summary>The field, property or event a delegate value is read from (through conversions and ?.), or null.</summary>
        public static ISymbol? Storage(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation is IConditionalAccessInstanceOperation instance)
            {
                for (var op = instance.Parent; op is not null; op = op.Parent)
                {
                    if (op is IConditionalAccessOperation access)
                    {
                        return Storage(access.Operation);
                    }
                }
            }

            return operation switch
            {
                IFieldReferenceOperation f => f.Field.OriginalDefinition,
                IPropertyReferenceOperation p => p.Property.OriginalDefinition,
                IEventReferenceOperation e => e.Event.OriginalDefinition,
                _ => null,
            };
        }

        /// <summary>The method a delegate-creating value refers to (a method group or a lambda), or null.</summary>
        public static IMethodSymbol? DelegateTarget(IOperation? value)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            return value switch
            {
                IDelegateCreationOperation { Target: IMethodReferenceOperation r } => Node(r.Method),
                IDelegateCreationOperation { Target: IAnonymousFunctionOperation l } => l.Symbol,
                IMethodReferenceOperation r => Node(r.Method),
                IAnonymousFunctionOperation l => l.Symbol,
                _ => null,
            };
        }

        public static IMethodSymbol Node(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;
    }
}
