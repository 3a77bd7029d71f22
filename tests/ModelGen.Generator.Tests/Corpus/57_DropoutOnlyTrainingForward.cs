// No BatchNorm, but dropout: the training-mode outputs of a row depend on the mask drawn for its position in the batch.
using ModelGen;

namespace Corpus.DropoutForward
{
    [Model, Input(4), Dense(8), ReLU, Dropout(0.3), Dense(2), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class DropNet { }

    public sealed class Scorer
    {
        private readonly DropNet.Trainer _trainer = new DropNet(3).CreateTrainer(32);

        [InferenceEntryPoint]
        public float[] Score(float[] rows, float[] labels)
        {
            Forward(rows, labels); // expect: MG1001
            return _trainer.LastOutputs.ToArray(); // expect: MG1007
        }

        private void Forward(float[] rows, float[] labels) => _trainer.ComputeGradients(rows, labels);
    }
}
