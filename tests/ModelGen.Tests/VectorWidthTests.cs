using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// Same bits on every vector width and thread count. ModelGen.WidthProbe trains and runs two models covering every
    /// layer kind and prints a SHA-256 of every float it produced (losses, gradients, outputs, parameters, PredictBatch and
    /// Predict results); these tests run it as a child process with the width forced (MODELGEN_VECTOR_BITS), with AVX2 or
    /// all hardware intrinsics switched off in the runtime (so the 128-bit and scalar FMA paths run), and with 1 to 3
    /// threads, and require one hash. The width is fixed per process, hence the child processes.
    /// </summary>
    public class VectorWidthTests
    {
        private static readonly string Probe = typeof(VectorWidthTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WidthProbe").Value!;

        public static IEnumerable<object[]> Settings() => new[]
        {
            new object[] { "MODELGEN_VECTOR_BITS=512", 1 },
            new object[] { "MODELGEN_VECTOR_BITS=512", 2 },
            new object[] { "MODELGEN_VECTOR_BITS=256", 1 },
            new object[] { "MODELGEN_VECTOR_BITS=256", 3 },
            new object[] { "DOTNET_EnableAVX2=0", 2 },
            new object[] { "DOTNET_EnableAVX=0", 1 },
            new object[] { "DOTNET_EnableHWIntrinsic=0", 2 },
        };

        private static readonly Lazy<(string Wide, string Hash)> Baseline = new(() => Run(null, 1));

        [Theory]
        [MemberData(nameof(Settings))]
        public void EverySettingComputesTheSameBits(string environment, int threads)
        {
            var (wide, hash) = Run(environment, threads);
            Assert.Equal(Baseline.Value.Hash, hash);
            if (environment == "MODELGEN_VECTOR_BITS=512")
            {
                Assert.StartsWith("wide=True", wide, StringComparison.Ordinal); // the 512-bit variant really ran
            }
            else if (environment == "MODELGEN_VECTOR_BITS=256" || environment.StartsWith("DOTNET_", StringComparison.Ordinal))
            {
                Assert.StartsWith("wide=False", wide, StringComparison.Ordinal);
            }

            if (environment == "DOTNET_EnableHWIntrinsic=0")
            {
                Assert.Contains("vector256=False", wide, StringComparison.Ordinal); // the scalar fallback really ran
            }
        }

        [Fact]
        public void TheHashCoversTheResults()
        {
            // A probe that printed a constant would pass the test above: the hash must be 64 hex digits and change with the run.
            var (_, hash) = Baseline.Value;
            Assert.Matches("^[0-9A-F]{64}$", hash);
            var (_, seeded) = Run(null, 1, "reseed");
            Assert.NotEqual(hash, seeded);
        }

        private static (string Wide, string Hash) Run(string? environment, int threads, string? extra = null)
        {
            Assert.True(File.Exists(Probe), $"The width probe is not built at {Probe}: build ModelGen.WidthProbe.");
            var start = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(Probe);
            start.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (extra != null)
            {
                start.ArgumentList.Add(extra);
            }

            start.Environment.Remove("MODELGEN_VECTOR_BITS");
            if (environment != null)
            {
                var parts = environment.Split('=');
                start.Environment[parts[0]] = parts[1];
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), $"The probe did not finish within 2 minutes ({environment}).");
            Assert.True(process.ExitCode == 0, $"The probe failed ({environment}, {threads} threads): {output}{stderr.Result}");
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return (lines.Single(l => l.StartsWith("wide=", StringComparison.Ordinal)), lines.Single(l => l.StartsWith("hash=", StringComparison.Ordinal))["hash=".Length..]);
        }

        internal static string DotnetHost()
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            string? self = Environment.ProcessPath;
            return self != null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
        }
    }
}
