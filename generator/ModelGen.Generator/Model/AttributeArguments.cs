using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Model
{
    /// <summary>
    /// The arguments of one ModelGen attribute as plain values (no symbols): what a layer kind reads its hyper-parameters
    /// from. Built by <see cref="Parsing.AttributeReader"/> for the generator and the model-rules analyzer alike, so both
    /// read a declaration the same way. Reading never throws: a missing or mistyped argument reads as absent (the
    /// compiler reports the mistyped argument itself).
    /// </summary>
    internal sealed class AttributeArguments
    {
        /// <summary>An argument that was an array constant.</summary>
        public sealed class ArrayValue
        {
            public ArrayValue(object?[] items) => Items = items;

            public object?[] Items { get; }
        }

        private readonly object?[] _constructor;
        private readonly KeyValuePair<string, object?>[] _named;
        private readonly Action<DiagnosticInfo>? _report;

        public AttributeArguments(string kindName, int index, object?[] constructor, KeyValuePair<string, object?>[] named, LocationInfo? location, Action<DiagnosticInfo>? report)
        {
            KindName = kindName;
            Index = index;
            _constructor = constructor;
            _named = named;
            Location = location;
            _report = report;
            DeclaredName = Named<string>("Name");
            From = Named<string>("From");
            Name = DeclaredName ?? index.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>The kind as users write it (<c>Dense</c>).</summary>
        public string KindName { get; }

        /// <summary>The layer's position.</summary>
        public int Index { get; }

        /// <summary>Where the attribute is written.</summary>
        public LocationInfo? Location { get; }

        /// <summary>The <c>Name</c> the user declared, if any.</summary>
        public string? DeclaredName { get; }

        /// <summary>The <c>From</c> the user declared: the name of the earlier layer (or <c>input</c>) the layer reads, if any.</summary>
        public string? From { get; }

        /// <summary>The tensor-name prefix: the declared name, else the position (as in <c>torch.nn.Sequential</c>).</summary>
        public string Name { get; }

        /// <summary>How messages name the layer: <c>Dense layer 3</c>.</summary>
        public string What => KindName + " layer " + Index.ToString(CultureInfo.InvariantCulture);

        /// <summary>A placeholder shape for a freshly read spec; the parser infers the real shapes next.</summary>
        public static Shape Unknown { get; } = Shape.Vector(1);

        /// <summary>The constructor argument at <paramref name="index"/>, or the default when absent, an array or mistyped.</summary>
        public T Arg<T>(int index) => index < _constructor.Length && _constructor[index] is { } value and not ArrayValue ? Convert<T>(value) ?? default! : default!;

        /// <summary>
        /// The constructor argument at <paramref name="index"/> as strings: a <c>params string[]</c> argument's items, a
        /// single string as one item; null items and other types are left out (the compiler reports mistyped arguments).
        /// </summary>
        public string[] Strings(int index)
        {
            if (index >= _constructor.Length)
            {
                return Array.Empty<string>();
            }

            return _constructor[index] switch
            {
                ArrayValue array => System.Linq.Enumerable.ToArray(System.Linq.Enumerable.OfType<string>(array.Items)),
                string one => new[] { one },
                _ => Array.Empty<string>(),
            };
        }

        /// <summary>The named argument <paramref name="name"/>, or the default when absent, an array or mistyped.</summary>
        public T? Named<T>(string name)
        {
            foreach (var pair in _named)
            {
                if (pair.Key == name && pair.Value is { } value and not ArrayValue)
                {
                    return Convert<T>(value);
                }
            }

            return default;
        }

        /// <summary>Reports a diagnostic at the attribute.</summary>
        public void Report(DiagnosticDescriptor descriptor, params string[] arguments) =>
            _report?.Invoke(new DiagnosticInfo(descriptor, Location, arguments.ToEquatableArray()));

        /// <summary>Reports <see cref="Diagnostics.Descriptors.InvalidHyperParameter"/> unless <paramref name="ok"/>.</summary>
        public bool Check(bool ok, string property, double value, string range)
        {
            if (!ok)
            {
                Report(Diagnostics.Descriptors.InvalidHyperParameter, $"The {property} of {What}", Num(value), range);
            }

            return ok;
        }

        /// <summary>A number as messages write it (round-trip, invariant culture).</summary>
        public static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>An integer as messages write it.</summary>
        public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static T? Convert<T>(object value)
        {
            var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            try
            {
                return (T)System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
            {
                // The compiler reports a mistyped argument; treat it as absent.
                return default;
            }
        }
    }
}
