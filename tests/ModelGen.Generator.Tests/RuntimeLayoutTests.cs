using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// The runtime's layout (docs/architecture.md, "The runtime"): every file in one folder by concern, one public type per
    /// file, each file opening with a sentence on its place, dependencies between folders only in the allowed directions,
    /// and every public type listed in the public API files.
    /// </summary>
    public class RuntimeLayoutTests
    {
        /// <summary>
        /// What each folder of <c>src/ModelGen</c> may use besides itself (docs/architecture.md draws it). Two folders use
        /// nothing: Kernels (what generated code runs per call) and Declarations (what users write, the interfaces generated
        /// models implement and the descriptions they give of themselves). Weights and Data build on those two; Training and
        /// Onnx on everything below them. The map has no cycle (tested), so each part can be read and tested from the bottom up.
        /// </summary>
        internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
        {
            ["Kernels"] = Array.Empty<string>(),
            ["Declarations"] = Array.Empty<string>(),
            ["Weights"] = new[] { "Kernels", "Declarations" },
            ["Data"] = new[] { "Kernels", "Declarations" },
            ["Training"] = new[] { "Kernels", "Declarations", "Weights", "Data" },
            ["Onnx"] = new[] { "Kernels", "Declarations", "Weights" },
        };

        /// <summary>Files that hold a family of small public types (the attributes a user writes together).</summary>
        private static readonly string[] Families =
        {
            "Declarations/ModelAttributes.cs", "Declarations/LayerAttributes.cs", "Declarations/LossAttributes.cs",
            "Declarations/OptimizerAttributes.cs", "Declarations/Markers.cs",
        };

        private static string Runtime => Path.Combine(DiagnosticTests.RepoRoot(), "src", "ModelGen");

        private static IEnumerable<string> RuntimeFiles() => Directory.EnumerateFiles(Runtime, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Runtime, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);

        [Fact]
        public void EveryRuntimeFileIsInAFolderOfTheMapAndOpensWithASentenceOnItsPlace()
        {
            var files = RuntimeFiles().ToArray();
            Assert.True(files.Length > 40, $"only {files.Length} runtime files found under {Runtime}");
            foreach (var file in files)
            {
                string folder = Folder(file);
                Assert.True(Allowed.ContainsKey(folder), $"src/ModelGen/{file} is not in one of the runtime's folders ({string.Join(", ", Allowed.Keys)}); move it into the folder of its concern, or add the folder to docs/architecture.md and RuntimeLayoutTests.Allowed");
                string first = File.ReadLines(Path.Combine(Runtime, file)).First();
                Assert.True(first.StartsWith("// " + folder, StringComparison.Ordinal), $"src/ModelGen/{file} must open with a comment saying its place, \"// {folder}: ...\"; it opens with \"{first}\"");
            }
        }

        [Fact]
        public void EveryRuntimeFileHoldsOnePublicTypeExceptTheAttributeFamilies()
        {
            foreach (var file in RuntimeFiles())
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(Runtime, file))).GetRoot();
                var publicTypes = root.DescendantNodes().OfType<MemberDeclarationSyntax>()
                    .Where(m => m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                    .Where(m => m.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
                    .Where(m => m.Modifiers.Any(SyntaxKind.PublicKeyword))
                    .Select(Name)
                    .ToArray();
                if (!Families.Contains(file))
                {
                    Assert.True(publicTypes.Length <= 1, $"src/ModelGen/{file} declares {publicTypes.Length} public types ({string.Join(", ", publicTypes)}): give each its own file");
                }
            }
        }

        [Fact]
        public void TheRuntimesFoldersDependOnEachOtherOnlyInTheAllowedDirections()
        {
            var sources = RuntimeFiles().Select(f => (f, File.ReadAllText(Path.Combine(Runtime, f))));
            var violations = Violations(sources);
            Assert.True(violations.Count == 0, "Dependencies against the runtime's map (docs/architecture.md):\n" + string.Join("\n", violations));
        }

        [Fact]
        public void TheDependencyCheckReportsAUseAgainstTheMapWithItsFileAndLine()
        {
            // The check itself, on a planted violation: a kernel that reads a training option, and the allowed reverse use.
            var sources = new[]
            {
                ("Kernels/Planted.cs", "namespace ModelGen\n{\n    public static class Planted\n    {\n        public static int Rows(FitOptions o) => o.BatchSize;\n    }\n}\n"),
                ("Training/FitOptions.cs", "namespace ModelGen\n{\n    public sealed class FitOptions\n    {\n        public int BatchSize { get; set; }\n        public int Twice() => Planted.Rows(this) * 2;\n    }\n}\n"),
            };
            var violation = Assert.Single(Violations(sources));
            Assert.Equal("src/ModelGen/Kernels/Planted.cs:5: Kernels uses Training (ModelGen.FitOptions); Kernels may use nothing but itself", violation);
        }

        [Fact]
        public void TheMapOfAllowedDependenciesHasNoCycle()
        {
            // Depth-first search over the map: a folder reached again while it is still on the path closes a cycle.
            var state = new Dictionary<string, int>();
            void Visit(string folder, string path)
            {
                Assert.True(Allowed.ContainsKey(folder), $"{path} names {folder}, which is not a folder of the map");
                Assert.False(state.TryGetValue(folder, out int s) && s == 1, $"the map has a cycle: {path} -> {folder}");
                if (state.ContainsKey(folder))
                {
                    return;
                }

                state[folder] = 1;
                foreach (var next in Allowed[folder])
                {
                    Visit(next, path + " -> " + folder);
                }

                state[folder] = 2;
            }

            foreach (var folder in Allowed.Keys)
            {
                Visit(folder, "(start)");
            }
        }

        [Fact]
        public void ThePublicApiFilesListExactlyThePublicTypesOfTheRuntime()
        {
            // PublicApiAnalyzers (RS0016, RS0017) enforce the files member by member in the runtime's build; this checks that
            // the files still describe the built assembly: a line without "->" names a type, and those lines are exactly the
            // assembly's public types (so removing the analyzer, or a file it reads, is seen here too).
            var listedTypes = new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }
                .SelectMany(f => File.ReadAllLines(Path.Combine(Runtime, f)))
                .Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal) && !l.Contains(" -> ", StringComparison.Ordinal))
                .Select(l => l.Split('<')[0])
                .OrderBy(l => l, StringComparer.Ordinal)
                .ToArray();
            var types = typeof(ModelAttribute).Assembly.GetExportedTypes()
                .Select(t => t.FullName!.Replace('+', '.').Split('`')[0])
                .OrderBy(t => t, StringComparer.Ordinal)
                .ToArray();
            Assert.True(types.Length > 50, $"only {types.Length} public types");
            Assert.Equal(types, listedTypes);
        }

        /// <summary>The folder a runtime file belongs to: its first path segment (Declarations/Descriptions is Declarations).</summary>
        private static string Folder(string file) => file.Contains('/', StringComparison.Ordinal) ? file[..file.IndexOf('/', StringComparison.Ordinal)] : "(root)";

        private static string Name(MemberDeclarationSyntax m) => m switch
        {
            BaseTypeDeclarationSyntax t => t.Identifier.Text,
            DelegateDeclarationSyntax d => d.Identifier.Text,
            _ => m.Kind().ToString(),
        };

        /// <summary>
        /// Every use of a runtime type from a folder the map does not allow, one line per file and used type: the file and line
        /// of the first use, the two folders and the type. Types are resolved by a compilation of the sources alone (types from
        /// other assemblies stay unresolved, which is fine: only uses of the runtime's own types are checked); XML doc
        /// references are not uses.
        /// </summary>
        internal static List<string> Violations(IEnumerable<(string File, string Text)> sources)
        {
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, path: s.File)).ToArray();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create("RuntimeLayout", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
            var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var tree in trees)
            {
                string from = Folder(tree.FilePath);
                var model = compilation.GetSemanticModel(tree);
                foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    var info = model.GetSymbolInfo(name);
                    var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                    var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                    while (type?.ContainingType is not null)
                    {
                        type = type.ContainingType;
                    }

                    if (type is null)
                    {
                        continue;
                    }

                    var folders = type.DeclaringSyntaxReferences.Select(r => Folder(r.SyntaxTree.FilePath)).Distinct().ToArray();
                    foreach (var to in folders)
                    {
                        if (to == from || (Allowed.TryGetValue(from, out var allowed) && allowed.Contains(to)))
                        {
                            continue;
                        }

                        string key = $"{tree.FilePath}|{type.ToDisplayString()}|{to}";
                        if (!found.ContainsKey(key))
                        {
                            int line = name.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                            string may = Allowed.TryGetValue(from, out var a) && a.Length > 0 ? "may use only " + string.Join(", ", a) : "may use nothing but itself";
                            found[key] = $"src/ModelGen/{tree.FilePath}:{line}: {from} uses {to} ({type.ToDisplayString()}); {from} {may}";
                        }
                    }
                }
            }

            return found.Values.ToList();
        }
    }
}
