// A service that "refreshes" predictions through the trainer: training-mode outputs with batch statistics.
using System;
using ModelGen;

namespace Corpus.Refresh
{
    [Model, Input(8), Dense(16), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class RiskNet { }

    public sealed class ScoringService
    {
        private readonly RiskNet _net = new RiskNet();
        private readonly RiskNet.Trainer _trainer;

        public ScoringService() => _trainer = _net.CreateTrainer(32);

        [InferenceEntryPoint]
        public float[] ScoreBatch(float[] rows)
        {
            var targets = new float[rows.Length / RiskNet.InputSize * RiskNet.OutputSize];
            _trainer.ComputeGradients(rows, targets); // expect: MG1007
            return _trainer.LastOutputs.ToArray(); // expect: MG1007
        }
    }
}
