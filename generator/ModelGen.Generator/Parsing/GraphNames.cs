using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// The names a layer can refer to in <c>From</c> and in merge layers: every layer's name (declared, or its position),
    /// and <c>input</c> for the model's input. A reference must name exactly one layer, declared before the one that reads it.
    /// </summary>
    internal sealed class GraphNames
    {
        /// <summary>The name a reference uses for the model's input.</summary>
        public const string Input = "input";

        private readonly Dictionary<string, List<int>> _byName = new(StringComparer.Ordinal);

        public GraphNames(IReadOnlyList<AttributeArguments> layers)
        {
            foreach (var layer in layers)
            {
                if (!_byName.TryGetValue(layer.Name, out var list))
                {
                    _byName[layer.Name] = list = new List<int>();
                }

                list.Add(layer.Index);
            }
        }

        /// <summary>
        /// Resolves <paramref name="name"/>, read by layer <paramref name="reader"/>, to a layer index (-1 for the input), or
        /// reports MG0016 saying why it cannot (no such layer, two layers of that name, the layer itself or a later one).
        /// </summary>
        public bool TryResolve(string name, int reader, string what, string how, LocationInfo? location, Action<DiagnosticDescriptor, LocationInfo?, string[]> report, out int index)
        {
            index = -1;
            if (name == Input)
            {
                return true;
            }

            if (!_byName.TryGetValue(name, out var list))
            {
                var earlier = _byName.Where(p => p.Value.Any(i => i < reader)).Select(p => "'" + p.Key + "'").ToArray();
                report(Descriptors.BadLayerReference, location, new[] { what, how + ", but no layer is named '" + name + "'", earlier.Length == 0 ? "only \"input\" (the model's input) comes before it" : "the layers before it are " + string.Join(", ", earlier) + " (and \"input\", the model's input)" });
                return false;
            }

            if (list.Count > 1)
            {
                report(Descriptors.BadLayerReference, location, new[] { what, how + ", but layers " + string.Join(" and ", list.Select(I)) + " are both named '" + name + "'", "give each layer a name of its own" });
                return false;
            }

            index = list[0];
            if (index >= reader)
            {
                report(Descriptors.BadLayerReference, location, new[] { what, how + ", but '" + name + "' is " + (index == reader ? "this layer itself" : "layer " + I(index) + ", declared after it"), "a layer reads only layers declared before it (the declaration lists the graph in order)" });
                return false;
            }

            return true;
        }

        private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
