using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// Turns a [Model] class (syntax and symbols) into an equatable <see cref="ModelSpec"/> plus diagnostics.
    /// This is the only place that touches symbols. It never throws on user input: every problem becomes a diagnostic.
    /// </summary>
    internal static class Parser
    {
        /// <summary>The largest layer width supported (activations live in stack buffers of this many floats).</summary>
        public const int MaxWidth = 16384;

        private const string Ns = "ModelGen.";

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax classSyntax)
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var classLocation = LocationInfo.From(classSyntax.Identifier.GetLocation());
            string className = type.Name;

            void Report(DiagnosticDescriptor d, LocationInfo? at, params string[] args) =>
                diagnostics.Add(new DiagnosticInfo(d, at ?? classLocation, args.ToEquatableArray()));

            if (!classSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                Report(Descriptors.ModelNotPartial, classLocation, className);
            }

            if (type.ContainingType is not null)
            {
                Report(Descriptors.UnsupportedClass, classLocation, className, "nested in '" + type.ContainingType.Name + "'");
            }
            else if (type.IsGenericType)
            {
                Report(Descriptors.UnsupportedClass, classLocation, className, "generic");
            }
            else if (type.IsStatic)
            {
                Report(Descriptors.UnsupportedClass, classLocation, className, "static");
            }

            int[]? inputShape = null;
            var layerAttributes = new List<(LayerKind Kind, AttributeData Data, LocationInfo? Location)>();
            AttributeData? lossAttribute = null;
            var optimizerAttributes = new List<AttributeData>();
            bool hasErrors = false;

            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name is null || !name.StartsWith(Ns, StringComparison.Ordinal))
                {
                    continue;
                }

                var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
                if (attribute.AttributeConstructor is null)
                {
                    // The compiler reports the bad attribute arguments; generate nothing until they are fixed.
                    hasErrors = true;
                    continue;
                }

                switch (name.Substring(Ns.Length))
                {
                    case "InputAttribute":
                        if (inputShape is not null)
                        {
                            Report(Descriptors.RepeatedInput, location, className);
                            break;
                        }

                        inputShape = ReadInts(attribute.ConstructorArguments.FirstOrDefault());
                        if (inputShape.Length == 0)
                        {
                            Report(Descriptors.NonPositiveSize, location, "The input shape of '" + className + "'", "empty");
                        }

                        for (int i = 0; i < inputShape.Length; i++)
                        {
                            if (inputShape[i] <= 0)
                            {
                                Report(Descriptors.NonPositiveSize, location, $"Input dimension {i} of '{className}'", Num(inputShape[i]));
                            }
                        }

                        break;
                    case "LossAttribute":
                        if (lossAttribute is not null)
                        {
                            Report(Descriptors.MultipleLosses, location, className);
                        }

                        lossAttribute = attribute;
                        break;
                    case "SgdAttribute":
                    case "AdamAttribute":
                        optimizerAttributes.Add(attribute);
                        break;
                    default:
                        var kind = LayerKindOf(name.Substring(Ns.Length));
                        if (kind is not null)
                        {
                            layerAttributes.Add((kind.Value, attribute, location));
                        }

                        break;
                }
            }

            if (hasErrors)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            if (inputShape is null)
            {
                Report(Descriptors.MissingInput, classLocation, className);
            }

            if (layerAttributes.Count == 0)
            {
                Report(Descriptors.NoLayers, classLocation, className);
            }

            if (CountDeclarationsWithLayers(layerAttributes) > 1)
            {
                Report(Descriptors.LayersAcrossDeclarations, classLocation, className);
            }

            // Layers: hyper-parameters, names, inferred sizes and tensor offsets.
            var layers = new List<LayerSpec>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            long width = inputShape is null ? 1 : inputShape.Aggregate(1L, (a, d) => a * Math.Max(d, 1));
            if (width > MaxWidth)
            {
                Report(Descriptors.ModelTooLarge, classLocation, $"The input size of '{className}'", Num(width), Num(MaxWidth));
                width = 1;
            }

            int paramOffset = 0, stateOffset = 0, counterIndex = 0, cacheOffset = 0;
            long totalParams = 0;
            for (int index = 0; index < layerAttributes.Count; index++)
            {
                var (kind, data, location) = layerAttributes[index];
                string what = $"{kind} layer {index}";
                string? declaredName = Named<string>(data, "Name");
                string layerName = declaredName ?? index.ToString(CultureInfo.InvariantCulture);
                int inSize = (int)width;
                int outSize = inSize;
                bool useBias = true;
                double alpha = 0, rate = 0, momentum = 0, epsilon = 0;
                bool keras = false;
                switch (kind)
                {
                    case LayerKind.Dense:
                        outSize = Arg<int>(data, 0);
                        useBias = Named<bool?>(data, "UseBias") ?? true;
                        if (outSize <= 0)
                        {
                            Report(Descriptors.NonPositiveSize, location, $"The units of {what}", Num(outSize));
                            outSize = 1;
                        }
                        else if (outSize > MaxWidth)
                        {
                            Report(Descriptors.ModelTooLarge, location, $"The units of {what}", Num(outSize), Num(MaxWidth));
                            outSize = 1;
                        }

                        break;
                    case LayerKind.LeakyReLU:
                        alpha = Arg<double>(data, 0);
                        if (!(alpha >= 0 && alpha < 1))
                        {
                            Report(Descriptors.InvalidHyperParameter, location, $"The alpha of {what}", Num(alpha), "in [0, 1)");
                        }

                        break;
                    case LayerKind.Dropout:
                        rate = Arg<double>(data, 0);
                        if (!(rate >= 0 && rate < 1))
                        {
                            Report(Descriptors.InvalidHyperParameter, location, $"The rate of {what}", Num(rate), "in [0, 1)");
                        }

                        break;
                    case LayerKind.BatchNorm:
                        int convention = Named<int?>(data, "Convention") ?? 0;
                        if (convention is not (0 or 1))
                        {
                            Report(Descriptors.InvalidHyperParameter, location, $"The Convention of {what}", Num(convention), "BatchNormConvention.PyTorch or BatchNormConvention.Keras");
                        }

                        keras = convention == 1;
                        momentum = Named<double?>(data, "Momentum") ?? double.NaN;
                        epsilon = Named<double?>(data, "Epsilon") ?? double.NaN;
                        momentum = double.IsNaN(momentum) ? (keras ? 0.99 : 0.1) : momentum;
                        epsilon = double.IsNaN(epsilon) ? (keras ? 1e-3 : 1e-5) : epsilon;
                        if (!(momentum >= 0 && momentum <= 1))
                        {
                            Report(Descriptors.InvalidHyperParameter, location, $"The Momentum of {what}", Num(momentum), "in [0, 1]");
                        }

                        if (!(epsilon > 0 && !double.IsInfinity(epsilon)))
                        {
                            Report(Descriptors.InvalidHyperParameter, location, $"The Epsilon of {what}", Num(epsilon), "positive and finite");
                        }

                        break;
                }

                bool atInference = kind switch
                {
                    LayerKind.BatchNorm => Named<bool?>(data, "UseBatchStatisticsAtInference") ?? false,
                    LayerKind.Dropout => Named<bool?>(data, "ActiveAtInference") ?? false,
                    _ => false,
                };
                string reason = Named<string>(data, "Reason") ?? string.Empty;

                if (declaredName is not null && !IsValidName(declaredName))
                {
                    Report(Descriptors.BadLayerName, location, declaredName, "is not a valid tensor-name prefix");
                }

                var layer = new LayerSpec(
                    kind, index, layerName, inSize, outSize, useBias, alpha, rate, momentum, epsilon, keras,
                    ParamOffset: paramOffset,
                    StateOffset: kind == LayerKind.BatchNorm ? stateOffset : 0,
                    CounterIndex: kind == LayerKind.BatchNorm ? counterIndex : 0,
                    CacheOffset: kind == LayerKind.BatchNorm ? cacheOffset : 0,
                    AtInference: atInference,
                    Reason: reason);
                if (layer.HasParameters && !names.Add(layerName))
                {
                    Report(Descriptors.BadLayerName, location, layerName, "is used by two layers");
                }

                totalParams += (long)inSize * outSize;
                if (totalParams > int.MaxValue / 4)
                {
                    Report(Descriptors.ModelTooLarge, location, $"The parameter count of '{className}' at {what}", Num(totalParams), Num(int.MaxValue / 4));
                    return new ParseResult(null, diagnostics.ToEquatableArray());
                }

                paramOffset += layer.ParameterCount;
                if (kind == LayerKind.BatchNorm)
                {
                    stateOffset += 2 * outSize;
                    counterIndex++;
                    cacheOffset += 2 * outSize;
                }

                layers.Add(layer);
                width = outSize;
            }

            // Loss and optimizer.
            LossKindSpec? loss = null;
            if (lossAttribute is not null)
            {
                int k = Arg<int>(lossAttribute, 0);
                var lossLocation = LocationInfo.From(lossAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
                if (k is < 0 or > 2)
                {
                    Report(Descriptors.InvalidHyperParameter, lossLocation, "The loss kind", Num(k), "a LossKind value");
                }
                else
                {
                    loss = (LossKindSpec)k;
                    var last = layers.Count > 0 ? layers[layers.Count - 1] : null;
                    string? needed = loss switch
                    {
                        LossKindSpec.CategoricalCrossEntropy => "Softmax",
                        LossKindSpec.BinaryCrossEntropy => "Sigmoid",
                        _ => null,
                    };
                    if (needed is not null && last is not null && last.Kind.ToString() != needed)
                    {
                        Report(Descriptors.LossDoesNotFitOutput, lossLocation, "LossKind." + loss, needed, className, last.Kind.ToString());
                    }
                }
            }

            OptimizerSpec? optimizer = null;
            if (optimizerAttributes.Count > 1)
            {
                Report(
                    Descriptors.MultipleOptimizers,
                    LocationInfo.From(optimizerAttributes[1].ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()),
                    className,
                    string.Join(", ", optimizerAttributes.Select(a => "[" + a.AttributeClass!.Name.Replace("Attribute", string.Empty) + "]")));
            }
            else if (optimizerAttributes.Count == 1)
            {
                optimizer = ReadOptimizer(optimizerAttributes[0], Report, cancellationToken);
            }

            if (lossAttribute is not null && optimizerAttributes.Count == 0)
            {
                Report(Descriptors.IncompleteTraining, classLocation, className, "a [Loss]", "optimizer ([Sgd] or [Adam])");
            }
            else if (lossAttribute is null && optimizerAttributes.Count > 0)
            {
                Report(Descriptors.IncompleteTraining, classLocation, className, "an optimizer", "[Loss]");
            }

            if (diagnostics.Count > 0 || inputShape is null)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            var spec = new ModelSpec(ns, className, inputShape.ToEquatableArray(), layers.ToEquatableArray(), loss, optimizer);
            return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static OptimizerSpec ReadOptimizer(AttributeData data, Action<DiagnosticDescriptor, LocationInfo?, string[]> report, CancellationToken ct)
        {
            var location = LocationInfo.From(data.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation());
            bool adam = data.AttributeClass!.Name == "AdamAttribute";
            string opt = adam ? "Adam" : "Sgd";
            double lr = Named<double?>(data, "LearningRate") ?? (adam ? 1e-3 : 0.01);
            double weightDecay = Named<double?>(data, "WeightDecay") ?? 0;
            void Check(bool ok, string property, double value, string range)
            {
                if (!ok)
                {
                    report(Descriptors.InvalidHyperParameter, location, new[] { $"{opt}.{property}", Num(value), range });
                }
            }

            Check(lr > 0 && !double.IsInfinity(lr), "LearningRate", lr, "positive and finite");
            Check(weightDecay >= 0 && !double.IsInfinity(weightDecay), "WeightDecay", weightDecay, "non-negative and finite");
            if (adam)
            {
                double b1 = Named<double?>(data, "Beta1") ?? 0.9;
                double b2 = Named<double?>(data, "Beta2") ?? 0.999;
                double eps = Named<double?>(data, "Epsilon") ?? 1e-8;
                Check(b1 >= 0 && b1 < 1, "Beta1", b1, "in [0, 1)");
                Check(b2 >= 0 && b2 < 1, "Beta2", b2, "in [0, 1)");
                Check(eps > 0 && !double.IsInfinity(eps), "Epsilon", eps, "positive and finite");
                return new OptimizerSpec(OptimizerKind.Adam, lr, 0, false, 0, b1, b2, eps, weightDecay);
            }

            double momentum = Named<double?>(data, "Momentum") ?? 0;
            bool nesterov = Named<bool?>(data, "Nesterov") ?? false;
            double decay = Named<double?>(data, "Decay") ?? 0;
            Check(momentum >= 0 && momentum < 1, "Momentum", momentum, "in [0, 1)");
            Check(decay >= 0 && !double.IsInfinity(decay), "Decay", decay, "non-negative and finite");
            Check(!nesterov || momentum > 0, "Momentum", momentum, "positive when Nesterov = true (Nesterov momentum needs a momentum)");
            return new OptimizerSpec(OptimizerKind.Sgd, lr, momentum, nesterov, decay, 0, 0, 0, weightDecay);
        }

        private static int CountDeclarationsWithLayers(List<(LayerKind Kind, AttributeData Data, LocationInfo? Location)> layers)
        {
            var spans = new HashSet<(SyntaxTree, int)>();
            foreach (var (_, data, _) in layers)
            {
                var node = data.ApplicationSyntaxReference?.GetSyntax();
                var declaration = node?.FirstAncestorOrSelf<ClassDeclarationSyntax>();
                if (declaration is not null)
                {
                    spans.Add((declaration.SyntaxTree, declaration.SpanStart));
                }
            }

            return spans.Count;
        }

        private static LayerKind? LayerKindOf(string attributeName) => attributeName switch
        {
            "DenseAttribute" => LayerKind.Dense,
            "BatchNormAttribute" => LayerKind.BatchNorm,
            "ReLUAttribute" => LayerKind.ReLU,
            "LeakyReLUAttribute" => LayerKind.LeakyReLU,
            "SigmoidAttribute" => LayerKind.Sigmoid,
            "TanhAttribute" => LayerKind.Tanh,
            "SoftmaxAttribute" => LayerKind.Softmax,
            "DropoutAttribute" => LayerKind.Dropout,
            _ => null,
        };

        private static bool IsValidName(string name) =>
            name.Length > 0 && name.All(c => c != '"' && c != '\\' && !char.IsControl(c));

        private static int[] ReadInts(TypedConstant constant)
        {
            if (constant.Kind == TypedConstantKind.Array)
            {
                return constant.IsNull ? Array.Empty<int>() : constant.Values.Select(v => v.Value is int i ? i : 0).ToArray();
            }

            return constant.Kind != TypedConstantKind.Error && constant.Value is int single ? new[] { single } : Array.Empty<int>();
        }

        private static T Arg<T>(AttributeData data, int index)
        {
            if (index < data.ConstructorArguments.Length && data.ConstructorArguments[index] is { Kind: not TypedConstantKind.Array and not TypedConstantKind.Error, Value: { } value })
            {
                return Convert<T>(value) ?? default!;
            }

            return default!;
        }

        private static T? Named<T>(AttributeData data, string name)
        {
            foreach (var pair in data.NamedArguments)
            {
                if (pair.Key == name && pair.Value is { Kind: not TypedConstantKind.Array and not TypedConstantKind.Error, Value: { } value })
                {
                    return Convert<T>(value);
                }
            }

            return default;
        }

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

        private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
