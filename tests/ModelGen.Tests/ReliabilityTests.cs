using System;
using System.IO;
using System.Linq;
using System.Threading;
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

        /// <summary>
        /// Finding 2: every save used the same <c>path + ".tmp"</c>, so two concurrent saves to one path could leave a
        /// torn or empty file. Now each save has its own temporary file: after two threads saved two different models
        /// to one path 40 times each, the file loads as one of them, and no temporary file is left.
        /// </summary>
        [Fact]
        public void ConcurrentSavesToOnePathLeaveOneCompleteFile()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-save-").FullName;
            try
            {
                string path = Path.Combine(folder, "weights.safetensors");
                var a = new BnMlp(1);
                var b = new BnMlp(2);
                var threads = new[] { a, b }.Select(m => new Thread(() =>
                {
                    for (int i = 0; i < 40; i++)
                    {
                        m.SaveWeights(path);
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                var loaded = new BnMlp(3);
                loaded.LoadWeights(path);
                Assert.True(TestData.SameBits(loaded.Parameters, a.Parameters) || TestData.SameBits(loaded.Parameters, b.Parameters));
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>
        /// Finding 2: a legal 252-character file name failed because the temporary name added ".tmp" (255 bytes is the
        /// usual limit for one name); saving to "" wrote ".tmp" into the current folder; errors named the temporary path.
        /// </summary>
        [Fact]
        public void SaveTakesAnyLegalNameRejectsAnEmptyOneAndNamesTheUsersPath()
        {
            string folder = Directory.CreateTempSubdirectory("modelgen-save-").FullName;
            try
            {
                var model = new SeedNet(1);
                string longName = Path.Combine(folder, new string('w', 252 - ".safetensors".Length) + ".safetensors");
                Assert.Equal(252, Path.GetFileName(longName).Length);
                model.SaveWeights(longName);
                var other = new SeedNet(2);
                other.LoadWeights(longName);
                Assert.True(TestData.SameBits(model.Parameters, other.Parameters));

                var empty = Assert.Throws<ArgumentException>(() => model.SaveWeights(string.Empty));
                Assert.Contains("empty", empty.Message);
                Assert.False(File.Exists(".tmp"));

                string missing = Path.Combine(folder, "no-such-folder", "w.safetensors");
                var notFound = Assert.Throws<DirectoryNotFoundException>(() => model.SaveWeights(missing));
                Assert.Contains(missing, notFound.Message);
                Assert.Equal(new[] { longName }, Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
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
