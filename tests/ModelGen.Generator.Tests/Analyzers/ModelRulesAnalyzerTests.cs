using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = ModelGen.Generator.Tests.Analyzers.AnalyzerVerifier<ModelGen.Generator.Analyzers.ModelRulesAnalyzer>;

namespace ModelGen.Generator.Tests.Analyzers
{
    public class ModelRulesAnalyzerTests
    {
        /// <summary>Stand-ins for generated models: the members the generator emits, written by hand.</summary>
        private const string Models = """
            using System;
            using System.IO;
            using ModelGen;
            namespace App
            {
                [Model, Input(4), Dense(3), BatchNorm, Softmax]
                public class BnNet
                {
                    public const int InputSize = 4;
                    public ReadOnlySpan<float> Parameters => default;
                    public void SetParameters(ReadOnlySpan<float> values) { }
                    public void SetTensor(string name, ReadOnlySpan<float> values) { }
                    public void LoadWeights(Stream stream) { }
                    public Trainer CreateTrainer(int maxBatchSize = 64, int seed = 0) => new Trainer();
                    public sealed class Trainer
                    {
                        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => 0f;
                        public void Fit(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, FitOptions? options = null) { }
                    }
                }

                [Model, Input(4), Dense(3), Softmax]
                public class PlainNet
                {
                    public const int InputSize = 4;
                    public ReadOnlySpan<float> Parameters => default;
                    public void SetParameters(ReadOnlySpan<float> values) { }
                    public Trainer CreateTrainer(int maxBatchSize = 64, int seed = 0) => new Trainer();
                    public sealed class Trainer
                    {
                        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => 0f;
                    }
                }
            }
            """;

        [Fact]
        public async Task BatchStatisticsAtInferenceWithoutReasonFires()
        {
            const string code = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1002:BatchNorm(UseBatchStatisticsAtInference = true)|}, Softmax]
                public class A { }
                [Model, Input(4), Dense(3), BatchNorm(UseBatchStatisticsAtInference = true, Reason = "test-time adaptation"), Softmax]
                public class B { }
                [Model, Input(4), Dense(3), BatchNorm(UseBatchStatisticsAtInference = false), Softmax]
                public class C { }
                """;
            await Verify.VerifyAsync(code);
        }

        [Fact]
        public async Task DropoutActiveAtInferenceWithoutReasonFires()
        {
            const string code = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1003:Dropout(0.5, ActiveAtInference = true)|}, Dense(2)]
                public class A { }
                [Model, Input(4), Dense(3), Dropout(0.5, ActiveAtInference = true, Reason = "Monte Carlo dropout"), Dense(2)]
                public class B { }
                [Model, Input(4), Dense(3), Dropout(0.5), Dense(2)]
                public class C { }
                """;
            await Verify.VerifyAsync(code);
        }

        [Fact]
        public async Task MomentumInTheOtherConventionFires()
        {
            const string code = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1005:BatchNorm(Momentum = 0.99)|}]
                public class A { }
                [Model, Input(4), Dense(3), {|MG1005:BatchNorm(Momentum = 0.1, Convention = BatchNormConvention.Keras)|}]
                public class B { }
                [Model, Input(4), Dense(3), BatchNorm(Momentum = 0.99, Convention = BatchNormConvention.Keras), BatchNorm(Momentum = 0.1), BatchNorm(Momentum = 0.3)]
                public class C { }
                """;
            await Verify.VerifyAsync(code);
        }

        [Fact]
        public async Task TrainingBatchOfOneWithBatchNormFires()
        {
            const string code = """
                using ModelGen;
                namespace App
                {
                    public static class Training
                    {
                        public static void Run(float[] x, float[] t)
                        {
                            var a = {|MG1004:new BnNet().CreateTrainer(1)|};
                            var b = {|MG1004:new BnNet().CreateTrainer(maxBatchSize: 1)|};
                            var c = new BnNet().CreateTrainer(32);
                            {|MG1004:c.Fit(x, t, new FitOptions { BatchSize = 1, Epochs = 3 })|};
                            c.Fit(x, t, new FitOptions { BatchSize = 16 });
                            {|MG1004:c.TrainStep(new float[4], new float[3])|};
                            c.TrainStep(new float[8], new float[6]);
                            var plain = new PlainNet().CreateTrainer(1);
                            plain.TrainStep(new float[4], new float[3]);
                        }
                    }
                }
                """;
            await Verify.VerifyAsync(Models, code);
        }

        [Fact]
        public async Task TheModelRulesHoldForBatchNormInsideAGraphsBranch()
        {
            // A graph (From and a merge) with its BatchNorm on a branch: a batch of one still has a BatchNorm to break
            // (MG1004), and a momentum in the other convention is still reported there (MG1005); the same graph without
            // BatchNorm stays silent.
            const string code = """
                using System;
                using ModelGen;
                namespace App
                {
                    [Model, Input(4), Dense(3, Name = "a"), Dense(3, From = "input"), {|MG1005:BatchNorm(Momentum = 0.99)|}, Add("a"), Softmax]
                    public class GraphBnNet
                    {
                        public Trainer CreateTrainer(int maxBatchSize = 64, int seed = 0) => new Trainer();
                        public sealed class Trainer
                        {
                            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => 0f;
                        }
                    }

                    [Model, Input(4), Dense(3, Name = "a"), Dense(3, From = "input"), Add("a"), Softmax]
                    public class GraphNet
                    {
                        public Trainer CreateTrainer(int maxBatchSize = 64, int seed = 0) => new Trainer();
                        public sealed class Trainer
                        {
                            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => 0f;
                        }
                    }

                    public static class Training
                    {
                        public static void Run()
                        {
                            var a = {|MG1004:new GraphBnNet().CreateTrainer(1)|};
                            var b = new GraphNet().CreateTrainer(1);
                        }
                    }
                }
                """;
            await Verify.VerifyAsync(code);
        }

        [Fact]
        public async Task RunningStatisticsLeftBehindFires()
        {
            const string code = """
                using System.IO;
                using System.Runtime.InteropServices;
                namespace App
                {
                    public static class Transfer
                    {
                        public static BnNet CopyParametersOnly(BnNet trained)
                        {
                            var serving = new BnNet();
                            {|MG1006:serving.SetParameters(trained.Parameters)|};
                            return serving;
                        }

                        public static BnNet CopyWithStatistics(BnNet trained, Stream saved)
                        {
                            var serving = new BnNet();
                            serving.SetParameters(trained.Parameters);
                            serving.SetTensor("1.running_mean", new float[3]);
                            return serving;
                        }

                        public static BnNet Load(Stream saved)
                        {
                            var serving = new BnNet();
                            serving.LoadWeights(saved);
                            return serving;
                        }

                        public static void Export(BnNet trained, string path) =>
                            File.WriteAllBytes(path, MemoryMarshal.AsBytes({|MG1006:trained.Parameters|}).ToArray());

                        public static PlainNet NoBatchNorm(PlainNet trained)
                        {
                            var serving = new PlainNet();
                            serving.SetParameters(trained.Parameters);
                            File.WriteAllBytes("p.bin", MemoryMarshal.AsBytes(trained.Parameters).ToArray());
                            return serving;
                        }
                    }
                }
                """;
            await Verify.VerifyAsync(Models, code);
        }
    }
}
