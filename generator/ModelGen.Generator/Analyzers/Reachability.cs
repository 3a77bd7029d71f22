using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>
    /// Which methods of a compilation reach batch statistics, and by which shortest path: computed once per compilation
    /// by one breadth-first search over the reversed call graph, starting from every batch-statistics member at once.
    /// Each method that can reach one records its distance and the next method on a shortest path, so the path from any
    /// call site is read off in its length, whatever the number of entry points and call sites.
    /// </summary>
    internal sealed class Reachability
    {
        private readonly Dictionary<IMethodSymbol, IMethodSymbol?> _next;

        private Reachability(Dictionary<IMethodSymbol, IMethodSymbol?> next) => _next = next;

        /// <summary>
        /// Builds the closure. Calls and implementation edges (a virtual or interface method to its implementations) are
        /// reversed; nodes and callers are visited in a stable order (by display string), so the path reported for a call
        /// site does not depend on the order in which the analyzer saw the code.
        /// </summary>
        public static Reachability Compute(
            ConcurrentDictionary<IMethodSymbol, ConcurrentQueue<(IMethodSymbol Callee, Location Location)>> edges,
            Dictionary<IMethodSymbol, List<IMethodSymbol>> implementations,
            Markers markers)
        {
            var callers = new Dictionary<IMethodSymbol, HashSet<IMethodSymbol>>(SymbolEqualityComparer.Default);
            var nodes = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            void Edge(IMethodSymbol from, IMethodSymbol to)
            {
                nodes.Add(from);
                nodes.Add(to);
                if (!callers.TryGetValue(to, out var set))
                {
                    callers[to] = set = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                }

                set.Add(from);
            }

            foreach (var pair in edges)
            {
                foreach (var (callee, _) in pair.Value)
                {
                    Edge(pair.Key, callee);
                }
            }

            foreach (var pair in implementations)
            {
                foreach (var implementation in pair.Value)
                {
                    Edge(pair.Key, implementation);
                }
            }

            var keys = new Dictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
            string Key(IMethodSymbol method)
            {
                if (!keys.TryGetValue(method, out var key))
                {
                    keys[method] = key = method.ToDisplayString() + "|" + (method.Locations.FirstOrDefault()?.GetLineSpan().ToString() ?? string.Empty);
                }

                return key;
            }

            var next = new Dictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default);
            var queue = new Queue<IMethodSymbol>();
            foreach (var sink in nodes.Where(markers.IsBatchStatistics).OrderBy(Key, System.StringComparer.Ordinal))
            {
                next[sink] = null;
                queue.Enqueue(sink);
            }

            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (!callers.TryGetValue(node, out var set))
                {
                    continue;
                }

                foreach (var caller in set.OrderBy(Key, System.StringComparer.Ordinal))
                {
                    if (!next.ContainsKey(caller))
                    {
                        next[caller] = node;
                        queue.Enqueue(caller);
                    }
                }
            }

            return new Reachability(next);
        }

        /// <summary>Whether <paramref name="method"/> reaches batch statistics (or is a batch-statistics member).</summary>
        public bool Reaches(IMethodSymbol method) => _next.ContainsKey(method);

        /// <summary>
        /// A shortest path from <paramref name="start"/> to a batch-statistics member (both included), or null when there
        /// is none or when it runs through <paramref name="avoiding"/> (the caller then searches around it).
        /// </summary>
        public List<IMethodSymbol>? PathFrom(IMethodSymbol start, IMethodSymbol avoiding)
        {
            if (!_next.ContainsKey(start))
            {
                return null;
            }

            var path = new List<IMethodSymbol>();
            for (IMethodSymbol? n = start; n is not null; n = _next[n])
            {
                if (SymbolEqualityComparer.Default.Equals(n, avoiding))
                {
                    return null;
                }

                path.Add(n);
            }

            return path;
        }
    }
}
