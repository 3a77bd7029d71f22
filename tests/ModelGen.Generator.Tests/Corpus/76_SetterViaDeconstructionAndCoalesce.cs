// Properties assigned by deconstruction and by ??= run their setters; these setters retrain on the batch.
using ModelGen;

namespace Corpus.SetterForms
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class FormNet { }

    public sealed class Session
    {
        private readonly FormNet _net = new FormNet();
        private float[] _batch = new float[8];
        private string? _label;

        public float[] Batch
        {
            get => _batch;
            set
            {
                _batch = value;
                _net.CreateTrainer(2).TrainStep(value, new float[4]);
            }
        }

        public string? Label
        {
            get => _label;
            set
            {
                _label = value;
                _net.CreateTrainer(2).TrainStep(_batch, new float[4]);
            }
        }

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            (Batch, var count) = (row, 1); // expect: MG1001
            Label ??= "request"; // expect: MG1001
            var y = new float[2 * count];
            _net.Predict(row, y);
            return y;
        }
    }
}
