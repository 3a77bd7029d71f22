// A model with neither BatchNorm nor dropout: its training-mode forward pass computes each row alone, so reading the
// training-mode outputs from an inference path does not make a row's prediction depend on the others (MG1001 rule).
using ModelGen;

namespace Corpus.PlainForward
{
    [Model, Input(4), Dense(8), Tanh, Dense(2), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class PlainNet { }

    public sealed class Scorer
    {
        private readonly PlainNet.Trainer _trainer = new PlainNet(3).CreateTrainer(32);

        [InferenceEntryPoint]
        public float[] ScoreWithLoss(float[] rows, float[] labels, out float meanLoss)
        {
            meanLoss = Forward(rows, labels);
            return _trainer.LastOutputs.ToArray();
        }

        private float Forward(float[] rows, float[] labels) => _trainer.ComputeGradients(rows, labels);
    }
}
