using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Issue 10 item 7: CSV reading (Sylvan.Data.Csv), class labels, stratified splits, standardization.</summary>
    public class DataTests
    {
        private const string Table = "\"sepal, length\",species,petal\n5.1,setosa,1.4\n\"7.0\",versicolor,4.7\n6.3,virginica,6.0\n4.9,setosa,1.5\n";

        [Fact]
        public void ReadCsvTakesAHeaderANamedLabelColumnQuotedFieldsAndClassNames()
        {
            var data = DataSet.ReadCsv(new StringReader(Table), "species");
            Assert.Equal(new[] { "sepal, length", "petal" }, data.FeatureNames);
            Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, data.ClassNames);
            Assert.Equal(new[] { 0, 1, 2, 0 }, data.Labels);
            Assert.Equal(new[] { 5.1f, 1.4f, 7.0f, 4.7f, 6.3f, 6.0f, 4.9f, 1.5f }, data.Features);
            Assert.Equal(ClassLabels.OneHot(new[] { 0, 1, 2, 0 }, 3), data.Targets);

            // Class names in a given order; class indices as they are.
            var ordered = DataSet.ReadCsv(new StringReader(Table), "species", new[] { "virginica", "versicolor", "setosa" });
            Assert.Equal(new[] { 2, 1, 0, 2 }, ordered.Labels);
            var indices = DataSet.ReadCsv(new StringReader("a,label\n1,2\n3,0\n"), "label");
            Assert.Equal(new[] { 2, 0 }, indices.Labels);
            Assert.Equal(3, indices.TargetLength);
        }

        [Fact]
        public void BadCsvDataIsNamedWithItsLineAndColumn()
        {
            var e = Assert.Throws<InvalidDataException>(() => DataSet.ReadCsv(new StringReader(Table), "class"));
            Assert.Contains("no column 'class'", e.Message);
            Assert.Contains("species", e.Message);
            e = Assert.Throws<InvalidDataException>(() => DataSet.ReadCsv(new StringReader("x,y\n1,a\nfive,b\n"), "y"));
            Assert.Contains(":3:", e.Message);
            Assert.Contains("'x'", e.Message);
            Assert.Contains("'five'", e.Message);
            e = Assert.Throws<InvalidDataException>(() => DataSet.ReadCsv(new StringReader(Table), "species", new[] { "setosa", "virginica" }));
            Assert.Contains("'versicolor'", e.Message);
        }

        /// <summary>The Quickstart's digits (shipped in the repository): 1,797 rows of 64 pixels, labels 0 to 9 matching the one-hot targets.</summary>
        [Fact]
        public void TheDigitsLoadWithLabels()
        {
            string path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "Quickstart", "data", "digits.csv.gz");
            var digits = DataSet.LoadClassificationCsv(path, featureCount: 64, classCount: 10, featureScale: 1f / 16f);
            Assert.Equal(1797, digits.Rows);
            Assert.Equal(10, digits.Labels!.Distinct().Count());
            for (int r = 0; r < digits.Rows; r++)
            {
                Assert.Equal(digits.Labels![r], Metrics.ArgMax(digits.Targets.AsSpan(r * 10, 10)));
            }

            Assert.InRange(digits.Features.Max(), 0.99f, 1f);
        }

        /// <summary>A stratified split keeps each class's share (rounded per class), loses and duplicates no row, and is seeded.</summary>
        [Fact]
        public void StratifiedSplitsKeepEveryClassShare()
        {
            var labels = Enumerable.Range(0, 103).Select(i => i < 60 ? 0 : i < 90 ? 1 : 2).ToArray();
            var features = Enumerable.Range(0, 103).Select(i => (float)i).ToArray();
            var data = DataSet.FromLabels(features, labels, 1, 3);
            var (train, test) = data.StratifiedSplit(0.2, seed: 5);
            Assert.Equal(new[] { 12, 6, 3 }, Enumerable.Range(0, 3).Select(c => test.Labels!.Count(l => l == c)));
            Assert.Equal(new[] { 48, 24, 10 }, Enumerable.Range(0, 3).Select(c => train.Labels!.Count(l => l == c)));
            Assert.Equal(features, train.Features.Concat(test.Features).OrderBy(v => v));
            foreach (var part in new[] { train, test })
            {
                for (int r = 0; r < part.Rows; r++)
                {
                    Assert.Equal(labels[(int)part.Features[r]], part.Labels![r]);
                }
            }

            Assert.Equal(test.Features, data.StratifiedSplit(0.2, seed: 5).Test.Features);
            Assert.NotEqual(test.Features, data.StratifiedSplit(0.2, seed: 6).Test.Features);
            Assert.Throws<InvalidOperationException>(() => new DataSet(features, features, 1, 1).StratifiedSplit(0.2));
        }

        /// <summary>Fitted on the training rows: they get mean 0 and standard deviation 1 per feature; other rows use the same numbers.</summary>
        [Fact]
        public void TheStandardizerUsesTheTrainingRowsOnly()
        {
            float[] train = { 1, 10, 5, 3, 10, 5, 5, 10, 5, 7, 10, 5 }; // feature 0: 1,3,5,7 (mean 4, std sqrt(5)); features 1, 2 constant
            var s = Standardizer.Fit(train, 3);
            Assert.Equal(new[] { 4.0, 10.0, 5.0 }, s.Mean);
            Assert.Equal(new[] { Math.Sqrt(5), 1.0, 1.0 }, s.Scale);
            var copy = (float[])train.Clone();
            s.Transform(copy);
            Assert.Equal(0, Enumerable.Range(0, 4).Average(r => copy[r * 3]), 6);
            Assert.Equal(1, Math.Sqrt(Enumerable.Range(0, 4).Average(r => copy[r * 3] * copy[r * 3])), 6);
            Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0f, copy[(r * 3) + 1]));
            float[] test = { 9, 12, 5 };
            s.Transform(test);
            Assert.Equal((float)((9 - 4) / Math.Sqrt(5)), test[0]);
            Assert.Equal(2f, test[1]);
        }
    }
}
