using System.Threading.Tasks;
using ModelGen.CodeFixes;
using ModelGen.Generator.Analyzers;
using Xunit;

namespace ModelGen.Generator.Tests.Analyzers
{
    public class CodeFixTests
    {
        [Fact]
        public async Task Mg1002SwitchesToRunningStatistics()
        {
            const string source = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1002:BatchNorm(UseBatchStatisticsAtInference = true, Momentum = 0.1)|}]
                public class A { }
                """;
            const string fixedSource = """
                using ModelGen;
                [Model, Input(4), Dense(3), BatchNorm(Momentum = 0.1)]
                public class A { }
                """;
            await AnalyzerVerifier<ModelRulesAnalyzer>.VerifyFixAsync<RemoveInferenceOptionFix>(source, fixedSource);
        }

        [Fact]
        public async Task Mg1003MakesDropoutTheIdentity()
        {
            const string source = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1003:Dropout(0.5, ActiveAtInference = true)|}, Dense(1)]
                public class A { }
                """;
            const string fixedSource = """
                using ModelGen;
                [Model, Input(4), Dense(3), Dropout(0.5), Dense(1)]
                public class A { }
                """;
            await AnalyzerVerifier<ModelRulesAnalyzer>.VerifyFixAsync<RemoveInferenceOptionFix>(source, fixedSource);
        }

        [Fact]
        public async Task Mg1005DeclaresTheConvention()
        {
            const string source = """
                using ModelGen;
                [Model, Input(4), Dense(3), {|MG1005:BatchNorm(Momentum = 0.99)|}]
                public class A { }
                """;
            const string fixedSource = """
                using ModelGen;
                [Model, Input(4), Dense(3), BatchNorm(Momentum = 0.99, Convention = BatchNormConvention.Keras)]
                public class A { }
                """;
            await AnalyzerVerifier<ModelRulesAnalyzer>.VerifyFixAsync<SwitchConventionFix>(source, fixedSource);
        }

        [Fact]
        public async Task Mg1008AddsAReasonScaffold()
        {
            const string source = """
                using ModelGen;
                public class S
                {
                    [InferenceEntryPoint, {|MG1008:UsesBatchStatistics|}]
                    public void Adapt(float[] x) { }
                }
                """;
            const string fixedSource = """
                using ModelGen;
                public class S
                {
                    [InferenceEntryPoint, {|MG1008:UsesBatchStatistics(Reason = "")|}]
                    public void Adapt(float[] x) { }
                }
                """;
            await AnalyzerVerifier<BatchStatisticsAnalyzer>.VerifyFixAsync<OptInFix>(source, fixedSource);
        }

        [Fact]
        public async Task Mg1007OptsTheEntryPointIn()
        {
            const string source = """
                using ModelGen;
                public static class Stats { [UsesBatchStatistics] public static void NormalizeBatch(float[] x) { } }
                public class S
                {
                    [InferenceEntryPoint]
                    public void Score(float[] x) => {|MG1007:Stats.NormalizeBatch(x)|};
                }
                """;
            const string fixedSource = """
                using ModelGen;
                public static class Stats { [UsesBatchStatistics] public static void NormalizeBatch(float[] x) { } }
                public class S
                {
                    [InferenceEntryPoint]
                    [{|MG1008:UsesBatchStatistics(Reason = "")|}]
                    public void Score(float[] x) => Stats.NormalizeBatch(x);
                }
                """;
            await AnalyzerVerifier<BatchStatisticsAnalyzer>.VerifyFixAsync<OptInFix>(source, fixedSource);
        }
    }
}
