// A strategy delegate chosen in the constructor and stored in a field; the entry point invokes the field. The stored
// lambda recalibrates the model by training it on the request.
using System;
using ModelGen;

namespace Corpus.DelegateField
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class StrategyNet { }

    public sealed class Scorer
    {
        private readonly StrategyNet _net = new StrategyNet();
        private readonly Func<float[], float[]> _score;

        public Scorer(bool adaptive)
        {
            _score = adaptive ? Adapt : Plain;
        }

        [InferenceEntryPoint]
        public float[] Score(float[] rows) => _score(rows); // expect: MG1001

        private float[] Plain(float[] rows)
        {
            var y = new float[rows.Length / 2];
            _net.PredictBatch(rows, y);
            return y;
        }

        private float[] Adapt(float[] rows)
        {
            _net.CreateTrainer(16).TrainStep(rows, new float[rows.Length / 2]);
            return Plain(rows);
        }
    }
}
