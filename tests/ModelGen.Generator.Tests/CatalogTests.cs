using System;
using System.Linq;
using ModelGen.Generator.Emit.Layers;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>Every layer kind is wired everywhere it must be: a kind missing from one place fails here.</summary>
    public class CatalogTests
    {
        [Fact]
        public void EveryLayerAttributeOfTheRuntimeHasACatalogEntryAndViceVersa()
        {
            var attributes = RandomDeclarationTests.LayerAttributes().Select(t => t.FullName!).OrderBy(n => n).ToArray();
            var catalog = LayerCatalog.Kinds.Select(k => k.AttributeName).OrderBy(n => n).ToArray();
            Assert.Equal(attributes, catalog);
            Assert.Equal(catalog.Length, catalog.Distinct().Count());
        }

        [Fact]
        public void EverySpecTypeHasAnEmitterAndEveryKindNamesItsAttribute()
        {
            foreach (var kind in LayerCatalog.Kinds)
            {
                Assert.True(kind.SpecType.IsSubclassOf(typeof(ModelGen.Generator.Model.LayerSpec)), kind.KindName);
                Assert.IsAssignableFrom<LayerEmitter>(kind.Emitter);
                Assert.Equal("ModelGen." + kind.KindName + "Attribute", kind.AttributeName);
            }

            var specTypes = typeof(ModelGen.Generator.Model.LayerSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ModelGen.Generator.Model.LayerSpec)) && !t.IsAbstract);
            Assert.All(specTypes, t => Assert.Contains(LayerCatalog.Kinds, k => k.SpecType == t));
        }

        [Fact]
        public void AModelWithEveryKindDescribesEachWithItsOwnDescriptionType()
        {
            // One declaration using every layer attribute of the runtime, compiled and loaded: its Description must use every
            // concrete LayerDescription type, so no kind falls back to another kind's description.
            // The image kinds come first (they need a [C, H, W] input), in an order whose shapes fit; the merges (last in the
            // catalog) merge the current tensor with the LayerNorm's output, of the same shape.
            string[] image = { "Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool" };
            string layers = string.Join(", ", LayerCatalog.Kinds.OrderBy(k => Array.IndexOf(image, k.KindName) is int i and >= 0 ? i : image.Length).Select(k => k.KindName switch
            {
                "Dense" => "Dense(4)",
                "Dropout" => "Dropout(0.1)",
                "LeakyReLU" => "LeakyReLU(0.1)",
                "Conv2D" => "Conv2D(4, 3, Padding = 1)",
                "MaxPool2D" => "MaxPool2D(2)",
                "AvgPool2D" => "AvgPool2D(2, Stride = 1)",
                "LayerNorm" => "LayerNorm(Name = \"ln\")",
                _ when k.SpecType == typeof(ModelGen.Generator.Model.MergeSpec) => k.KindName + "(\"ln\")",
                _ => k.KindName,
            }));
            var result = GeneratorHarness.Run($"using ModelGen;\nnamespace C;\n[Model, Input(2, 6, 6), {layers}] public partial class All {{ }}");
            Assert.Empty(result.GeneratorDiagnostics);
            var (assembly, context) = GeneratorHarness.Load(result);
            try
            {
                var description = ((IModel)Activator.CreateInstance(assembly.GetType("C.All")!, 0)!).Description;
                var used = description.Layers.Select(l => l.GetType()).Distinct().OrderBy(t => t.Name).ToArray();
                var all = typeof(LayerDescription).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerDescription)) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();
                Assert.Equal(all, used);
                Assert.Equal(LayerCatalog.Kinds.Length, description.Layers.Count);
            }
            finally
            {
                context.Unload();
            }
        }
    }
}
