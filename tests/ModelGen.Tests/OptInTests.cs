using System;
using System.Linq;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>The declared opt-ins: batch statistics at inference and Monte Carlo dropout behave as declared and are marked.</summary>
    public class OptInTests
    {
        [Fact]
        public void BatchStatisticsAtInferenceNormalizesWithTheBatch()
        {
            var model = new AdaptiveNet(1);
            // One row: the variance over the batch is 0, so the BatchNorm outputs its bias (0) whatever the input:
            // the Keras 2015 behaviour, here only because it was declared.
            var a = new float[2];
            var b = new float[2];
            model.Predict(new[] { 1f, 2f, 3f }, a);
            model.Predict(new[] { -5f, 0.5f, 9f }, b);
            Assert.Equal(a, b);

            // In a batch, the same row's output depends on its neighbours.
            var x = new[] { 1f, 2f, 3f, -5f, 0.5f, 9f, 0f, 0f, 1f };
            var y1 = new float[4];
            model.PredictBatch(x.AsSpan(0, 6), y1);
            var y2 = new float[4];
            model.PredictBatch(x.AsSpan(3, 6), y2);
            Assert.NotEqual(y1.Skip(2).Take(2), y2.Take(2));
        }

        [Fact]
        public void PredictCarriesTheOptInForTheAnalyzer()
        {
            var predict = typeof(AdaptiveNet).GetMethod("Predict")!;
            var attribute = Assert.Single(predict.GetCustomAttributes(typeof(UsesBatchStatisticsAttribute), false).Cast<UsesBatchStatisticsAttribute>());
            Assert.Contains("test-time adaptation", attribute.Reason);
            Assert.Empty(typeof(SeedNet).GetMethod("Predict")!.GetCustomAttributes(typeof(UsesBatchStatisticsAttribute), false));
        }

        [Fact]
        public void MonteCarloDropoutVariesFromCallToCall()
        {
            var model = new McDropoutNet(3);
            var x = new[] { 1f, -1f, 0.5f, 2f, 0f, 1f };
            var outputs = Enumerable.Range(0, 8).Select(_ => { var y = new float[2]; model.Predict(x, y); return y[0]; }).ToList();
            Assert.True(outputs.Distinct().Count() > 1, "Monte Carlo dropout gave the same output every call");
        }
    }
}
