using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ModelGen.Generator.Tests.Analyzers
{
    /// <summary>
    /// Runs an analyzer over markup sources with Microsoft.CodeAnalysis.CSharp.Analyzer.Testing. References are the
    /// running .NET's own assemblies plus the ModelGen runtime, so no reference pack is downloaded at test time.
    /// </summary>
    internal static class AnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static Task VerifyAsync(params string[] sources) => VerifyAsync(sources, Array.Empty<DiagnosticResult>());

        /// <summary>An expected diagnostic of <typeparamref name="TAnalyzer"/> with the given id.</summary>
        public static DiagnosticResult Diagnostic(string id) => new TAnalyzer().SupportedDiagnostics.Single(d => d.Id == id) is { } descriptor ? new DiagnosticResult(descriptor) : default;

        public static async Task VerifyAsync(string[] sources, DiagnosticResult[] expected, bool withGenerator = false)
        {
            var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>();
            Configure(test.TestState, sources, withGenerator);
            test.ReferenceAssemblies = Local;
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        public static async Task VerifyFixAsync<TFix>(string source, string fixedSource)
            where TFix : CodeFixProvider, new()
        {
            var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource, ReferenceAssemblies = Local };
            test.TestState.AdditionalReferences.AddRange(References);
            test.FixedState.AdditionalReferences.AddRange(References);
            test.FixedState.MarkupHandling = MarkupMode.Allow;
            await test.RunAsync(CancellationToken.None);
        }

        internal static void Configure(SolutionState state, string[] sources, bool withGenerator)
        {
            for (int i = 0; i < sources.Length; i++)
            {
                state.Sources.Add(($"Source{i}.cs", sources[i]));
            }

            state.AdditionalReferences.AddRange(References);
        }

        internal static readonly ReferenceAssemblies Local = new("net10.0-local");

        internal static readonly ImmutableArray<MetadataReference> References =
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Append(typeof(ModelAttribute).Assembly.Location)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
    }
}
