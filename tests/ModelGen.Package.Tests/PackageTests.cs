using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Package.Tests
{
    /// <summary>
    /// The NuGet package end to end, as a user installs it: <c>dotnet pack</c>, a local folder feed, a fresh console
    /// project outside the solution (its own NuGet cache, so no stale copy of the package is used) whose sources are
    /// the README's code blocks plus one deliberately wrong inference path, <c>dotnet build</c> with the analyzer,
    /// <c>dotnet run</c>, the exported ONNX file in ONNX Runtime, and the same program published with NativeAOT.
    /// </summary>
    public class PackageTests
    {
        private static readonly string Repo = FindRepo();
        private readonly ITestOutputHelper _output;

        public PackageTests(ITestOutputHelper output) => _output = output;

        /// <summary>An inference entry point that calls training directly: the analyzer must report MG1007 here, and nothing else anywhere.</summary>
        private const string WrongOnPurpose = """
            using ModelGen;

            public static class Service
            {
                [InferenceEntryPoint]
                public static float Score(CircleNet model, CircleNet.Trainer trainer, float[] x, float[] t)
                {
                    return trainer.ComputeGradients(x, t);
                }
            }
            """;

        [Fact]
        public void PackageInstallsBuildsWithTheAnalyzerTrainsPredictsAndExports()
        {
            string work = Path.Combine(Path.GetTempPath(), "modelgen-package-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                string feed = Path.Combine(work, "feed");
                string app = Path.Combine(work, "app");
                Directory.CreateDirectory(app);
                var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") };

                Run(Repo, env, "pack", Path.Combine(Repo, "src", "ModelGen"), "-c", "Release", "-o", feed);
                var packages = Directory.GetFiles(feed, "ModelGen.*.nupkg").Where(f => !f.EndsWith(".snupkg", StringComparison.Ordinal)).ToList();
                Assert.Single(packages);
                string version = Regex.Match(Path.GetFileName(packages[0]), @"^ModelGen\.(.+)\.nupkg$").Groups[1].Value;
                using (var zip = System.IO.Compression.ZipFile.OpenRead(packages[0]))
                {
                    var entries = zip.Entries.Select(e => e.FullName).ToList();
                    Assert.Contains("lib/net8.0/ModelGen.dll", entries);
                    Assert.Contains("lib/net10.0/ModelGen.dll", entries);
                    Assert.Contains("analyzers/dotnet/cs/ModelGen.Generator.dll", entries);
                    Assert.Contains("analyzers/dotnet/cs/ModelGen.CodeFixes.dll", entries);
                    Assert.Contains("buildTransitive/ModelGen.targets", entries);
                    Assert.Contains("README.md", entries);
                    Assert.Contains("LICENSE", entries);
                    using (var packageReadme = new StreamReader(zip.Entries.Single(e => e.FullName == "README.md").Open()))
                    {
                        // The package's readme shows the same complete example as the repository's README.
                        string example = ReadmeBlocks().Single(b => b.Contains("var model = new CircleNet", StringComparison.Ordinal));
                        Assert.Contains(example, packageReadme.ReadToEnd());
                    }

                    using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName == "ModelGen.nuspec").Open());
                    string text = nuspec.ReadToEnd();
                    foreach (var element in new[] { "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<projectUrl>", "<repository ", "<tags>", "<description>A Roslyn source generator" })
                    {
                        Assert.Contains(element, text);
                    }
                }

                File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <configuration>
                      <packageSources>
                        <add key="modelgen-local" value="{feed}" />
                      </packageSources>
                    </configuration>
                    """);
                File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <OutputType>Exe</OutputType>
                        <TargetFramework>net10.0</TargetFramework>
                        <Nullable>enable</Nullable>
                        <ImplicitUsings>enable</ImplicitUsings>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageReference Include="ModelGen" Version="{version}" />
                      </ItemGroup>
                    </Project>
                    """);
                var blocks = ReadmeBlocks();
                File.WriteAllText(Path.Combine(app, "Program.cs"), blocks.Single(b => b.Contains("var model = new CircleNet", StringComparison.Ordinal)));
                int i = 0;
                foreach (var block in blocks.Where(b => !b.Contains("var model = new CircleNet", StringComparison.Ordinal)))
                {
                    File.WriteAllText(Path.Combine(app, $"Readme{i++}.cs"), block);
                }

                File.WriteAllText(Path.Combine(app, "Service.cs"), WrongOnPurpose);

                string build = Run(app, env, "build", "-c", "Release");
                var warnings = Regex.Matches(build, @"([^\s:]+\.cs)\(\d+,\d+\): warning (MG\d+)").Select(m => $"{Path.GetFileName(m.Groups[1].Value)} {m.Groups[2].Value}").Distinct().ToList();
                Assert.Equal(new[] { "Service.cs MG1007" }, warnings);
                Assert.Contains("Service.Score", build);

                string run = Run(app, env, "run", "-c", "Release", "--no-build");
                var match = Regex.Match(run, @"P\(inside\) at \(0\.1, 0\.2\): (\d\.\d{3})");
                Assert.True(match.Success, run);
                Assert.Matches(@"epoch \d+/20: .*val accuracy 0\.9\d", run);
                Assert.Contains("Trainable parameters", run);
                Assert.False(File.Exists(Path.Combine(app, "circle.ckpt")), "Fit left its checkpoint behind after completing");
                Assert.True(new FileInfo(Path.Combine(app, "circle.safetensors")).Length > 0);

                // The exported graph in ONNX Runtime gives what the program printed (three decimals).
                using var session = new InferenceSession(Path.Combine(app, "circle.onnx"));
                var input = NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(new[] { 0.1f, 0.2f }, new[] { 1, 2 }));
                using var results = session.Run(new[] { input });
                var p = results.Single().AsTensor<float>().ToArray();
                Assert.Equal(match.Groups[1].Value, p[1].ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));

                // NativeAOT. Without IlcInstructionSet the package's targets warn (MGB001); with it, the publish has no
                // trim or AOT warning (no warning but the analyzer's on Service.cs) and the native binary prints
                // what the JIT-compiled program printed (the same bits: the same digits), timings aside.
                string rid = RuntimeInformation.RuntimeIdentifier;
                string unset = Run(app, env, "build", "-c", "Release", "-r", rid, "-p:PublishAot=true");
                Assert.Contains("warning MGB001", unset);
                string native = Path.Combine(work, "native");
                var publishArgs = new List<string> { "publish", "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", native };
                if (rid.EndsWith("-x64", StringComparison.Ordinal))
                {
                    publishArgs.Add("-p:IlcInstructionSet=x86-64-v3");
                }

                string publish = Run(app, env, publishArgs.ToArray());
                var publishWarnings = Regex.Matches(publish, @"warning ([A-Z]+\d+)").Select(m => m.Groups[1].Value).Distinct().ToList();
                // (The publish may not recompile the sources, so the analyzer's MG1007 may or may not be repeated.)
                Assert.DoesNotContain(publishWarnings, w => w != "MG1007");
                string binary = Path.Combine(native, OperatingSystem.IsWindows() ? "App.exe" : "App");
                _output.WriteLine($"NativeAOT binary: {new FileInfo(binary).Length:N0} bytes");
                File.Delete(Path.Combine(app, "circle.onnx"));
                string nativeRun = RunProgram(binary, app);
                Assert.Equal(WithoutTimings(run), WithoutTimings(nativeRun));
                Assert.True(File.Exists(Path.Combine(app, "circle.onnx")), "the native binary did not export circle.onnx");
            }
            finally
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                    // A build server may still hold a file; the folder is under the temporary path.
                }
            }
        }

        private static string WithoutTimings(string output) => Regex.Replace(output, @" \(\d+ ms\)", string.Empty).Trim();

        private string RunProgram(string file, string directory)
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine($"$ {file}  (exit {process.ExitCode})\n{output}");
            Assert.True(process.ExitCode == 0, $"{file} failed with exit code {process.ExitCode}:\n{output}");
            return output;
        }

        /// <summary>The csharp blocks of README.md, except one marked as an excerpt of generated code.</summary>
        internal static List<string> ReadmeBlocks()
        {
            string readme = File.ReadAllText(Path.Combine(Repo, "README.md"));
            var blocks = new List<string>();
            foreach (Match m in Regex.Matches(readme, @"(<!-- excerpt: not compiled[^\n]*-->\n)?```csharp\n(.*?)```", RegexOptions.Singleline))
            {
                if (!m.Groups[1].Success)
                {
                    blocks.Add(m.Groups[2].Value);
                }
            }

            Assert.True(blocks.Count >= 2, $"README.md has {blocks.Count} compilable csharp blocks; expected the example and the CNN declaration");
            return blocks;
        }

        private string Run(string directory, Dictionary<string, string> env, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            foreach (var pair in env)
            {
                start.Environment[pair.Key] = pair.Value;
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            // Not the test host's MSBuild settings (dotnet test sets some for its child builds).
            start.Environment.Remove("MSBuildExtensionsPath");
            start.Environment.Remove("MSBUILD_EXE_PATH");
            start.Environment.Remove("MSBuildSDKsPath");
            using var process = Process.Start(start)!;
            var stdout = new StringBuilder();
            process.OutputDataReceived += (_, e) => stdout.AppendLine(e.Data);
            process.ErrorDataReceived += (_, e) => stdout.AppendLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 10 minutes:\n{stdout}");
            }

            process.WaitForExit();
            string output = stdout.ToString();
            _output.WriteLine($"$ dotnet {string.Join(' ', args)}  (exit {process.ExitCode})");
            _output.WriteLine(output);
            Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{output}");
            return output;
        }

        private static string FindRepo()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ModelGen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("ModelGen.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
