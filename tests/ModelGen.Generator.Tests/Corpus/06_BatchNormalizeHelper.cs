// A preprocessing helper that standardizes with the statistics of the incoming batch.
using System;
using ModelGen;

namespace Corpus.Preprocess
{
    [Model, Input(5), Dense(8), ReLU, Dense(2), Softmax]
    public partial class SensorNet { }

    public static class Preprocessing
    {
        /// Standardizes each column with the batch's own mean and variance.
        [UsesBatchStatistics]
        public static void StandardizeBatch(float[] rows, int width)
        {
            int n = rows.Length / width;
            for (int j = 0; j < width; j++)
            {
                double mean = 0, sq = 0;
                for (int r = 0; r < n; r++) mean += rows[r * width + j];
                mean /= n;
                for (int r = 0; r < n; r++) sq += Math.Pow(rows[r * width + j] - mean, 2);
                double std = Math.Sqrt(sq / n) + 1e-6;
                for (int r = 0; r < n; r++) rows[r * width + j] = (float)((rows[r * width + j] - mean) / std);
            }
        }

        /// Standardizes with constants fitted on the training set: per sample, not a batch statistic.
        public static void Standardize(float[] row, float[] mean, float[] std)
        {
            for (int j = 0; j < row.Length; j++) row[j] = (row[j] - mean[j]) / std[j];
        }
    }

    public sealed class Detector
    {
        private readonly SensorNet _net = new SensorNet();

        [InferenceEntryPoint]
        public float[] Detect(float[] rows)
        {
            Preprocessing.StandardizeBatch(rows, SensorNet.InputSize); // expect: MG1007
            var y = new float[rows.Length / SensorNet.InputSize * SensorNet.OutputSize];
            _net.PredictBatch(rows, y);
            return y;
        }
    }
}
