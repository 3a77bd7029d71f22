using System.Collections.Generic;
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

        /// <summary>
        /// Where an operation runs, found in one walk up its tree: the symbol whose body holds it (the innermost lambda or
        /// local function, else <paramref name="containing"/>), or null when it cannot run: in a branch a constant
        /// condition makes unreachable, or inside <c>nameof(...)</c>, which only takes the member's name.
        /// </summary>
        public static ISymbol? RunsIn(IOperation operation, ISymbol containing)
        {
            ISymbol? owner = null;
            IOperation child = operation;
            for (var op = operation.Parent; op is not null; child = op, op = op.Parent)
            {
                switch (op)
                {
                    case IAnonymousFunctionOperation lambda:
                        owner ??= lambda.Symbol;
                        break;
                    case ILocalFunctionOperation local:
                        owner ??= local.Symbol;
                        break;
                    case INameOfOperation:
                        return null;
                    case var branch when IsDeadBranch(branch, child):
                        return null;
                }
            }

            return owner ?? containing;
        }

        /// <summary>The operation under all its conversions (the value as written, cast or not).</summary>
        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(operation))]
        public static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>The operation under its implicit conversions (the value as written, e.g. before boxing).</summary>
        public static IOperation Unconverted(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>Whether a property is read and then written where it stands: <c>P += v</c>, <c>P ??= v</c>, <c>P++</c>.</summary>
        public static bool IsReadAndWritten(IPropertyReferenceOperation property) => property.Parent switch
        {
            ICompoundAssignmentOperation a => a.Target == property,
            ICoalesceAssignmentOperation a => a.Target == property,
            IIncrementOrDecrementOperation a => a.Target == property,
            _ => false,
        };

        /// <summary>Whether the operation sits in a branch that a constant condition makes unreachable.</summary>
        public static bool IsUnreachable(IOperation operation)
        {
            IOperation child = operation;
            for (var op = operation.Parent; op is not null; child = op, op = op.Parent)
            {
                if (IsDeadBranch(op, child))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="child"/> is the branch of <paramref name="parent"/> that a constant condition never runs.</summary>
        private static bool IsDeadBranch(IOperation parent, IOperation child) => parent switch
        {
            IConditionalOperation { Condition.ConstantValue: { HasValue: true, Value: bool value } } conditional =>
                (!value && child == conditional.WhenTrue) || (value && child == conditional.WhenFalse),
            IWhileLoopOperation { Condition.ConstantValue: { HasValue: true, Value: false } } loop => child == loop.Body,
            _ => false,
        };

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
        public static bool IsAssigned(IPropertyReferenceOperation property)
        {
            if (property.Parent is ISimpleAssignmentOperation assignment)
            {
                return assignment.Target == property;
            }

            // (P, Q) = value: the properties are elements of the deconstruction's target tuple (nested tuples too).
            IOperation child = property;
            var op = property.Parent;
            while (op is ITupleOperation)
            {
                child = op;
                op = op.Parent;
            }

            return child != property && op is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == child;
        }

        /// <summary>The field, property or event a delegate value is read from (through conversions and ?.), or null.</summary>
        public static ISymbol? Storage(IOperation? operation)
        {
            operation = Unwrap(operation);

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
        public static IMethodSymbol? DelegateTarget(IOperation? value) =>
            Unwrap(value) switch
            {
                IDelegateCreationOperation { Target: IMethodReferenceOperation r } => Node(r.Method),
                IDelegateCreationOperation { Target: IAnonymousFunctionOperation l } => l.Symbol,
                IMethodReferenceOperation r => Node(r.Method),
                IAnonymousFunctionOperation l => l.Symbol,
                _ => null,
            };

        public static IMethodSymbol Node(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;
    }

    /// <summary>The library methods the compiler calls by rule (Dispose, ToString), resolved once per compilation.</summary>
    internal sealed class WellKnownMethods
    {
        public WellKnownMethods(Compilation compilation)
        {
            Dispose = Method(compilation.GetSpecialType(SpecialType.System_IDisposable), "Dispose");
            DisposeAsync = Method(compilation.GetTypeByMetadataName("System.IAsyncDisposable"), "DisposeAsync");
            ToString = Method(compilation.GetSpecialType(SpecialType.System_Object), "ToString");
            FormattableToString = Method(compilation.GetTypeByMetadataName("System.IFormattable"), "ToString");
            TryFormat = Method(compilation.GetTypeByMetadataName("System.ISpanFormattable"), "TryFormat");
        }

        /// <summary><c>IDisposable.Dispose</c>.</summary>
        public IMethodSymbol? Dispose { get; }

        /// <summary><c>IAsyncDisposable.DisposeAsync</c>, when the target framework has it.</summary>
        public IMethodSymbol? DisposeAsync { get; }

        /// <summary><c>object.ToString()</c>.</summary>
        public new IMethodSymbol? ToString { get; }

        /// <summary><c>IFormattable.ToString(string, IFormatProvider)</c>.</summary>
        public IMethodSymbol? FormattableToString { get; }

        /// <summary><c>ISpanFormattable.TryFormat</c>, when the target framework has it.</summary>
        public IMethodSymbol? TryFormat { get; }

        /// <summary>
        /// The formatting calls that turning a value of <paramref name="type"/> into text can make (string concatenation,
        /// interpolation): ToString, and the IFormattable and ISpanFormattable members, each dispatched on the type. None
        /// for strings and for structs and sealed types outside the compilation, whose formatting no source code overrides.
        /// </summary>
        public IEnumerable<(IMethodSymbol Method, ITypeSymbol? Receiver)> Formatting(ITypeSymbol? type)
        {
            if (type is null || type.SpecialType == SpecialType.System_String || type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error
                || (type.DeclaringSyntaxReferences.Length == 0 && (type.IsValueType || type.IsSealed) && type is not ITypeParameterSymbol))
            {
                yield break;
            }

            foreach (var method in new[] { ToString, FormattableToString, TryFormat })
            {
                if (method is not null)
                {
                    yield return (method, type);
                }
            }
        }

        private static IMethodSymbol? Method(INamedTypeSymbol? type, string name) =>
            type?.GetMembers(name).OfType<IMethodSymbol>().FirstOrDefault(m => name != "ToString" || m.Parameters.Length == (type.SpecialType == SpecialType.System_Object ? 0 : 2));
    }
}
