// A formatting delegate stored in a field and invoked by the entry point: it only post-processes predictions.
using System;
using ModelGen;

namespace Corpus.DelegateFieldClean
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class FormatNet { }

    public sealed class Scorer
    {
        private readonly FormatNet _net = new FormatNet();
        private readonly Func<float[], string> _format = y => string.Join(",", y);

        [InferenceEntryPoint]
        public string Score(float[] row)
        {
            var y = new float[2];
            _net.Predict(row, y);
            return _format(y);
        }

        public void Retrain(float[] rows, float[] targets) => _net.CreateTrainer(16).TrainStep(rows, targets);
    }
}
