using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// Reads ModelGen attributes off symbols into plain values: the one place attribute data is decoded, used by the
    /// generator's parser and by the model-rules analyzer alike.
    /// </summary>
    internal static class AttributeReader
    {
        /// <summary>The namespace every ModelGen attribute lives in, with the trailing dot.</summary>
        public const string Namespace = "ModelGen.";

        /// <summary>The attribute's metadata name (<c>ModelGen.DenseAttribute</c>), or null when unresolved.</summary>
        public static string? Name(AttributeData attribute) => attribute.AttributeClass?.ToDisplayString();

        /// <summary>Where the attribute is written, as a value.</summary>
        public static LocationInfo? Location(AttributeData attribute, CancellationToken cancellationToken) =>
            LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());

        /// <summary>The arguments of an attribute as plain values; <paramref name="kindName"/> and <paramref name="index"/> name a layer in messages.</summary>
        public static AttributeArguments Arguments(AttributeData attribute, string kindName, int index, LocationInfo? location, Action<DiagnosticInfo>? report) => new(
            kindName,
            index,
            attribute.ConstructorArguments.Select(Value).ToArray(),
            attribute.NamedArguments.Select(p => new KeyValuePair<string, object?>(p.Key, Value(p.Value))).ToArray(),
            location,
            report);

        /// <summary>An <c>int</c> or <c>params int[]</c> argument as an array (empty when null, absent or mistyped).</summary>
        public static int[] Ints(TypedConstant constant)
        {
            if (constant.Kind == TypedConstantKind.Array)
            {
                return constant.IsNull ? Array.Empty<int>() : constant.Values.Select(v => v.Value is int i ? i : 0).ToArray();
            }

            return constant.Kind != TypedConstantKind.Error && constant.Value is int single ? new[] { single } : Array.Empty<int>();
        }

        /// <summary>The value of a constant: null for an error, an <see cref="AttributeArguments.ArrayValue"/> for an array.</summary>
        private static object? Value(TypedConstant constant) => constant.Kind switch
        {
            TypedConstantKind.Error => null,
            TypedConstantKind.Array => constant.IsNull ? null : new AttributeArguments.ArrayValue(constant.Values.Select(Value).ToArray()),
            _ => constant.Value,
        };
    }
}
