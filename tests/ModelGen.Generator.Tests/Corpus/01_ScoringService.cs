// A scoring service that predicts through the generated inference path. Clean.
using System;
using ModelGen;

namespace Corpus.Scoring
{
    [Model, Input(8), Dense(16), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class RiskNet { }

    public sealed class ScoringService
    {
        private readonly RiskNet _net;

        public ScoringService(string weightsPath)
        {
            _net = new RiskNet();
            _net.LoadWeights(weightsPath);
        }

        [InferenceEntryPoint]
        public int Classify(float[] features)
        {
            Span<float> probabilities = stackalloc float[RiskNet.OutputSize];
            _net.Predict(features, probabilities);
            int best = 0;
            for (int i = 1; i < probabilities.Length; i++)
            {
                if (probabilities[i] > probabilities[best]) best = i;
            }

            return best;
        }
    }
}
