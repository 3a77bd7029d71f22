using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator;

namespace ModelGen.Generator.Tests
{
    /// <summary>Runs the generator over in-memory source, the way the compiler does.</summary>
    internal static class GeneratorHarness
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        {
            var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Append(typeof(ModelAttribute).Assembly.Location);
            return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        });

        public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

        public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
            "Tests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

        public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
            new[] { new ModelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        public sealed record Result(GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
        {
            public IEnumerable<GeneratedSourceResult> Sources => Run.Results.SelectMany(r => r.GeneratedSources);

            public IEnumerable<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
        }

        /// <summary>Compiles the generator's output and loads it into a collectible context (unload it when done).</summary>
        public static (System.Reflection.Assembly Assembly, System.Runtime.Loader.AssemblyLoadContext Context) Load(Result result, string name = "generated")
        {
            using var stream = new MemoryStream();
            var emit = result.Output.Emit(stream);
            if (!emit.Success)
            {
                throw new InvalidOperationException("The generated code does not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
            }

            stream.Position = 0;
            var context = new System.Runtime.Loader.AssemblyLoadContext(name, isCollectible: true);
            return (context.LoadFromStream(stream), context);
        }

        public static Result Run(params string[] sources)
        {
            var compilation = Compilation(sources);
            var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            var run = driver.GetRunResult();
            foreach (var r in run.Results)
            {
                if (r.Exception is not null)
                {
                    throw new InvalidOperationException("The generator threw: " + r.Exception);
                }
            }

            return new Result(run, output, diagnostics);
        }
    }
}
