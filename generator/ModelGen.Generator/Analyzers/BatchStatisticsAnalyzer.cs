using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>
    /// Flags inference paths that use batch statistics or training mode. MG1007 runs per method (live in the IDE) and
    /// reports direct calls from an inference entry point; MG1001 builds the compilation's call graph (calls, properties,
    /// constructors, local functions, lambdas, method groups, virtual and interface calls resolved to implementations in
    /// the compilation), computes once which methods reach batch statistics (<see cref="Reachability"/>: one
    /// breadth-first search backwards from every batch-statistics member) and reports, at compilation end, every longer
    /// path from an entry point; MG1008 requires a Reason on the opt-in.
    /// Branches made unreachable by a constant condition do not count.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BatchStatisticsAnalyzer : DiagnosticAnalyzer
    {
        private static readonly OperationKind[] CallKinds =
        {
            OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.MethodReference, OperationKind.PropertyReference, OperationKind.AnonymousFunction,
            OperationKind.Binary, OperationKind.Unary, OperationKind.Conversion, OperationKind.CompoundAssignment, OperationKind.Increment, OperationKind.Decrement,
        };

        /// <summary>The operations that store a delegate, read a static field, or run as an initializer: the implicit edges.</summary>
        private static readonly OperationKind[] StoreKinds =
        {
            OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.EventAssignment, OperationKind.FieldInitializer,
            OperationKind.PropertyInitializer, OperationKind.DelegateCreation, OperationKind.FieldReference,
        };

        /// <summary>
        /// The operations whose calls the compiler inserts by a pattern or a rule, without the call being written: foreach,
        /// using, deconstruction and positional patterns, await, event accessors, implicit Index and Range indexers, list
        /// and slice patterns, with (the clone), collection expressions (the constructor or builder, and Add), and ToString
        /// in string concatenation and interpolation.
        /// </summary>
        private static readonly OperationKind[] PatternKinds =
        {
            OperationKind.Loop, OperationKind.Using, OperationKind.UsingDeclaration, OperationKind.DeconstructionAssignment,
            OperationKind.RecursivePattern, OperationKind.Await, OperationKind.EventAssignment, OperationKind.ImplicitIndexerReference,
            OperationKind.ListPattern, OperationKind.SlicePattern, OperationKind.With, OperationKind.CollectionExpression,
            OperationKind.Binary, OperationKind.Interpolation, OperationKind.InterpolatedStringAppendFormatted,
        };

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.InferencePathReachesBatchStatistics, Descriptors.InferenceCallsBatchStatistics, Descriptors.OptInWithoutReason);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
            context.RegisterCompilationStartAction(start =>
            {
                var markers = Markers.From(start.Compilation);
                if (markers is null)
                {
                    return;
                }

                // Per-compilation state lives here, in the closure, never in fields.
                var edges = new ConcurrentDictionary<IMethodSymbol, ConcurrentQueue<Call>>(SymbolEqualityComparer.Default);
                var entryPoints = new ConcurrentDictionary<IMethodSymbol, byte>(SymbolEqualityComparer.Default);
                var types = new ConcurrentQueue<INamedTypeSymbol>();
                var holders = new Holders();

                // The calls the compiler makes on the program's behalf, resolved at compilation end (see AddImplicitEdges):
                // delegates stored in fields, properties and events and invoked elsewhere; initializers, which run in the
                // constructors; static constructors and static initializers, which run on the first access to the type.
                var stores = new ConcurrentDictionary<ISymbol, ConcurrentQueue<IMethodSymbol>>(SymbolEqualityComparer.Default);
                var opaqueStores = new ConcurrentDictionary<ISymbol, byte>(SymbolEqualityComparer.Default);
                var delegatesByType = new ConcurrentDictionary<ITypeSymbol, ConcurrentQueue<IMethodSymbol>>(SymbolEqualityComparer.Default);
                var delegateCalls = new ConcurrentQueue<(IMethodSymbol Owner, ISymbol Storage, ITypeSymbol Type, Location Location)>();
                var initializerCalls = new ConcurrentQueue<(INamedTypeSymbol Type, bool Static, IMethodSymbol Callee, Location Location)>();
                var staticAccesses = new ConcurrentQueue<(IMethodSymbol Owner, INamedTypeSymbol Type, Location Location)>();

                start.RegisterSymbolAction(s => types.Enqueue((INamedTypeSymbol)s.Symbol), SymbolKind.NamedType);
                start.RegisterSymbolAction(s => CheckOptIn((IMethodSymbol)s.Symbol, s.IsGeneratedCode, markers, s.ReportDiagnostic, s.CancellationToken), SymbolKind.Method);

                // Lambdas and local functions are not symbols the symbol action sees: their opt-ins are checked here.
                start.RegisterOperationAction(
                    op =>
                    {
                        var method = op.Operation switch
                        {
                            IAnonymousFunctionOperation lambda => lambda.Symbol,
                            ILocalFunctionOperation local => local.Symbol,
                            _ => null,
                        };
                        if (method is not null)
                        {
                            CheckOptIn(method, op.IsGeneratedCode, markers, op.ReportDiagnostic, op.CancellationToken);
                        }
                    },
                    OperationKind.AnonymousFunction,
                    OperationKind.LocalFunction);

                start.RegisterOperationAction(
                    op =>
                    {
                        var operation = op.Operation;
                        var callee = operation is IAnonymousFunctionOperation lambda ? lambda.Symbol : Markers.Target(operation);
                        if (callee is null)
                        {
                            return; // most conversions and binary operators: nothing is called (checked before walking the tree)
                        }

                        var runsIn = Markers.RunsIn(operation, op.ContainingSymbol);
                        if (runsIn is null)
                        {
                            return;
                        }

                        if (runsIn is not IMethodSymbol owner)
                        {
                            // A field or property initializer: it runs as part of the constructors (instance) or on the
                            // first access to the type (static).
                            if (op.ContainingSymbol is (IFieldSymbol or IPropertySymbol) and { ContainingType: { } declaring })
                            {
                                initializerCalls.Enqueue((declaring, op.ContainingSymbol.IsStatic, Markers.Node(callee), operation.Syntax.GetLocation()));
                            }

                            return;
                        }

                        owner = Markers.Node(owner);
                        var here = operation.Syntax.GetLocation();
                        var calls = edges.GetOrAdd(owner, _ => new ConcurrentQueue<Call>());
                        var (receiver, isVirtual) = Receiver(operation);
                        var holder = Holders.Of(operation switch
                        {
                            IInvocationOperation i => i.Instance,
                            IPropertyReferenceOperation p => p.Instance,
                            IMethodReferenceOperation r => r.Instance,
                            _ => null,
                        });
                        calls.Enqueue(operation is IAnonymousFunctionOperation ? new Call(callee, here) : Call.To(Markers.Bound(operation) ?? callee, here, receiver, isVirtual, holder));
                        if (operation is IPropertyReferenceOperation property && Markers.IsReadAndWritten(property) && property.Property.SetMethod is { } setter)
                        {
                            calls.Enqueue(Call.To(setter, here, receiver, isVirtual, holder)); // x.P += v, x.P ??= v, x.P++ read and write P
                        }

                        if (operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoke && Markers.Storage(invoke.Instance) is { } storage)
                        {
                            delegateCalls.Enqueue((owner, storage, invoke.TargetMethod.ContainingType, here));
                        }

                        if (callee.ContainingType is { DeclaringSyntaxReferences.Length: > 0 } calleeType && (callee.IsStatic || operation is IObjectCreationOperation) && callee.MethodKind != MethodKind.LocalFunction && callee.MethodKind != MethodKind.AnonymousFunction)
                        {
                            staticAccesses.Enqueue((owner, calleeType.OriginalDefinition, here));
                        }

                        if (markers.IsEntryPoint(owner))
                        {
                            entryPoints.TryAdd(owner, 0);
                            if (!markers.HasOptIn(owner) && operation is not IAnonymousFunctionOperation && markers.IsBatchStatistics(callee))
                            {
                                op.ReportDiagnostic(Diagnostic.Create(Descriptors.InferenceCallsBatchStatistics, operation.Syntax.GetLocation(), Display(owner), Display(callee)));
                            }
                        }
                    },
                    CallKinds);

                start.RegisterOperationAction(
                    op =>
                    {
                        var operation = op.Operation;
                        switch (operation)
                        {
                            case IDelegateCreationOperation creation when creation.Type is { } delegateType && Markers.DelegateTarget(creation) is { } created:
                                delegatesByType.GetOrAdd(delegateType, _ => new ConcurrentQueue<IMethodSymbol>()).Enqueue(created);
                                break;
                            case ISimpleAssignmentOperation assignment when Markers.Storage(assignment.Target) is { } target:
                                Store(target, assignment.Value);
                                break;
                            case ICompoundAssignmentOperation assignment when Markers.Storage(assignment.Target) is { } target:
                                Store(target, assignment.Value);
                                break;
                            case IEventAssignmentOperation subscription when subscription.Adds && Markers.Storage(subscription.EventReference) is { } target:
                                Store(target, subscription.HandlerValue);
                                break;
                            case IFieldInitializerOperation initializer:
                                foreach (var field in initializer.InitializedFields)
                                {
                                    Store(field.OriginalDefinition, initializer.Value);
                                }

                                break;
                            case IPropertyInitializerOperation initializer:
                                foreach (var property in initializer.InitializedProperties)
                                {
                                    Store(property.OriginalDefinition, initializer.Value);
                                }

                                break;
                            case IFieldReferenceOperation { Field.IsStatic: true, Field.ContainingType.DeclaringSyntaxReferences.Length: > 0 } field when Markers.RunsIn(operation, op.ContainingSymbol) is IMethodSymbol owner:
                                staticAccesses.Enqueue((Markers.Node(owner), field.Field.ContainingType.OriginalDefinition, operation.Syntax.GetLocation()));
                                break;
                        }

                        void Store(ISymbol target, IOperation value)
                        {
                            if (value.Type?.TypeKind != TypeKind.Delegate && target is not IEventSymbol)
                            {
                                return;
                            }

                            if (Markers.DelegateTarget(value) is { } method)
                            {
                                stores.GetOrAdd(target, _ => new ConcurrentQueue<IMethodSymbol>()).Enqueue(method);
                            }
                            else if (value.ConstantValue is not { HasValue: true, Value: null })
                            {
                                opaqueStores.TryAdd(target, 0); // from a parameter, a call, another field: anything of its type
                            }
                        }
                    },
                    StoreKinds);

                // What locals and fields hold: a call on one that only ever holds `new X()` dispatches to X's implementation.
                start.RegisterOperationAction(
                    op =>
                    {
                        switch (op.Operation)
                        {
                            case IVariableDeclaratorOperation { Symbol.IsRef: true, Initializer.Value: { } aliased } when Holders.Of(aliased) is { } target:
                                holders.Unknown(target); // ref var r = ref _field: writes through r are not seen
                                break;
                            case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator:
                                holders.Store(declarator.Symbol, value);
                                break;
                            case ISimpleAssignmentOperation assignment when Holders.Of(assignment.Target) is { } target:
                                holders.Store(target, assignment.Value);
                                break;
                            case ICoalesceAssignmentOperation assignment when Holders.Of(assignment.Target) is { } target:
                                holders.Store(target, assignment.Value);
                                break;
                            case IFieldInitializerOperation initializer:
                                foreach (var field in initializer.InitializedFields)
                                {
                                    holders.Store(field.OriginalDefinition, initializer.Value);
                                }

                                break;
                            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when Holders.Of(argument.Value) is { } target:
                                holders.Unknown(target);
                                break;
                            case IDeconstructionAssignmentOperation deconstruction:
                                foreach (var target in deconstruction.Target.DescendantsAndSelf().Select(Holders.Of).OfType<ISymbol>())
                                {
                                    holders.Unknown(target);
                                }

                                break;
                        }
                    },
                    OperationKind.VariableDeclarator,
                    OperationKind.SimpleAssignment,
                    OperationKind.CoalesceAssignment,
                    OperationKind.FieldInitializer,
                    OperationKind.Argument,
                    OperationKind.DeconstructionAssignment);

                // Calls the compiler inserts (PatternKinds): each goes to the graph like a written call, and a direct one
                // from an entry point to a batch-statistics member is MG1007's like any other.
                var wellKnown = new WellKnownMethods(start.Compilation);
                start.RegisterOperationAction(
                    op =>
                    {
                        var operation = op.Operation;
                        if (operation.SemanticModel is not { } model)
                        {
                            return;
                        }

                        var found = PatternCalls(operation, model, wellKnown);
                        if (found.Count == 0 || Markers.RunsIn(operation, op.ContainingSymbol) is not IMethodSymbol owner)
                        {
                            return; // most binary operators and loops call nothing implicitly (checked before walking the tree)
                        }

                        owner = Markers.Node(owner);
                        var here = operation.Syntax.GetLocation();
                        foreach (var (method, receiver) in found)
                        {
                            edges.GetOrAdd(owner, _ => new ConcurrentQueue<Call>()).Enqueue(Call.To(method, here, receiver, virtualCall: true));
                            if (markers.IsEntryPoint(owner))
                            {
                                entryPoints.TryAdd(owner, 0);
                                if (!markers.HasOptIn(owner) && markers.IsBatchStatistics(method))
                                {
                                    op.ReportDiagnostic(Diagnostic.Create(Descriptors.InferenceCallsBatchStatistics, here, Display(owner), Display(method)));
                                }
                            }
                        }
                    },
                    PatternKinds);

                start.RegisterCompilationEndAction(end =>
                {
                    AddImplicitEdges(edges, stores, opaqueStores, delegatesByType, delegateCalls, initializerCalls, staticAccesses, types);
                    var graph = CallGraph.Build(edges.ToDictionary(p => p.Key, p => p.Value.ToArray(), (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default), types, holders.Known());
                    var reach = Reachability.Compute(graph, markers);
                    foreach (var entry in entryPoints.Keys)
                    {
                        if (markers.HasOptIn(entry))
                        {
                            continue;
                        }

                        // From each call site of the entry point, the shortest path to batch statistics, read off the
                        // closure computed once for the compilation.
                        var reported = new HashSet<Location>();
                        foreach (var (callee, location, declared) in graph.CallsFrom(entry))
                        {
                            if (markers.IsBatchStatistics(declared) || reported.Contains(location))
                            {
                                continue; // direct calls are MG1007's; one report per call site (it may have several edges)
                            }

                            var path = reach.PathFrom(callee, avoiding: entry) ?? FindPath(callee, entry, graph, markers, reach);
                            if (path is not null)
                            {
                                var methods = path.OfType<IMethodSymbol>().ToList();
                                reported.Add(location);
                                string chain = string.Join(" -> ", new[] { entry }.Concat(methods).Select(Display));
                                end.ReportDiagnostic(Diagnostic.Create(Descriptors.InferencePathReachesBatchStatistics, location, Display(entry), Display(methods[methods.Count - 1]), chain));
                            }
                        }
                    }
                });
            });
        }

        /// <summary>
        /// Adds the edges of the calls the compiler makes implicitly: a delegate stored in a field, property or event and
        /// invoked reaches every method stored there (every method converted to its delegate type anywhere, when the stored
        /// value is not a method group or lambda the analysis can see); an instance initializer runs in every instance
        /// constructor of its type; a static initializer and the static constructor run from every access to a static
        /// member of the type and every creation of an instance.
        /// </summary>
        private static void AddImplicitEdges(
            ConcurrentDictionary<IMethodSymbol, ConcurrentQueue<Call>> edges,
            ConcurrentDictionary<ISymbol, ConcurrentQueue<IMethodSymbol>> stores,
            ConcurrentDictionary<ISymbol, byte> opaqueStores,
            ConcurrentDictionary<ITypeSymbol, ConcurrentQueue<IMethodSymbol>> delegatesByType,
            ConcurrentQueue<(IMethodSymbol Owner, ISymbol Storage, ITypeSymbol Type, Location Location)> delegateCalls,
            ConcurrentQueue<(INamedTypeSymbol Type, bool Static, IMethodSymbol Callee, Location Location)> initializerCalls,
            ConcurrentQueue<(IMethodSymbol Owner, INamedTypeSymbol Type, Location Location)> staticAccesses,
            IEnumerable<INamedTypeSymbol> types)
        {
            void Add(IMethodSymbol from, IMethodSymbol to, Location location) =>
                edges.GetOrAdd(from, _ => new ConcurrentQueue<Call>()).Enqueue(new Call(to, location));

            foreach (var (owner, storage, type, location) in delegateCalls)
            {
                var targets = opaqueStores.ContainsKey(storage)
                    ? (delegatesByType.TryGetValue(type, out var all) ? all.ToArray() : System.Array.Empty<IMethodSymbol>())
                    : (stores.TryGetValue(storage, out var stored) ? stored.ToArray() : System.Array.Empty<IMethodSymbol>());
                foreach (var target in targets.Distinct(SymbolEqualityComparer.Default).Cast<IMethodSymbol>())
                {
                    Add(owner, target, location);
                }
            }

            var staticInitializers = new Dictionary<INamedTypeSymbol, List<(IMethodSymbol Callee, Location Location)>>(SymbolEqualityComparer.Default);
            foreach (var (type, isStatic, callee, location) in initializerCalls)
            {
                if (isStatic)
                {
                    if (!staticInitializers.TryGetValue(type.OriginalDefinition, out var list))
                    {
                        staticInitializers[type.OriginalDefinition] = list = new List<(IMethodSymbol, Location)>();
                    }

                    list.Add((callee, location));
                    continue;
                }

                foreach (var constructor in type.InstanceConstructors)
                {
                    Add(Markers.Node(constructor), callee, location);
                }
            }

            // A constructor without a written initializer (or one the compiler declares) calls the base class's
            // parameterless constructor: an edge the operation tree does not show.
            foreach (var type in types)
            {
                if (type.BaseType is not { DeclaringSyntaxReferences.Length: > 0 } baseType || type.TypeKind != TypeKind.Class)
                {
                    continue;
                }

                var baseConstructor = baseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0)
                    ?? baseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.All(p => p.IsOptional || p.IsParams));
                if (baseConstructor is null)
                {
                    continue;
                }

                foreach (var constructor in type.InstanceConstructors)
                {
                    if (CallsBaseImplicitly(constructor))
                    {
                        Add(Markers.Node(constructor), Markers.Node(baseConstructor), constructor.Locations.FirstOrDefault() ?? Location.None);
                    }
                }
            }

            foreach (var (owner, type, location) in staticAccesses.Distinct())
            {
                foreach (var constructor in type.StaticConstructors)
                {
                    if (!SymbolEqualityComparer.Default.Equals(Markers.Node(constructor), owner))
                    {
                        Add(owner, Markers.Node(constructor), location);
                    }
                }

                if (staticInitializers.TryGetValue(type, out var calls))
                {
                    foreach (var (callee, _) in calls)
                    {
                        Add(owner, callee, location);
                    }
                }
            }
        }

        /// <summary>
        /// Whether the constructor calls its base class's parameterless constructor without its being written: declared by the
        /// compiler (other than a record's copy constructor, which calls the base's copy constructor), or declared without
        /// <c>: base(...)</c> or <c>: this(...)</c>, or a primary constructor whose base type is named without arguments (with
        /// arguments, it calls what they select, which the operation tree shows).
        /// </summary>
        private static bool CallsBaseImplicitly(IMethodSymbol constructor)
        {
            if (constructor.IsImplicitlyDeclared)
            {
                return !(constructor.ContainingType.IsRecord && constructor.Parameters.Length == 1
                    && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, constructor.ContainingType));
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                switch (reference.GetSyntax())
                {
                    case Microsoft.CodeAnalysis.CSharp.Syntax.ConstructorDeclarationSyntax declaration:
                        return declaration.Initializer is null;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax type:
                        return type.BaseList?.Types.FirstOrDefault() is not Microsoft.CodeAnalysis.CSharp.Syntax.PrimaryConstructorBaseTypeSyntax;
                }
            }

            return false;
        }

        /// <summary>The methods the compiler calls for an operation without their being written, each with its receiver's type.</summary>
        private static List<(IMethodSymbol Method, ITypeSymbol? Receiver)> PatternCalls(IOperation operation, SemanticModel model, WellKnownMethods wellKnown)
        {
            var found = new List<(IMethodSymbol, ITypeSymbol?)>();
            void Add(ISymbol? symbol, ITypeSymbol? receiver)
            {
                switch (symbol)
                {
                    case IMethodSymbol method:
                        found.Add((method, receiver));
                        break;
                    case IPropertySymbol { GetMethod: { } getter }:
                        found.Add((getter, receiver));
                        break;
                }
            }

            switch (operation)
            {
                case IForEachLoopOperation loop when loop.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax statement:
                    var info = Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetForEachStatementInfo(model, statement);
                    var enumerator = info.GetEnumeratorMethod?.ReturnType;
                    Add(info.GetEnumeratorMethod, Markers.Unconverted(loop.Collection).Type);
                    Add(info.MoveNextMethod, enumerator);
                    Add(info.CurrentProperty, enumerator);
                    Add(info.DisposeMethod, enumerator);
                    if (statement is Microsoft.CodeAnalysis.CSharp.Syntax.ForEachVariableStatementSyntax variables)
                    {
                        found.AddRange(DeconstructMethods(Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetDeconstructionInfo(model, variables)).Select(m => (m, (ITypeSymbol?)null)));
                    }

                    break;
                case IUsingOperation @using:
                    found.AddRange(DisposeOf(@using.Resources, @using.IsAsynchronous, wellKnown));
                    break;
                case IUsingDeclarationOperation declaration:
                    found.AddRange(DisposeOf(declaration.DeclarationGroup, declaration.IsAsynchronous, wellKnown));
                    break;
                case IDeconstructionAssignmentOperation deconstruction when deconstruction.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax assignment:
                    found.AddRange(DeconstructMethods(Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetDeconstructionInfo(model, assignment)).Select(m => (m, (ITypeSymbol?)null)));
                    break;
                case IRecursivePatternOperation pattern:
                    Add(pattern.DeconstructSymbol, pattern.MatchedType); // x is (var a, var b): Deconstruct
                    break;
                case IAwaitOperation await when await.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.AwaitExpressionSyntax expression:
                    var awaitInfo = Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetAwaitExpressionInfo(model, expression);
                    var awaiter = awaitInfo.GetAwaiterMethod?.ReturnType;
                    Add(awaitInfo.GetAwaiterMethod, await.Operation.Type);
                    Add(awaitInfo.IsCompletedProperty, awaiter);
                    Add(awaitInfo.GetResultMethod, awaiter);
                    break;
                case IEventAssignmentOperation subscription when subscription.EventReference is IEventReferenceOperation reference:
                    Add(subscription.Adds ? reference.Event.AddMethod : reference.Event.RemoveMethod, reference.Instance?.Type);
                    break;
                case IImplicitIndexerReferenceOperation indexer:
                    Add(indexer.LengthSymbol, indexer.Instance.Type);
                    Add(indexer.IndexerSymbol, indexer.Instance.Type);
                    break;
                case IListPatternOperation list:
                    Add(list.LengthSymbol, list.InputType);
                    Add(list.IndexerSymbol, list.InputType);
                    break;
                case ISlicePatternOperation slice:
                    Add(slice.SliceSymbol, slice.InputType);
                    break;
                case IWithOperation with:
                    // A record's clone: the compiler's <Clone>$ calls the copy constructor, which may be written by hand.
                    Add(with.CloneMethod, with.Operand.Type);
                    if (with.Operand.Type is INamedTypeSymbol { IsRecord: true } record)
                    {
                        foreach (var copy in record.InstanceConstructors.Where(c => c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, record)))
                        {
                            Add(copy, null);
                        }
                    }

                    break;
                case ICollectionExpressionOperation collection:
                    Add(collection.ConstructMethod, null);
                    if (collection.Type is INamedTypeSymbol { DeclaringSyntaxReferences.Length: > 0 } target && collection.ConstructMethod is IMethodSymbol { MethodKind: MethodKind.Constructor })
                    {
                        foreach (var add in target.GetMembers("Add").OfType<IMethodSymbol>().Where(m => !m.IsStatic && m.Parameters.Length == 1))
                        {
                            Add(add, target);
                        }
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, OperatorMethod: null } concat:
                    // "text" + value calls value.ToString()
                    found.AddRange(wellKnown.Formatting(Markers.Unconverted(concat.LeftOperand).Type));
                    found.AddRange(wellKnown.Formatting(Markers.Unconverted(concat.RightOperand).Type));
                    break;
                case IInterpolationOperation hole:
                    // $"{value}" formats value: ToString, or IFormattable.ToString, or ISpanFormattable.TryFormat
                    found.AddRange(wellKnown.Formatting(Markers.Unconverted(hole.Expression).Type));
                    break;
                case IInterpolatedStringAppendOperation { Kind: OperationKind.InterpolatedStringAppendFormatted, AppendCall: IInvocationOperation { Arguments.Length: > 0 } append }:
                    // the same hole, lowered to an interpolated string handler's AppendFormatted(value)
                    found.AddRange(wellKnown.Formatting(Markers.Unconverted(append.Arguments[0].Value).Type));
                    break;
            }

            return found;
        }

        private static IEnumerable<IMethodSymbol> DeconstructMethods(Microsoft.CodeAnalysis.CSharp.DeconstructionInfo info)
        {
            if (info.Method is { } method)
            {
                yield return method;
            }

            foreach (var nested in info.Nested)
            {
                foreach (var m in DeconstructMethods(nested))
                {
                    yield return m;
                }
            }
        }

        /// <summary>
        /// The Dispose (or DisposeAsync) a using statement or declaration calls on each resource: the interface method,
        /// dispatched on the resource's type, or a ref struct's own Dispose.
        /// </summary>
        private static IEnumerable<(IMethodSymbol, ITypeSymbol?)> DisposeOf(IOperation resources, bool asynchronous, WellKnownMethods wellKnown)
        {
            IEnumerable<ITypeSymbol?> types = resources switch
            {
                IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).Select(d => (ITypeSymbol?)d.Symbol.Type),
                IVariableDeclarationOperation declaration => declaration.Declarators.Select(d => (ITypeSymbol?)d.Symbol.Type),
                _ => new[] { resources.Type },
            };
            foreach (var type in types)
            {
                if (type is null)
                {
                    continue;
                }

                if (type.IsRefLikeType)
                {
                    foreach (var m in type.GetMembers(asynchronous ? "DisposeAsync" : "Dispose").OfType<IMethodSymbol>().Where(m => m.Parameters.Length == 0))
                    {
                        yield return (m, type);
                    }
                }
                else if ((asynchronous ? wellKnown.DisposeAsync : wellKnown.Dispose) is { } dispose)
                {
                    yield return (dispose, type);
                }
            }
        }

        /// <summary>
        /// The receiver's static type of a call that can dispatch on it, and whether it does: not for <c>base.M()</c>
        /// (the compiler calls that body), and not for static members, constructors or operators.
        /// </summary>
        private static (ITypeSymbol? Receiver, bool Virtual) Receiver(IOperation operation) => operation switch
        {
            IInvocationOperation { ConstrainedToType: { } constrained } => (constrained, true), // T.Create(): a static abstract member
            IInvocationOperation i => (i.Instance?.Type, i.IsVirtual),
            IMethodReferenceOperation { ConstrainedToType: { } constrained } => (constrained, true),
            IMethodReferenceOperation r => (r.Instance?.Type, r.IsVirtual),
            IPropertyReferenceOperation { ConstrainedToType: { } constrained } => (constrained, true),
            IPropertyReferenceOperation p => (p.Instance?.Type, p.Instance is not null && p.Instance.Syntax is not Microsoft.CodeAnalysis.CSharp.Syntax.BaseExpressionSyntax),
            IBinaryOperation { ConstrainedToType: { } constrained } => (constrained, true), // a + b on T : IAdditionOperators<...>
            IUnaryOperation { ConstrainedToType: { } constrained } => (constrained, true),
            IConversionOperation { ConstrainedToType: { } constrained } => (constrained, true),
            ICompoundAssignmentOperation { ConstrainedToType: { } constrained } => (constrained, true),
            IIncrementOrDecrementOperation { ConstrainedToType: { } constrained } => (constrained, true),
            _ => (null, false),
        };

        /// <summary>MG1008: an entry point (method, accessor, lambda or local function) that opts in without a reason.</summary>
        private static void CheckOptIn(IMethodSymbol method, bool isGeneratedCode, Markers markers, System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
        {
            if (isGeneratedCode)
            {
                return; // a generated opt-in without a reason repeats the declaration's MG1002/MG1003
            }

            if (markers.IsEntryPoint(method) && markers.BatchStatisticsAttribute(method) is { } attribute && Markers.Reason(attribute) is null)
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? method.Locations.FirstOrDefault();
                report(Diagnostic.Create(Descriptors.OptInWithoutReason, location, Display(method)));
            }
        }

        /// <summary>
        /// The rare case where the closure's shortest path from <paramref name="start"/> runs back through the entry point
        /// itself: a breadth-first search that never enters the entry point, over the nodes the closure says can reach
        /// batch statistics at all (so it touches no other part of the graph).
        /// </summary>
        private static List<object>? FindPath(object start, IMethodSymbol entry, CallGraph graph, Markers markers, Reachability reach)
        {
            if (!reach.Reaches(start))
            {
                return null;
            }

            var previous = new Dictionary<object, object?>(NodeComparer.Instance) { [start] = null, [entry] = null };
            var queue = new Queue<object>();
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (Reachability.IsSink(node, markers))
                {
                    var path = new List<object>();
                    for (object? n = node; n is not null; n = previous[n])
                    {
                        path.Insert(0, n);
                    }

                    return path;
                }

                if (!graph.Successors.TryGetValue(node, out var calls))
                {
                    continue;
                }

                foreach (var (callee, _, _) in calls)
                {
                    if (reach.Reaches(callee) && !previous.ContainsKey(callee))
                    {
                        previous[callee] = node;
                        queue.Enqueue(callee);
                    }
                }
            }

            return null;
        }

        private static string Display(ISymbol symbol) => symbol switch
        {
            IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } m => "lambda in " + Display(m.ContainingSymbol),
            IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet } m => m.AssociatedSymbol!.ContainingType.Name + "." + m.AssociatedSymbol.Name,
            IMethodSymbol { MethodKind: MethodKind.EventAdd or MethodKind.EventRemove } m => m.AssociatedSymbol!.ContainingType.Name + "." + m.AssociatedSymbol.Name + (m.MethodKind == MethodKind.EventAdd ? " (add)" : " (remove)"),
            IMethodSymbol { MethodKind: MethodKind.Constructor } m => "new " + m.ContainingType.Name,
            IMethodSymbol { MethodKind: MethodKind.LocalFunction } m => m.Name + " (local function in " + Display(m.ContainingSymbol) + ")",
            _ => (symbol.ContainingType is { } t ? t.Name + "." : string.Empty) + symbol.Name,
        };
    }
}
