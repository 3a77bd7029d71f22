// The same plain model, but the scorer learns from every request before it predicts: the update is computed from the
// whole batch, so each row's prediction depends on the other rows even without BatchNorm or dropout.
using ModelGen;

namespace Corpus.OnlineLearning
{
    [Model, Input(4), Dense(8), Tanh, Dense(2), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class PlainNet { }

    public sealed class Scorer
    {
        private readonly PlainNet _net = new PlainNet(3);
        private readonly PlainNet.Trainer _trainer;

        public Scorer() => _trainer = _net.CreateTrainer(32);

        [InferenceEntryPoint]
        public float[] LearnThenScore(float[] rows, float[] labels)
        {
            Adapt(rows, labels); // expect: MG1001
            var y = new float[rows.Length / PlainNet.InputSize * PlainNet.OutputSize];
            _net.PredictBatch(rows, y);
            return y;
        }

        private void Adapt(float[] rows, float[] labels) => _trainer.TrainStep(rows, labels);
    }
}
