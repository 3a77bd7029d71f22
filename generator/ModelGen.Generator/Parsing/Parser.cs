using System;
using System.Collections.Generic;
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
    /// Turns a [Model] class (syntax and symbols) into an equatable <see cref="ModelSpec"/> plus diagnostics: reads the
    /// attributes (layer kinds through <see cref="LayerCatalog"/>), validates them and infers every layer's shapes.
    /// This is the only place the generator touches symbols. It never throws on user input: every problem becomes a diagnostic.
    /// </summary>
    internal static class Parser
    {
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
                string? name = AttributeReader.Name(attribute);
                if (name is null || !name.StartsWith(AttributeReader.Namespace, StringComparison.Ordinal))
                {
                    continue;
                }

                var location = AttributeReader.Location(attribute, cancellationToken);
                if (attribute.AttributeConstructor is null)
                {
                    // The compiler reports the bad attribute arguments; generate nothing until they are fixed.
                    hasErrors = true;
                    continue;
                }

                switch (name.Substring(AttributeReader.Namespace.Length))
                {
                    case "InputAttribute":
                        if (inputShape is not null)
                        {
                            Report(Descriptors.RepeatedInput, location, className);
                            break;
                        }

                        inputShape = AttributeReader.Ints(attribute.ConstructorArguments.FirstOrDefault());
                        if (inputShape.Length == 0)
                        {
                            Report(Descriptors.NonPositiveSize, location, "The input shape of '" + className + "'", "empty");
                        }

                        for (int i = 0; i < inputShape.Length; i++)
                        {
                            if (inputShape[i] <= 0)
                            {
                                Report(Descriptors.NonPositiveSize, location, $"Input dimension {i} of '{className}'", AttributeArguments.Num(inputShape[i]));
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
                    case "AdamWAttribute":
                    case "RmsPropAttribute":
                        optimizerAttributes.Add(attribute);
                        break;
                    default:
                        if (LayerCatalog.ForAttribute(name) is { } kind)
                        {
                            layerAttributes.Add((kind, attribute, location));
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

            // Layers: hyper-parameters (read and checked by each kind), names and inferred shapes.
            var layers = new List<LayerSpec>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var shape = inputShape is null || inputShape.Length == 0 ? Shape.Vector(1) : Shape.Of(inputShape.Select(d => Math.Max(d, 1)).ToArray());
            if (shape.LongSize > Limits.MaxWidth)
            {
                Report(Descriptors.ModelTooLarge, classLocation, $"The input size of '{className}'", AttributeArguments.Num(shape.LongSize), AttributeArguments.Num(Limits.MaxWidth));
                shape = Shape.Vector(1);
            }

            long totalParams = 0;
            var inputShape0 = shape;
            var graph = new GraphNames(layerAttributes.Select((a, i) => AttributeReader.Arguments(a.Data, a.Kind.KindName, i, a.Location, null)).ToArray());
            for (int index = 0; index < layerAttributes.Count; index++)
            {
                var (kind, data, location) = layerAttributes[index];
                var arguments = AttributeReader.Arguments(data, kind.KindName, index, location, diagnostics.Add);
                var layer = kind.Read(arguments);

                // The layers it reads: the previous one, or the one named by From; a merge adds the layers it names.
                var inputs = new List<int>();
                if (arguments.From is { } from)
                {
                    if (layer is MergeSpec)
                    {
                        Report(Descriptors.FromOnMerge, location, arguments.What, from);
                        return new ParseResult(null, diagnostics.ToEquatableArray());
                    }

                    if (!graph.TryResolve(from, index, arguments.What, "has From = \"" + from + "\"", location, Report, out int source))
                    {
                        return new ParseResult(null, diagnostics.ToEquatableArray());
                    }

                    inputs.Add(source);
                }
                else
                {
                    inputs.Add(index - 1);
                }

                if (layer is MergeSpec merge)
                {
                    foreach (var other in merge.Others)
                    {
                        if (!graph.TryResolve(other, index, arguments.What, "merges \"" + other + "\"", location, Report, out int source))
                        {
                            return new ParseResult(null, diagnostics.ToEquatableArray());
                        }

                        inputs.Add(source);
                    }

                    if (merge.Others.Count == 0)
                    {
                        return new ParseResult(null, diagnostics.ToEquatableArray());
                    }
                }

                shape = inputs[0] < 0 ? inputShape0 : layers[inputs[0]].Output;
                if (layer is MergeSpec m)
                {
                    var shapes = inputs.Select(i => i < 0 ? inputShape0 : layers[i].Output).ToArray();
                    var inputNames = inputs.Select(i => i < 0 ? "input" : layers[i].Name).ToArray();
                    inputNames[0] = inputs[0] < 0 ? "the input" : "'" + inputNames[0] + "'";
                    if (m.CheckShapes(shapes, inputNames) is { } mismatch)
                    {
                        Report(Descriptors.MergeShapesDiffer, location, arguments.What, mismatch);
                        return new ParseResult(null, diagnostics.ToEquatableArray());
                    }

                    layer = layer with { Input = shape, Output = m.Merged(shapes), Inputs = inputs.ToEquatableArray() };
                }
                else
                {
                    if (layer.CheckInput(shape) is { } problem)
                    {
                        Report(Descriptors.IncompatibleInput, location, arguments.What, shape.ToString(), problem);
                        return new ParseResult(null, diagnostics.ToEquatableArray());
                    }

                    layer = layer with { Input = shape, Output = layer.InferOutput(shape), Inputs = inputs.ToEquatableArray() };
                }

                if (arguments.DeclaredName is { } declaredName && !IsValidName(declaredName))
                {
                    Report(Descriptors.BadLayerName, location, declaredName, "is not a valid tensor-name prefix");
                }
                else if (arguments.DeclaredName == GraphNames.Input)
                {
                    Report(Descriptors.BadLayerName, location, GraphNames.Input, "is reserved: From = \"input\" and merge layers use it for the model's input");
                }

                if (layer.HasParameters && !names.Add(layer.Name))
                {
                    Report(Descriptors.BadLayerName, location, layer.Name, "is used by two layers");
                }

                totalParams += layer.ParameterCount;
                if (totalParams > Limits.MaxParameters)
                {
                    Report(Descriptors.ModelTooLarge, location, $"The parameter count of '{className}' at {arguments.What}", AttributeArguments.Num(totalParams), AttributeArguments.Num(Limits.MaxParameters));
                    return new ParseResult(null, diagnostics.ToEquatableArray());
                }

                layers.Add(layer);
                shape = layer.Output;
            }

            // A graph: every layer's output is read by a later layer or is the model's output (a warning otherwise), and
            // inference runs row by row (no batch-dependent opt-in).
            bool isGraph = layers.Any(l => l.Inputs.Count != 1 || l.Inputs[0] != l.Index - 1);
            if (isGraph)
            {
                var read = new HashSet<int>(layers.SelectMany(l => l.Inputs)) { layers.Count - 1 };
                foreach (var l in layers.Where(l => !read.Contains(l.Index)))
                {
                    Report(Descriptors.UnusedLayerOutput, layerAttributes[l.Index].Location, l.KindName + " layer " + l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Name);
                }

                foreach (var l in layers.Where(l => l.BatchDependentAtInference))
                {
                    Report(Descriptors.GraphWithBatchModeInference, layerAttributes[l.Index].Location, l.KindName + " layer " + l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), className);
                }
            }

            // Loss and optimizer.
            LossKindSpec? loss = null;
            if (lossAttribute is not null)
            {
                int k = Arg<int>(lossAttribute, 0);
                var lossLocation = AttributeReader.Location(lossAttribute, cancellationToken);
                if (k is < 0 or > 2)
                {
                    Report(Descriptors.InvalidHyperParameter, lossLocation, "The loss kind", AttributeArguments.Num(k), "a LossKind value");
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
                    if (needed is not null && last is not null && last.KindName != needed)
                    {
                        Report(Descriptors.LossDoesNotFitOutput, lossLocation, "LossKind." + loss, needed, className, last.KindName);
                    }
                }
            }

            OptimizerSpec? optimizer = null;
            if (optimizerAttributes.Count > 1)
            {
                Report(
                    Descriptors.MultipleOptimizers,
                    AttributeReader.Location(optimizerAttributes[1], cancellationToken),
                    className,
                    string.Join(", ", optimizerAttributes.Select(a => "[" + a.AttributeClass!.Name.Replace("Attribute", string.Empty) + "]")));
            }
            else if (optimizerAttributes.Count == 1)
            {
                optimizer = ReadOptimizer(optimizerAttributes[0], Report, cancellationToken);
            }

            if (lossAttribute is not null && optimizerAttributes.Count == 0)
            {
                Report(Descriptors.IncompleteTraining, classLocation, className, "a [Loss]", "optimizer ([Sgd], [Adam], [AdamW] or [RmsProp])");
            }
            else if (lossAttribute is null && optimizerAttributes.Count > 0)
            {
                Report(Descriptors.IncompleteTraining, classLocation, className, "an optimizer", "[Loss]");
            }

            if (diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error) || inputShape is null)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            var spec = new ModelSpec(ns, className, Shape.Of(inputShape), layers.ToEquatableArray(), loss, optimizer);
            return new ParseResult(spec, diagnostics.ToEquatableArray());
        }

        private static OptimizerSpec ReadOptimizer(AttributeData data, Action<DiagnosticDescriptor, LocationInfo?, string[]> report, CancellationToken ct)
        {
            var location = AttributeReader.Location(data, ct);
            string attribute = data.AttributeClass!.Name;
            bool adamW = attribute == "AdamWAttribute";
            bool adam = adamW || attribute == "AdamAttribute";
            bool rmsProp = attribute == "RmsPropAttribute";
            string opt = attribute.Substring(0, attribute.Length - "Attribute".Length);
            double lr = Named<double?>(data, "LearningRate") ?? (adam ? 1e-3 : 0.01);
            double weightDecay = Named<double?>(data, "WeightDecay") ?? (adamW ? 0.01 : 0);
            void Check(bool ok, string property, double value, string range)
            {
                if (!ok)
                {
                    report(Descriptors.InvalidHyperParameter, location, new[] { $"{opt}.{property}", AttributeArguments.Num(value), range });
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
                return new AdamSpec(lr, weightDecay, b1, b2, eps, adamW);
            }

            if (rmsProp)
            {
                double alpha = Named<double?>(data, "Alpha") ?? 0.99;
                double eps = Named<double?>(data, "Epsilon") ?? 1e-8;
                double rmsMomentum = Named<double?>(data, "Momentum") ?? 0;
                Check(alpha >= 0 && alpha < 1, "Alpha", alpha, "in [0, 1)");
                Check(eps > 0 && !double.IsInfinity(eps), "Epsilon", eps, "positive and finite");
                Check(rmsMomentum >= 0 && rmsMomentum < 1, "Momentum", rmsMomentum, "in [0, 1)");
                return new RmsPropSpec(lr, weightDecay, alpha, eps, rmsMomentum);
            }

            double momentum = Named<double?>(data, "Momentum") ?? 0;
            bool nesterov = Named<bool?>(data, "Nesterov") ?? false;
            double decay = Named<double?>(data, "Decay") ?? 0;
            Check(momentum >= 0 && momentum < 1, "Momentum", momentum, "in [0, 1)");
            Check(decay >= 0 && !double.IsInfinity(decay), "Decay", decay, "non-negative and finite");
            Check(!nesterov || momentum > 0, "Momentum", momentum, "positive when Nesterov = true (Nesterov momentum needs a momentum)");
            return new SgdSpec(lr, weightDecay, momentum, nesterov, decay);
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

        /// <summary>
        /// A name goes into string literals, comments and XML docs of the generated code as it is: no quotes, backslashes
        /// or characters that are not printable (controls, line and paragraph separators, format characters, unpaired surrogates).
        /// </summary>
        private static bool IsValidName(string name) =>
            name.Length > 0 && Enumerable.Range(0, name.Length).All(i => name[i] != '"' && name[i] != '\\' && Emit.SourceWriter.IsPrintable(name, i));

        private static T Arg<T>(AttributeData data, int index) => Values(data).Arg<T>(index);

        private static T? Named<T>(AttributeData data, string name) => Values(data).Named<T>(name);

        /// <summary>A non-layer attribute's arguments as values (no diagnostics are reported through it).</summary>
        private static AttributeArguments Values(AttributeData data) => AttributeReader.Arguments(data, string.Empty, 0, null, null);
    }
}
