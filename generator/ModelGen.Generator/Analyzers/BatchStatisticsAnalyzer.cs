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
                var edges = new ConcurrentDictionary<IMethodSymbol, ConcurrentQueue<(IMethodSymbol Callee, Location Location)>>(SymbolEqualityComparer.Default);
                var entryPoints = new ConcurrentDictionary<IMethodSymbol, byte>(SymbolEqualityComparer.Default);
                var types = new ConcurrentQueue<INamedTypeSymbol>();

                start.RegisterSymbolAction(s => types.Enqueue((INamedTypeSymbol)s.Symbol), SymbolKind.NamedType);
                start.RegisterSymbolAction(s => CheckOptIn(s, markers), SymbolKind.Method);

                start.RegisterOperationAction(
                    op =>
                    {
                        var operation = op.Operation;
                        if (Markers.IsUnreachable(operation) || Markers.Owner(operation, op.ContainingSymbol) is not IMethodSymbol owner)
                        {
                            return;
                        }

                        owner = Markers.Node(owner);
                        var callee = operation is IAnonymousFunctionOperation lambda ? lambda.Symbol : Markers.Target(operation);
                        if (callee is null)
                        {
                            return;
                        }

                        edges.GetOrAdd(owner, _ => new ConcurrentQueue<(IMethodSymbol, Location)>()).Enqueue((Markers.Node(callee), operation.Syntax.GetLocation()));
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

                start.RegisterCompilationEndAction(end =>
                {
                    var implementations = Implementations(types.ToArray(), edges.Keys.Concat(edges.Values.SelectMany(q => q.Select(e => e.Callee))));
                    var reach = Reachability.Compute(edges, implementations, markers);
                    foreach (var entry in entryPoints.Keys)
                    {
                        if (markers.HasOptIn(entry) || !edges.TryGetValue(entry, out var first))
                        {
                            continue;
                        }

                        // From each call site of the entry point, the shortest path to batch statistics, read off the
                        // closure computed once for the compilation.
                        var reported = new HashSet<Location>();
                        foreach (var (callee, location) in first)
                        {
                            if (markers.IsBatchStatistics(callee) || !reported.Add(location))
                            {
                                continue; // direct calls are MG1007's
                            }

                            var path = reach.PathFrom(callee, avoiding: entry) ?? FindPath(callee, entry, edges, implementations, markers, reach);
                            if (path is not null)
                            {
                                string chain = string.Join(" -> ", new[] { entry }.Concat(path).Select(Display));
                                end.ReportDiagnostic(Diagnostic.Create(Descriptors.InferencePathReachesBatchStatistics, location, Display(entry), Display(path[path.Count - 1]), chain));
                            }
                        }
                    }
                });
            });
        }

        private static void CheckOptIn(SymbolAnalysisContext context, Markers markers)
        {
            var method = (IMethodSymbol)context.Symbol;
            if (context.IsGeneratedCode)
            {
                return; // a generated opt-in without a reason repeats the declaration's MG1002/MG1003
            }

            if (markers.IsEntryPoint(method) && markers.BatchStatisticsAttribute(method) is { } attribute && Markers.Reason(attribute) is null)
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? method.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.OptInWithoutReason, location, Display(method)));
            }
        }

        /// <summary>
        /// The rare case where the closure's shortest path from <paramref name="start"/> runs back through the entry point
        /// itself: a breadth-first search that never enters the entry point, over the nodes the closure says can reach
        /// batch statistics at all (so it touches no other part of the graph).
        /// </summary>
        private static List<IMethodSymbol>? FindPath(
            IMethodSymbol start,
            IMethodSymbol entry,
            ConcurrentDictionary<IMethodSymbol, ConcurrentQueue<(IMethodSymbol Callee, Location Location)>> edges,
            Dictionary<IMethodSymbol, List<IMethodSymbol>> implementations,
            Markers markers,
            Reachability reach)
        {
            if (!reach.Reaches(start))
            {
                return null;
            }

            var previous = new Dictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default) { [start] = null, [entry] = null };
            var queue = new Queue<IMethodSymbol>();
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (markers.IsBatchStatistics(node))
                {
                    var path = new List<IMethodSymbol>();
                    for (IMethodSymbol? n = node; n is not null; n = previous[n])
                    {
                        path.Insert(0, n);
                    }

                    return path;
                }

                var next = edges.TryGetValue(node, out var calls) ? calls.Select(c => c.Callee) : Enumerable.Empty<IMethodSymbol>();
                if (implementations.TryGetValue(node, out var impls))
                {
                    next = next.Concat(impls);
                }

                foreach (var callee in next)
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

        /// <summary>Overrides and interface implementations in the compilation of every virtual, abstract or interface method called.</summary>
        private static Dictionary<IMethodSymbol, List<IMethodSymbol>> Implementations(IReadOnlyList<INamedTypeSymbol> types, IEnumerable<IMethodSymbol> called)
        {
            var result = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            var targets = new HashSet<IMethodSymbol>(called.Where(m => m.IsVirtual || m.IsAbstract || m.IsOverride || m.ContainingType?.TypeKind == TypeKind.Interface), SymbolEqualityComparer.Default);
            if (targets.Count == 0)
            {
                return result;
            }

            void Add(IMethodSymbol target, IMethodSymbol implementation)
            {
                if (!result.TryGetValue(target, out var list))
                {
                    result[target] = list = new List<IMethodSymbol>();
                }

                list.Add(Markers.Node(implementation));
            }

            foreach (var type in types)
            {
                foreach (var member in type.GetMembers().OfType<IMethodSymbol>())
                {
                    for (var overridden = member.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                    {
                        if (targets.Contains(overridden.OriginalDefinition))
                        {
                            Add(overridden.OriginalDefinition, member);
                        }
                    }
                }

                foreach (var iface in type.AllInterfaces)
                {
                    foreach (var member in iface.GetMembers().OfType<IMethodSymbol>())
                    {
                        if (targets.Contains(member.OriginalDefinition) && type.FindImplementationForInterfaceMember(member) is IMethodSymbol impl)
                        {
                            Add(member.OriginalDefinition, impl);
                        }
                    }
                }
            }

            return result;
        }

        private static string Display(ISymbol symbol) => symbol switch
        {
            IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } m => "lambda in " + Display(m.ContainingSymbol),
            IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet } m => m.AssociatedSymbol!.ContainingType.Name + "." + m.AssociatedSymbol.Name,
            IMethodSymbol { MethodKind: MethodKind.Constructor } m => "new " + m.ContainingType.Name,
            IMethodSymbol { MethodKind: MethodKind.LocalFunction } m => m.Name + " (local function in " + Display(m.ContainingSymbol) + ")",
            _ => (symbol.ContainingType is { } t ? t.Name + "." : string.Empty) + symbol.Name,
        };
    }
}
