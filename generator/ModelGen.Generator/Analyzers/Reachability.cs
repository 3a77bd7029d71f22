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

            var order = new NodeOrder();
            var next = new Dictionary<object, object?>(NodeComparer.Instance);
            var queue = new Queue<object>();
            var sinks = nodes.Where(n => IsSink(n, markers)).ToList();
            sinks.Sort(order);
            foreach (var sink in sinks)
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

                IEnumerable<object> ordered = set;
                if (set.Count > 1)
                {
                    var list = new List<object>(set);
                    list.Sort(order);
                    ordered = list;
                }

                foreach (var caller in ordered)
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

        /// <summary>
        /// A stable order of nodes, so the search visits them the same way whatever order the analyzer saw the code in:
        /// methods declared in source by file and position (cheap), then by display string (methods from metadata,
        /// specializations of one method, dispatch nodes), computed once per node.
        /// </summary>
        private sealed class NodeOrder : IComparer<object>
        {
            private readonly Dictionary<object, string> _names = new(NodeComparer.Instance);

            public int Compare(object? x, object? y)
            {
                if (ReferenceEquals(x, y))
                {
                    return 0;
                }

                var (xPath, xStart) = Position(x);
                var (yPath, yStart) = Position(y);
                int c = string.CompareOrdinal(xPath, yPath);
                if (c == 0)
                {
                    c = xStart.CompareTo(yStart);
                }

                return c != 0 ? c : string.CompareOrdinal(Name(x!), Name(y!));
            }

            private static (string Path, int Start) Position(object? node)
            {
                var method = node as IMethodSymbol ?? (node as Dispatch)?.Method;
                return method?.Locations.FirstOrDefault() is { IsInSource: true } location
                    ? (location.SourceTree!.FilePath, location.SourceSpan.Start)
                    : (string.Empty, -1);
            }

            private string Name(object node)
            {
                if (!_names.TryGetValue(node, out var name))
                {
                    _names[node] = name = node is IMethodSymbol method ? method.ToDisplayString() : node.ToString();
                }

                return name;
            }
        }
    }
}
