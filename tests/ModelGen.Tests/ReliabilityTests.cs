using System;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Regression tests for the reliability findings (issue 12): the safe API never corrupts memory or data.</summary>
    public class ReliabilityTests
    {
        /// <summary>
        /// Finding 1: the trainer sized its caches as maxBatchSize * width without a check, so (1 &lt;&lt; 27) + 1 rows of a
        /// 32-wide model wrapped to a tiny array and TrainStep wrote past it (a process crash); int.MaxValue threw
        /// OverflowException. Now every maxBatchSize whose caches cannot exist as .NET arrays is an
        /// ArgumentOutOfRangeException naming the limit.
        /// </summary>
        [Fact]
        public void CreateTrainerRejectsBatchesWhoseCachesCannotExist()
        {
            var model = new Wide32(1);
            const int limit = 2147483591 / 32;
            foreach (int rows in new[] { (1 << 27) + 1, int.MaxValue, limit + 1 })
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateTrainer(rows));
                Assert.Equal("maxBatchSize", e.ParamName);
                Assert.Contains($"at most {limit} rows", e.Message);
            }

            var cnn = Assert.Throws<ArgumentOutOfRangeException>(() => new SmallCnn(1).CreateTrainer(int.MaxValue));
            Assert.Contains("values per row", cnn.Message);
            Assert.Equal(64, model.CreateTrainer(64).MaxBatchSize);
        }
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>32 inputs, 32 outputs: the model of the trainer-overflow finding.</summary>
    [Model, Input(32), Dense(32), Loss(LossKind.MeanSquaredError), Sgd]
    public partial class Wide32
    {
    }
}
