using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Analyzers;
using Xunit;
using Verify = ModelGen.Generator.Tests.Analyzers.AnalyzerVerifier<ModelGen.Generator.Analyzers.BatchStatisticsAnalyzer>;

namespace ModelGen.Generator.Tests.Analyzers
{
    public class BatchStatisticsAnalyzerTests
    {
        /// <summary>A stand-in for a generated model: the same marker attributes the generator emits.</summary>
        private const string Model = """
            using System;
            using ModelGen;
            namespace App
            {
                public class Net
                {
                    [InferenceEntryPoint] public void Predict(ReadOnlySpan<float> x, Span<float> y) { }
                    [TrainingOnly, UsesBatchStatistics] public Trainer CreateTrainer(int maxBatchSize = 64) => new Trainer();
                    [TrainingOnly, UsesBatchStatistics]
                    public sealed class Trainer
                    {
                        public float TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<float> t) => 0f;
                        public ReadOnlySpan<float> LastOutputs => default;
                    }
                }

                public static class Stats
                {
                    /// Per-sample normalization: not a batch statistic.
                    public static void NormalizeRow(Span<float> row) { }
                    [UsesBatchStatistics] public static void NormalizeBatch(Span<float> rows) { }
                }
            }
            """;

        [Fact]
        public async Task DirectCallFromAnEntryPointFires()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        private readonly Net.Trainer _trainer = new Net().CreateTrainer();
                        [InferenceEntryPoint]
                        public float Score(float[] x) => {|MG1007:_trainer.TrainStep(x, x)|};
                    }
                }
                """;
            await Verify.VerifyAsync(new[] { Model, code }, new DiagnosticResult[0]);
        }

        [Fact]
        public async Task PerSampleNormalizationIsSilent()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        private readonly Net _net = new Net();
                        [InferenceEntryPoint]
                        public void Score(float[] x, float[] y) { Stats.NormalizeRow(x); _net.Predict(x, y); }
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task DeepChainFiresAtTheCallInTheEntryPoint()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        [InferenceEntryPoint]
                        public void Score(float[] x) { {|MG1001:A(x)|}; }
                        private static void A(float[] x) => B(x);
                        private static void B(float[] x) => C(x);
                        private static void C(float[] x) => D(x);
                        private static void D(float[] x) => E(x);
                        private static void E(float[] x) => Stats.NormalizeBatch(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task TrainingOnlyHelperNeverReachedFromInferenceIsSilent()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        private readonly Net _net = new Net();
                        [InferenceEntryPoint]
                        public void Score(float[] x, float[] y) => Helper(x, y);
                        private void Helper(float[] x, float[] y) => _net.Predict(x, y);
                        public void Retrain(float[] x) => _net.CreateTrainer().TrainStep(x, x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task APathBackThroughTheEntryPointIsNotTheCallSitesPath()
        {
            // From A the shortest way to batch statistics runs back through Score itself (A -> Score -> B -> Stats); that is
            // B's call site's path, reported there. A's own path is the longer one that avoids Score.
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        [InferenceEntryPoint]
                        public void Score(float[] x) { {|#0:A(x)|}; {|#1:B(x)|}; }
                        private void A(float[] x) { Score(x); C(x); }
                        private void B(float[] x) => Stats.NormalizeBatch(x);
                        private void C(float[] x) => D(x);
                        private void D(float[] x) => F(x);
                        private void F(float[] x) => Stats.NormalizeBatch(x);
                    }
                }
                """;
            await Verify.VerifyAsync(
                new[] { Model, code },
                new[]
                {
                    Verify.Diagnostic("MG1001").WithLocation(0).WithArguments("Service.Score", "Stats.NormalizeBatch", "Service.Score -> Service.A -> Service.C -> Service.D -> Service.F -> Stats.NormalizeBatch"),
                    Verify.Diagnostic("MG1001").WithLocation(1).WithArguments("Service.Score", "Stats.NormalizeBatch", "Service.Score -> Service.B -> Stats.NormalizeBatch"),
                });
        }

        [Fact]
        public async Task CyclesTerminateAndStillFind()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        [InferenceEntryPoint]
                        public void Score(float[] x) { {|MG1001:Ping(x, 3)|}; }
                        private static void Ping(float[] x, int n) { if (n > 0) Pong(x, n - 1); }
                        private static void Pong(float[] x, int n) { if (n > 0) Ping(x, n - 1); else Stats.NormalizeBatch(x); }
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task CycleWithoutBatchStatisticsIsSilent()
        {
            const string code = """
                namespace App
                {
                    public class Service
                    {
                        [ModelGen.InferenceEntryPoint]
                        public void Score(float[] x) { Ping(x, 3); }
                        private static void Ping(float[] x, int n) { if (n > 0) Pong(x, n - 1); }
                        private static void Pong(float[] x, int n) { if (n > 0) Ping(x, n - 1); else Stats.NormalizeRow(x); }
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task LambdasLocalFunctionsPropertiesConstructorsAndMethodGroups()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Holder
                    {
                        public Holder(float[] x) => Stats.NormalizeBatch(x);
                        public float[] Data { get { var d = new float[1]; Stats.NormalizeBatch(d); return d; } }
                    }

                    public class Service
                    {
                        [InferenceEntryPoint]
                        public void ViaLambda(float[] x) { Action a = {|MG1001:() => Stats.NormalizeBatch(x)|}; a(); }
                        [InferenceEntryPoint]
                        public void ViaLocal(float[] x) { {|MG1001:Local()|}; void Local() => Stats.NormalizeBatch(x); }
                        [InferenceEntryPoint]
                        public float[] ViaProperty(Holder h) => {|MG1001:h.Data|};
                        [InferenceEntryPoint]
                        public Holder ViaConstructor(float[] x) => {|MG1001:new Holder(x)|};
                        [InferenceEntryPoint]
                        public void ViaMethodGroup(float[] x) { Action<float[]> a = {|MG1001:Indirect|}; a(x); }
                        private static void Indirect(float[] x) => Stats.NormalizeBatch(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task VirtualAndInterfaceCallsResolveToImplementations()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public interface IScorer { void Score(float[] x); }
                    public sealed class BatchScorer : IScorer { public void Score(float[] x) => Stats.NormalizeBatch(x); }
                    public sealed class RowScorer : IScorer { public void Score(float[] x) => Stats.NormalizeRow(x); }
                    public abstract class Base { public abstract void Run(float[] x); }
                    public sealed class Derived : Base { public override void Run(float[] x) => Stats.NormalizeBatch(x); }

                    public class Service
                    {
                        [InferenceEntryPoint]
                        public void ViaInterface(IScorer s, float[] x) => {|MG1001:s.Score(x)|};
                        [InferenceEntryPoint]
                        public void ViaVirtual(Base b, float[] x) => {|MG1001:b.Run(x)|};
                        [InferenceEntryPoint]
                        public void ViaConcreteRowScorer(RowScorer s, float[] x) => s.Score(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task GenericMethodsAndPartialClassesAcrossFiles()
        {
            const string part1 = """
                using ModelGen;
                namespace App
                {
                    public partial class Service
                    {
                        [InferenceEntryPoint]
                        public void Score(float[] x) { {|MG1001:Apply<int>(x)|}; }
                    }
                }
                """;
            const string part2 = """
                namespace App
                {
                    public partial class Service
                    {
                        private static void Apply<T>(float[] x) => Helper<T>.Run(x);
                    }

                    public static class Helper<T> { public static void Run(float[] x) => Stats.NormalizeBatch(x); }
                }
                """;
            await Verify.VerifyAsync(Model, part1, part2);
        }

        [Fact]
        public async Task UnreachableBranchesDoNotCount()
        {
            const string code = """
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        private const bool Adapt = false;
                        [InferenceEntryPoint]
                        public void Score(float[] x)
                        {
                            if (false) { Stats.NormalizeBatch(x); }
                            if (Adapt) { Helper(x); }
                            while (false) { Helper(x); }
                        }
                        private static void Helper(float[] x) => Stats.NormalizeBatch(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task ExplicitOptInWithAReasonIsSilent()
        {
            const string code = """
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        [InferenceEntryPoint, UsesBatchStatistics(Reason = "test-time adaptation on each incoming batch")]
                        public void Adapt(float[] x) { Helper(x); Stats.NormalizeBatch(x); }
                        private static void Helper(float[] x) => Stats.NormalizeBatch(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task OptInWithoutAReasonFires()
        {
            const string code = """
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        [InferenceEntryPoint, {|MG1008:UsesBatchStatistics|}]
                        public void Adapt(float[] x) { }
                        [InferenceEntryPoint, {|MG1008:UsesBatchStatistics(Reason = "  ")|}]
                        public void Adapt2(float[] x) { }
                        public System.Action<float[]> Lambda() => [InferenceEntryPoint, {|MG1008:UsesBatchStatistics|}] (float[] x) => Stats.NormalizeBatch(x);
                        public System.Action<float[]> LambdaWithReason() => [InferenceEntryPoint, UsesBatchStatistics(Reason = "adapts per request")] (float[] x) => Stats.NormalizeBatch(x);
                        public void Local(float[] x)
                        {
                            [InferenceEntryPoint, {|MG1008:UsesBatchStatistics|}]
                            void Adapt(float[] y) => Stats.NormalizeBatch(y);
                            Adapt(x);
                        }
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }

        [Fact]
        public async Task AnEntryPointLambdaIsAnalysed()
        {
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    public class Service
                    {
                        public Action<float[]> Handler() => [InferenceEntryPoint] (float[] x) => {|MG1007:Stats.NormalizeBatch(x)|};
                        public Action<float[]> Fine() => [InferenceEntryPoint] (float[] x) => Stats.NormalizeRow(x);
                    }
                }
                """;
            await Verify.VerifyAsync(Model, code);
        }
    }
}
