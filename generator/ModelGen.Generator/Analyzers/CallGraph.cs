using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>One call site as the analyzer records it, before the call graph resolves where it can go.</summary>
    internal readonly struct Call
    {
        public Call(IMethodSymbol callee, Location location, ITypeSymbol? receiver = null, IMethodSymbol? bound = null, ISymbol? holder = null)
        {
            Callee = callee;
            Location = location;
            Receiver = receiver;
            Bound = bound;
            Holder = holder;
        }

        /// <summary>The method named by the call (its original definition: the node it stands for when nothing narrows it).</summary>
        public IMethodSymbol Callee { get; }

        /// <summary>Where the call is written (MG1001 is reported there).</summary>
        public Location Location { get; }

        /// <summary>The static type of the receiver when the call dispatches on the receiver's runtime type (virtual, interface).</summary>
        public ITypeSymbol? Receiver { get; }

        /// <summary>The callee with its type arguments as bound at the call, when it or its type is generic (for specialization).</summary>
        public IMethodSymbol? Bound { get; }

        /// <summary>The local or field the receiver is read from, when the call dispatches (see <see cref="Holders"/>).</summary>
        public ISymbol? Holder { get; }

        /// <summary>
        /// A call of <paramref name="method"/> on a receiver of static type <paramref name="receiver"/>: a dispatch on the
        /// runtime type when the method is virtual, abstract, an override or an interface member and the call is not
        /// <c>base.M()</c> (<paramref name="virtualCall"/> false).
        /// </summary>
        public static Call To(IMethodSymbol method, Location location, ITypeSymbol? receiver, bool virtualCall, ISymbol? holder = null)
        {
            bool dispatches = virtualCall && receiver is not null && (!method.IsStatic || receiver is ITypeParameterSymbol)
                && (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface);
            var bound = method.ReducedFrom is not null ? method.GetConstructedReducedFrom() ?? method : method;
            bool generic = bound.IsGenericMethod || IsInGenericType(bound);
            return new Call(Markers.Node(method), location, dispatches ? receiver : null, generic ? bound : null, dispatches ? holder : null);
        }

        private static bool IsInGenericType(IMethodSymbol method)
        {
            for (var t = method.ContainingType; t is not null; t = t.ContainingType)
            {
                if (t.IsGenericType)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// A virtual or interface call on a receiver whose runtime type is not known exactly: the node stands for every
    /// implementation of <see cref="Method"/> that an object of static type <see cref="Receiver"/> can have. Calls on the
    /// same method and receiver type share it, so the graph stays linear in the number of call sites.
    /// </summary>
    internal sealed class Dispatch
    {
        public Dispatch(IMethodSymbol method, ISymbol receiver)
        {
            Method = method;
            Receiver = receiver;
        }

        public IMethodSymbol Method { get; }

        /// <summary>The receiver's static type, or the local or field whose stored objects are all known (<see cref="Holders"/>).</summary>
        public ISymbol Receiver { get; }

        public override bool Equals(object? obj) =>
            obj is Dispatch d && SymbolEqualityComparer.Default.Equals(Method, d.Method) && SymbolEqualityComparer.Default.Equals(Receiver, d.Receiver);

        public override int GetHashCode() =>
            (SymbolEqualityComparer.Default.GetHashCode(Method) * 397) ^ SymbolEqualityComparer.Default.GetHashCode(Receiver);

        public override string ToString() => "dispatch " + Method.ToDisplayString() + " on " + Receiver.ToDisplayString();
    }

    /// <summary>Compares graph nodes: symbols by <see cref="SymbolEqualityComparer.Default"/>, dispatch nodes by value.</summary>
    internal sealed class NodeComparer : IEqualityComparer<object>
    {
        public static readonly NodeComparer Instance = new();

        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

        public int GetHashCode(object obj) => obj is ISymbol s ? SymbolEqualityComparer.Default.GetHashCode(s) : obj.GetHashCode();
    }

    /// <summary>
    /// The compilation's call graph with dispatch resolved: a virtual or interface call goes to the implementations its
    /// receiver can have (the receiver's static type and the types in the compilation derived from it; exactly one when the
    /// type is a struct or sealed), not to every override in the compilation; <c>base.M()</c> goes to that body only. A call
    /// of a generic method or a member of a generic type with concrete type arguments reaches a node specialized for them,
    /// so in its body a call on a receiver of type parameter <c>T</c> resolves to that type argument's implementation. A
    /// receiver read from a local or field that only ever holds <c>new</c> objects goes to those types (<see cref="Holders"/>).
    /// Nodes are methods (original definitions, or constructed ones when specialized) and <see cref="Dispatch"/> nodes.
    /// </summary>
    internal sealed class CallGraph
    {
        private readonly Dictionary<object, List<(object Target, Location Location, IMethodSymbol Declared)>> _successors = new(NodeComparer.Instance);
        private readonly List<INamedTypeSymbol> _concreteTypes;
        private readonly Dictionary<INamedTypeSymbol, HashSet<ITypeSymbol>> _supertypes = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ITypeSymbol, List<INamedTypeSymbol>> _candidates = new(SymbolEqualityComparer.Default);
        private readonly Queue<(IMethodSymbol Node, Dictionary<ITypeParameterSymbol, ITypeSymbol> Map)> _specializations = new();

        /// <summary>
        /// Bounds on specialization: polymorphic recursion (<c>F&lt;T&gt;</c> calling <c>F&lt;List&lt;T&gt;&gt;</c>) would
        /// otherwise build ever deeper type arguments. Past them a call goes to the unspecialized node, which covers every
        /// type argument at once.
        /// </summary>
        private const int MaxTypeDepth = 4;
        private const int MaxSpecializations = 20000;
        private int _specialized;

        private readonly IReadOnlyDictionary<ISymbol, INamedTypeSymbol[]> _held;

        private CallGraph(IReadOnlyDictionary<IMethodSymbol, Call[]> calls, IEnumerable<INamedTypeSymbol> types, IReadOnlyDictionary<ISymbol, INamedTypeSymbol[]> held)
        {
            _held = held;
            _concreteTypes = types.Where(t => t.TypeKind is TypeKind.Class or TypeKind.Struct && !t.IsAbstract && !t.IsStatic).ToList();
            foreach (var type in _concreteTypes)
            {
                var set = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
                for (var t = type; t is not null; t = t.BaseType)
                {
                    set.Add(t.OriginalDefinition);
                }

                foreach (var i in type.AllInterfaces)
                {
                    set.Add(i.OriginalDefinition);
                }

                _supertypes[type] = set;
            }
        }

        /// <summary>Every node and its successors (each with the call site and the method the call names).</summary>
        public IReadOnlyDictionary<object, List<(object Target, Location Location, IMethodSymbol Declared)>> Successors => _successors;

        /// <summary>The calls written in <paramref name="method"/>, each with the node it resolved to.</summary>
        public IReadOnlyList<(object Target, Location Location, IMethodSymbol Declared)> CallsFrom(IMethodSymbol method) =>
            _successors.TryGetValue(method, out var list) ? list : (IReadOnlyList<(object, Location, IMethodSymbol)>)System.Array.Empty<(object, Location, IMethodSymbol)>();

        /// <summary>Resolves every recorded call (and the bodies of the specializations they reach).</summary>
        /// <param name="calls">The calls written (or inserted by the compiler) in each method.</param>
        /// <param name="types">The compilation's types.</param>
        /// <param name="held">Locals and fields that only ever hold objects created by <c>new</c> of these types (<see cref="Holders"/>).</param>
        public static CallGraph Build(IReadOnlyDictionary<IMethodSymbol, Call[]> calls, IEnumerable<INamedTypeSymbol> types, IReadOnlyDictionary<ISymbol, INamedTypeSymbol[]> held)
        {
            var graph = new CallGraph(calls, types, held);
            foreach (var pair in calls)
            {
                graph._successors[pair.Key] = pair.Value.Select(c => graph.Resolve(c, null)).ToList();
            }

            while (graph._specializations.Count > 0)
            {
                var (node, map) = graph._specializations.Dequeue();
                graph._successors[node] = calls.TryGetValue(Markers.Node(node), out var body)
                    ? body.Select(c => graph.Resolve(c, map)).ToList()
                    : new List<(object, Location, IMethodSymbol)>();
            }

            return graph;
        }

        /// <summary>The node a call goes to, in a body specialized by <paramref name="map"/> (null: not specialized).</summary>
        private (object Target, Location Location, IMethodSymbol Declared) Resolve(Call call, Dictionary<ITypeParameterSymbol, ITypeSymbol>? map)
        {
            object target = call.Callee;
            var bound = call.Bound;
            if (bound is not null && map is not null)
            {
                bound = Substitute(bound, map);
            }

            if (call.Receiver is not null && call.Holder is { } holder && _held.TryGetValue(holder, out var created))
            {
                target = DispatchToHeld(call.Callee, holder, created); // the receiver is one of the objects stored there
            }
            else if (call.Receiver is { } receiver)
            {
                var type = map is null ? receiver : Substitute(receiver, map) ?? receiver;
                target = DispatchTo(call.Callee, type);
            }
            else if (bound is not null && IsConcrete(bound) && !SymbolEqualityComparer.Default.Equals(bound, bound.OriginalDefinition)
                && Depth(bound) <= MaxTypeDepth && _specialized < MaxSpecializations)
            {
                // A generic method (or a member of a generic type) with concrete type arguments: its own node, whose body
                // is resolved with the type parameters replaced.
                target = bound;
                if (!_successors.ContainsKey(bound))
                {
                    _successors[bound] = new List<(object, Location, IMethodSymbol)>(); // claimed; filled when dequeued
                    _specializations.Enqueue((bound, MapOf(bound)));
                    _specialized++;
                }
            }

            return (target, call.Location, call.Callee);
        }

        /// <summary>The node for a call of <paramref name="method"/> on a receiver of static type <paramref name="receiver"/>.</summary>
        private object DispatchTo(IMethodSymbol method, ITypeSymbol receiver)
        {
            if (receiver is INamedTypeSymbol { TypeKind: TypeKind.Struct } or INamedTypeSymbol { IsSealed: true, TypeKind: TypeKind.Class })
            {
                return Implementation(method, (INamedTypeSymbol)receiver) ?? method; // exactly one runtime type
            }

            var node = new Dispatch(method, receiver);
            if (_successors.ContainsKey(node))
            {
                return node;
            }

            var targets = new List<(object, Location, IMethodSymbol)>();
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var type in Candidates(receiver, method))
            {
                if (Implementation(method, type) is { } implementation && seen.Add(implementation))
                {
                    targets.Add((implementation, Location.None, method));
                }
            }

            // The declaration itself when it has no body (a marked interface member or abstract method is a batch-statistics
            // member for every implementation, including those outside the compilation), or when nothing else was found.
            if ((method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface || targets.Count == 0) && seen.Add(method))
            {
                targets.Add((method, Location.None, method));
            }

            _successors[node] = targets;
            return node;
        }

        /// <summary>The node for a call on a local or field that only ever holds objects created as <paramref name="created"/>.</summary>
        private object DispatchToHeld(IMethodSymbol method, ISymbol holder, INamedTypeSymbol[] created)
        {
            if (created.Length == 1)
            {
                return Implementation(method, created[0]) ?? method;
            }

            var node = new Dispatch(method, holder);
            if (!_successors.ContainsKey(node))
            {
                _successors[node] = created.Select(t => Implementation(method, t) ?? method).Distinct(SymbolEqualityComparer.Default)
                    .Select(m => ((object)m!, Location.None, method)).ToList();
            }

            return node;
        }

        /// <summary>
        /// The concrete types an object of static type <paramref name="receiver"/> can have: the types of the compilation
        /// derived from it (or implementing it), and the type itself when it can be created. A type parameter stands for
        /// the types that satisfy all its constraints (or, without any, all types that have <paramref name="method"/>).
        /// </summary>
        private List<INamedTypeSymbol> Candidates(ITypeSymbol receiver, IMethodSymbol method)
        {
            if (_candidates.TryGetValue(receiver, out var cached))
            {
                return cached;
            }

            IEnumerable<ITypeSymbol> required = receiver is ITypeParameterSymbol parameter
                ? parameter.ConstraintTypes.Where(c => c is INamedTypeSymbol).Select(c => c.OriginalDefinition)
                : new[] { receiver.OriginalDefinition };
            var all = required.ToList();
            if (all.Count == 0 && method.ContainingType is { } declaring)
            {
                all.Add(declaring.OriginalDefinition);
            }

            var result = _concreteTypes.Where(t => all.All(r => _supertypes[t].Contains(r))).ToList();
            if (receiver is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsAbstract: false } named && !result.Contains(named.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                result.Add(named);
            }

            _candidates[receiver] = result;
            return result;
        }

        /// <summary>The member of <paramref name="type"/> that a call of <paramref name="method"/> runs on an instance of it.</summary>
        private static IMethodSymbol? Implementation(IMethodSymbol method, INamedTypeSymbol type)
        {
            if (method.ContainingType is { TypeKind: TypeKind.Interface } iface)
            {
                foreach (var implemented in type.AllInterfaces)
                {
                    if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, iface.OriginalDefinition))
                    {
                        continue;
                    }

                    foreach (var member in implemented.GetMembers(method.Name).OfType<IMethodSymbol>())
                    {
                        if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, method) && type.FindImplementationForInterfaceMember(member) is IMethodSymbol found)
                        {
                            return Markers.Node(found);
                        }
                    }
                }

                return null;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(method.Name).OfType<IMethodSymbol>())
                {
                    for (IMethodSymbol? m = member; m is not null; m = m.OverriddenMethod)
                    {
                        if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method))
                        {
                            return Markers.Node(member);
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>The type parameters of a constructed method and of its containing types, each with its argument.</summary>
        private static Dictionary<ITypeParameterSymbol, ITypeSymbol> MapOf(IMethodSymbol method)
        {
            var map = new Dictionary<ITypeParameterSymbol, ITypeSymbol>(SymbolEqualityComparer.Default);
            for (int i = 0; i < method.TypeArguments.Length; i++)
            {
                map[method.OriginalDefinition.TypeParameters[i]] = method.TypeArguments[i];
            }

            for (var t = method.ContainingType; t is not null; t = t.ContainingType)
            {
                for (int i = 0; i < t.TypeArguments.Length; i++)
                {
                    map[t.OriginalDefinition.TypeParameters[i]] = t.TypeArguments[i];
                }
            }

            return map;
        }

        /// <summary>The type arguments of the method and of its containing types.</summary>
        private static IEnumerable<ITypeSymbol> AllTypeArguments(IMethodSymbol method)
        {
            var all = method.TypeArguments.AsEnumerable();
            for (var t = method.ContainingType; t is not null; t = t.ContainingType)
            {
                all = all.Concat(t.TypeArguments);
            }

            return all;
        }

        /// <summary>Whether no type argument of the method or its containing types is (or contains) a type parameter.</summary>
        private static bool IsConcrete(IMethodSymbol method) => !AllTypeArguments(method).Any(ContainsTypeParameter);

        /// <summary>How deeply type arguments nest in the method's and its types' type arguments (<c>List&lt;int&gt;</c>: 2).</summary>
        private static int Depth(IMethodSymbol method) => AllTypeArguments(method).Select(Depth).DefaultIfEmpty(0).Max();

        private static int Depth(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol a => 1 + Depth(a.ElementType),
            INamedTypeSymbol n => 1 + n.TypeArguments.Select(Depth).DefaultIfEmpty(0).Max(),
            _ => 1,
        };

        private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            IArrayTypeSymbol a => ContainsTypeParameter(a.ElementType),
            INamedTypeSymbol n => n.TypeArguments.Any(ContainsTypeParameter) || (n.ContainingType is { } c && ContainsTypeParameter(c)),
            _ => false,
        };

        /// <summary>The type with the mapped type parameters replaced, or null when it cannot be rebuilt (a generic nested in a generic).</summary>
        private static ITypeSymbol? Substitute(ITypeSymbol type, Dictionary<ITypeParameterSymbol, ITypeSymbol> map)
        {
            switch (type)
            {
                case ITypeParameterSymbol p:
                    return map.TryGetValue(p, out var argument) ? argument : p;
                case INamedTypeSymbol { IsGenericType: true } n when n.TypeArguments.Any(ContainsTypeParameter):
                    if (n.ContainingType is { } outer && ContainsTypeParameter(outer))
                    {
                        return null;
                    }

                    if (SubstituteAll(n.TypeArguments, map) is not { } arguments)
                    {
                        return null;
                    }

                    return n.OriginalDefinition.Construct(arguments);
                default:
                    return type;
            }
        }

        /// <summary>Each type with the mapped type parameters replaced, or null when one cannot be rebuilt.</summary>
        private static ITypeSymbol[]? SubstituteAll(System.Collections.Immutable.ImmutableArray<ITypeSymbol> types, Dictionary<ITypeParameterSymbol, ITypeSymbol> map)
        {
            var result = new ITypeSymbol[types.Length];
            for (int i = 0; i < result.Length; i++)
            {
                if (Substitute(types[i], map) is not { } substituted)
                {
                    return null;
                }

                result[i] = substituted;
            }

            return result;
        }

        /// <summary>The method with the mapped type parameters replaced in its type and type arguments (the method itself if it cannot be rebuilt).</summary>
        private static IMethodSymbol Substitute(IMethodSymbol method, Dictionary<ITypeParameterSymbol, ITypeSymbol> map)
        {
            var result = method;
            if (method.ContainingType is { } type && Substitute(type, map) is INamedTypeSymbol substituted && !SymbolEqualityComparer.Default.Equals(substituted, type))
            {
                var member = substituted.GetMembers(method.Name).OfType<IMethodSymbol>()
                    .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method.OriginalDefinition));
                if (member is null)
                {
                    return method;
                }

                result = member;
            }

            if (method.IsGenericMethod)
            {
                if (SubstituteAll(method.TypeArguments, map) is not { } arguments)
                {
                    return method;
                }

                result = result.ConstructedFrom.Construct(arguments);
            }

            return result;
        }
    }

    /// <summary>
    /// What objects a local or field can hold, so a call on it dispatches to what was really stored rather than to every
    /// implementation of its static type (<c>IScorer scorer = new RowScorer(); scorer.Score(x)</c>). A holder qualifies when
    /// every value ever stored in it in the compilation is a <c>new</c> expression (through conversions, <c>?:</c> and
    /// <c>??</c>; <c>null</c> stores nothing): a local declared by a plain declaration, or a field that code outside the
    /// compilation cannot write (private, internal or readonly). Passing it by <c>ref</c> or <c>out</c>, deconstructing
    /// into it, or storing anything else (a parameter, a call's result) disqualifies it for good.
    /// </summary>
    internal sealed class Holders
    {
        private readonly ConcurrentDictionary<ISymbol, ConcurrentQueue<INamedTypeSymbol>> _created = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, byte> _unknown = new(SymbolEqualityComparer.Default);

        /// <summary>The local or field an operation reads, if it is one whose every store the analysis sees.</summary>
        public static ISymbol? Of(IOperation? operation) =>
            Markers.Unwrap(operation) switch
            {
                ILocalReferenceOperation { Local: { IsRef: false } local } when local.DeclaringSyntaxReferences.Length == 1
                    && local.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax => local,
                IFieldReferenceOperation { Field: { } field } when field.IsReadOnly || field.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal => field.OriginalDefinition,
                _ => null,
            };

        /// <summary>Records that <paramref name="value"/> is stored in <paramref name="holder"/>.</summary>
        public void Store(ISymbol holder, IOperation value)
        {
            var created = new List<INamedTypeSymbol>();
            if (Creations(value, created))
            {
                var queue = _created.GetOrAdd(holder, _ => new ConcurrentQueue<INamedTypeSymbol>());
                foreach (var type in created)
                {
                    queue.Enqueue(type);
                }
            }
            else
            {
                _unknown.TryAdd(holder, 0);
            }
        }

        /// <summary>Records that something the analysis cannot see may be stored in <paramref name="holder"/> (ref, out, deconstruction).</summary>
        public void Unknown(ISymbol holder) => _unknown.TryAdd(holder, 0);

        /// <summary>The holders whose every store is a known creation, with the types created.</summary>
        public IReadOnlyDictionary<ISymbol, INamedTypeSymbol[]> Known() =>
            _created.Where(p => !_unknown.ContainsKey(p.Key))
                .ToDictionary(p => p.Key, p => p.Value.Distinct(SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>().ToArray(), SymbolEqualityComparer.Default);

        private static bool Creations(IOperation value, List<INamedTypeSymbol> created)
        {
            switch (Markers.Unwrap(value))
            {
                case IObjectCreationOperation { Type: INamedTypeSymbol type }:
                    created.Add(type.OriginalDefinition);
                    return true;
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return Creations(conditional.WhenTrue, created) && Creations(whenFalse, created);
                case ICoalesceOperation coalesce:
                    return Creations(coalesce.Value, created) && Creations(coalesce.WhenNull, created);
                case { ConstantValue: { HasValue: true, Value: null } }:
                    return true; // null: no call runs on it
                default:
                    return false;
            }
        }
    }
}
