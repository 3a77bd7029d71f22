using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Analyzers
{
    /// <summary>
    /// Which nodes of a compilation's call graph reach batch statistics, and by which shortest path: computed once per
    /// compilation by one breadth-first search over the reversed graph, starting from every batch-statistics member at
    /// once. Each node that can reach one records the next node on a shortest path, so the path from any call site is
    /// read off in its length, whatever the number of entry points and call sites.
    /// </summary>
    internal sealed class Reachability
    {
        private readonly Dictionary<object, object?> _next;

        private Reachability(Dictionary<object, object?> next) => _next = next;

        /// <summary>
        /// Builds the closure. Nodes and callers are visited in a stable order (by display string), so the path reported for
        /// a call site does not depend on the order in which the analyzer saw the code.
        /// </summary>
        public static Reachability Compute(CallGraph graph, Markers markers)
        {
            var callers = new Dictionary<object, HashSet<object>>(NodeComparer.Instance);
            var nodes = new HashSet<object>(NodeComparer.Instance);
            foreach (var pair in graph.Successors)
            {
                nodes.Add(pair.Key);
                foreach (var (callee, _, _) in pair.Value)
                {
                    nodes.Add(callee);
                    if (!callers.TryGetValue(callee, out var set))
                    {
                        callers[callee] = set = new HashSet<object>(NodeComparer.Instance);
                    }

                    set.Add(pair.Key);
                }
            }

            var keys = new Dictionary<object, string>(NodeComparer.Instance);
            string Key(object node)
            {
                if (!keys.TryGetValue(node, out var key))
                {
                    keys[node] = key = node is IMethodSymbol method
                        ? method.ToDisplayString() + "|" + (method.Locations.FirstOrDefault()?.GetLineSpan().ToString() ?? string.Empty)
                        : node.ToString();
                }

                return key;
            }

            var next = new Dictionary<object, object?>(NodeComparer.Instance);
            var queue = new Queue<object>();
            foreach (var sink in nodes.Where(n => IsSink(n, markers)).OrderBy(Key, System.StringComparer.Ordinal))
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

        /// <summary>Whether the node is a batch-statistics member (a method; dispatch nodes never are themselves).</summary>
        public static bool IsSink(object node, Markers markers) => node is IMethodSymbol method && markers.IsBatchStatistics(method);

        /// <summary>Whether <paramref name="node"/> reaches batch statistics (or is a batch-statistics member).</summary>
        public bool Reaches(object node) => _next.ContainsKey(node);

        /// <summary>
        /// A shortest path from <paramref name="start"/> to a batch-statistics member (both included), or null when there
        /// is none or when it runs through <paramref name="avoiding"/> (the caller then searches around it).
        /// </summary>
        public List<object>? PathFrom(object start, IMethodSymbol avoiding)
        {
            if (!_next.ContainsKey(start))
            {
                return null;
            }

            var path = new List<object>();
            for (object? n = start; n is not null; n = _next[n])
            {
                if (NodeComparer.Instance.Equals(n, avoiding))
                {
                    return null;
                }

                path.Add(n);
            }

            return path;
        }
    }
}
