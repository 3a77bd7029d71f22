// A settings object whose Threshold setter re-fits the model; the entry point assigns it.
using ModelGen;

namespace Corpus.Setter
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class SetterNet { }

    public sealed class Tuned
    {
        private readonly SetterNet _net = new SetterNet();
        private float _threshold;

        public float Threshold
        {
            get => _threshold;
            set
            {
                _threshold = value;
                _net.CreateTrainer(2).TrainStep(new float[8], new float[4]);
            }
        }

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            Threshold = row[0]; // expect: MG1001
            var y = new float[2];
            _net.Predict(row, y);
            return y;
        }
    }
}
