extern alias ModelGenAnalyzers;

using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ModelGen.Benchmarks
{
    /// <summary>
    /// The analyzers' cost on a synthetic compilation of 200 or 1,000 classes with 10 methods each (2,000 or 10,000
    /// methods): call chains inside and across classes, an interface implemented by every class, an inference entry point
    /// in every tenth class, and a batch-statistics member reached from some of them. Three measurements: the compiler's
    /// own diagnostics (binding everything), a do-nothing operation analyzer (the analyzer driver's floor: binding plus the
    /// operation trees every operation analyzer is handed), and the ModelGen analyzers; the analyzers' own cost is the last
    /// minus the second. Setup also prints the time Roslyn attributes to each analyzer (its execution-time telemetry, what
    /// <c>dotnet build -p:ReportAnalyzer=true</c> shows).
    /// </summary>
    [MemoryDiagnoser]
    public class AnalyzerBenchmarks
    {
        private CSharpCompilation _compilation = null!;
        private ImmutableArray<DiagnosticAnalyzer> _analyzers;

        public const int MethodsPerClass = 10;

        /// <summary>Classes in the synthetic compilation (10 methods each).</summary>
        [Params(200, 1000)]
        public int Classes { get; set; } = 200;

        [GlobalSetup]
        public void Setup()
        {
            var sb = new StringBuilder("using ModelGen;\nnamespace Synthetic {\npublic interface IWork { void Work(float[] x); }\n");
            sb.Append("public static class Stats { [UsesBatchStatistics] public static void NormalizeBatch(float[] x) { } public static void NormalizeRow(float[] x) { } }\n");
            for (int c = 0; c < Classes; c++)
            {
                sb.Append($"public class C{c} : IWork {{\n");
                sb.Append($"  public void Work(float[] x) => M5(x);\n");
                for (int m = 0; m < MethodsPerClass - 1; m++)
                {
                    string attribute = m == 0 && c % 10 == 0 ? "[InferenceEntryPoint] " : string.Empty;
                    string next = m + 1 < MethodsPerClass - 1 ? $"M{m + 1}(x);" : (c % 25 == 0 ? "Stats.NormalizeBatch(x);" : "Stats.NormalizeRow(x);");
                    string across = m == 3 ? $" new C{(c + 1) % Classes}().M4(x);" : m == 6 ? " IWork w = this; w.Work(x);" : string.Empty;
                    sb.Append($"  {attribute}public void M{m}(float[] x) {{ if (x.Length > {m}) {{ {next} }}{across} }}\n");
                }

                sb.Append("}\n");
            }

            sb.Append("}\n");
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
                .Append(typeof(ModelAttribute).Assembly.Location)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
            _compilation = CSharpCompilation.Create("Synthetic", new[] { CSharpSyntaxTree.ParseText(sb.ToString()) }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            _analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ModelGenAnalyzers::ModelGen.Generator.Analyzers.BatchStatisticsAnalyzer(), new ModelGenAnalyzers::ModelGen.Generator.Analyzers.ModelRulesAnalyzer());
            int methods = _compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member).OfType<IMethodSymbol>().Count(m => m.MethodKind == MethodKind.Ordinary);
            int found = Analyze();
            Console.WriteLine($"// Synthetic compilation: {Classes} classes, {methods} ordinary methods; the analyzers report {found} diagnostics.");
            for (int run = 0; run < 3; run++)
            {
                var timed = _compilation.Clone().WithAnalyzers(_analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
                timed.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                var own = _analyzers.Select(a => $"{a.GetType().Name} {timed.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds:F0} ms");
                Console.WriteLine($"// Roslyn's execution-time telemetry, run {run + 1}: {string.Join(", ", own)}");
            }
        }

        /// <summary>Both analyzers over the whole compilation, from a fresh compilation object each time.</summary>
        [Benchmark]
        public int Analyze() => _compilation.Clone().WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;

        /// <summary>A do-nothing operation analyzer: the driver's cost before any analyzer does anything.</summary>
        [Benchmark]
        public int NullOperationAnalyzer() => _compilation.Clone().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NullAnalyzer())).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;

        /// <summary>The compiler's own diagnostics on the same compilation, for scale.</summary>
        [Benchmark(Baseline = true)]
        public int CompilerDiagnostics() => _compilation.Clone().GetDiagnostics().Length;
    }

    // A measuring stick run in-process by the benchmark, never shipped or loaded by a compiler: the rules for analyzer
    // assemblies (target framework, release tracking, extended rules) do not apply.
#pragma warning disable RS1041, RS1036, RS2008

    /// <summary>Registers for invocations and does nothing: the analyzer driver's floor for operation analyzers.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    internal sealed class NullAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("NULL001", "none", "none", "none", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
        }
    }
#pragma warning restore RS1041, RS1036, RS2008
}
