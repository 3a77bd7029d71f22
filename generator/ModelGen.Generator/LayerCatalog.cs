using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ModelGen.Generator.Emit.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator
{
    /// <summary>One layer kind: the attribute that declares it, how to read it, and the emitter that generates its code.</summary>
    /// <param name="AttributeName">The attribute's metadata name, e.g. <c>ModelGen.DenseAttribute</c>.</param>
    /// <param name="KindName">The kind as users write it (<c>Dense</c>), used in messages.</param>
    /// <param name="SpecType">The spec record the reader produces.</param>
    /// <param name="Read">Reads and validates the hyper-parameters (reporting MG diagnostics) into a spec with placeholder shapes.</param>
    /// <param name="Emitter">The emitter of the spec's code.</param>
    internal sealed record LayerKind(string AttributeName, string KindName, Type SpecType, Func<AttributeArguments, LayerSpec> Read, LayerEmitter Emitter);

    /// <summary>
    /// Every layer kind ModelGen compiles, one line each. The parser, the planner, the emitters and the model-rules
    /// analyzer all find a kind here; nothing else lists layer kinds. Adding a kind: its attribute (runtime), its spec
    /// (Model/Layers), its emitter (Emit/Layers), its description type (runtime), a line here, and tests.
    /// </summary>
    internal static class LayerCatalog
    {
        public static ImmutableArray<LayerKind> Kinds { get; } = ImmutableArray.Create(
            Kind<DenseSpec>("Dense", DenseSpec.Read, DenseEmitter.Instance),
            Kind<BatchNormSpec>("BatchNorm", BatchNormSpec.Read, BatchNormEmitter.Instance),
            Kind<ActivationSpec>("ReLU", ActivationSpec.Reader(ActivationFunction.ReLU), ActivationEmitter.Instance),
            Kind<ActivationSpec>("LeakyReLU", ActivationSpec.ReadLeakyReLU, ActivationEmitter.Instance),
            Kind<ActivationSpec>("Sigmoid", ActivationSpec.Reader(ActivationFunction.Sigmoid), ActivationEmitter.Instance),
            Kind<ActivationSpec>("Tanh", ActivationSpec.Reader(ActivationFunction.Tanh), ActivationEmitter.Instance),
            Kind<SoftmaxSpec>("Softmax", SoftmaxSpec.Read, SoftmaxEmitter.Instance),
            Kind<DropoutSpec>("Dropout", DropoutSpec.Read, DropoutEmitter.Instance),
            Kind<ActivationSpec>("GELU", ActivationSpec.Reader(ActivationFunction.GELU), ActivationEmitter.Instance),
            Kind<Conv2DSpec>("Conv2D", Conv2DSpec.Read, Conv2DEmitter.Instance),
            Kind<Pool2DSpec>("MaxPool2D", Pool2DSpec.Reader(PoolFunction.Max), Pool2DEmitter.Instance),
            Kind<Pool2DSpec>("AvgPool2D", Pool2DSpec.Reader(PoolFunction.Average), Pool2DEmitter.Instance),
            Kind<Pool2DSpec>("GlobalAvgPool", Pool2DSpec.ReadGlobal, Pool2DEmitter.Instance),
            Kind<FlattenSpec>("Flatten", FlattenSpec.Read, FlattenEmitter.Instance),
            Kind<LayerNormSpec>("LayerNorm", LayerNormSpec.Read, LayerNormEmitter.Instance),
            Kind<MergeSpec>("Add", MergeSpec.Reader(MergeFunction.Add), MergeEmitter.Instance),
            Kind<MergeSpec>("Subtract", MergeSpec.Reader(MergeFunction.Subtract), MergeEmitter.Instance),
            Kind<MergeSpec>("Multiply", MergeSpec.Reader(MergeFunction.Multiply), MergeEmitter.Instance),
            Kind<MergeSpec>("Average", MergeSpec.Reader(MergeFunction.Average), MergeEmitter.Instance),
            Kind<MergeSpec>("Maximum", MergeSpec.Reader(MergeFunction.Maximum), MergeEmitter.Instance),
            Kind<MergeSpec>("Minimum", MergeSpec.Reader(MergeFunction.Minimum), MergeEmitter.Instance),
            Kind<MergeSpec>("Concatenate", MergeSpec.Reader(MergeFunction.Concatenate), MergeEmitter.Instance));

        private static readonly Dictionary<string, LayerKind> ByAttribute = Kinds.ToDictionary(k => k.AttributeName, StringComparer.Ordinal);

        private static readonly Dictionary<Type, LayerEmitter> BySpec = Kinds.GroupBy(k => k.SpecType).ToDictionary(g => g.Key, g => g.First().Emitter);

        /// <summary>The kind declared by the attribute with this metadata name, or null when it is not a layer attribute.</summary>
        public static LayerKind? ForAttribute(string? attributeMetadataName) =>
            attributeMetadataName is not null && ByAttribute.TryGetValue(attributeMetadataName, out var kind) ? kind : null;

        /// <summary>The emitter of a spec.</summary>
        public static LayerEmitter EmitterFor(LayerSpec spec) =>
            BySpec.TryGetValue(spec.GetType(), out var emitter) ? emitter : throw new InvalidOperationException("No emitter for " + spec.GetType().Name + "; add it to LayerCatalog.");

        private static LayerKind Kind<TSpec>(string name, Func<AttributeArguments, LayerSpec> read, LayerEmitter emitter)
            where TSpec : LayerSpec => new("ModelGen." + name + "Attribute", name, typeof(TSpec), read, emitter);
    }
}
