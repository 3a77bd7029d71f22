// A property whose getter computes a training-mode diagnostic but whose setter only stores; the entry point only sets it.
using ModelGen;

namespace Corpus.SetterClean
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class GetterNet { }

    public sealed class Monitor
    {
        private readonly GetterNet _net = new GetterNet();
        private float[] _last = new float[4];

        public float[] Last
        {
            get
            {
                var trainer = _net.CreateTrainer(2);
                trainer.ComputeGradients(new float[8], new float[4]);
                return trainer.Gradients.ToArray();
            }

            set => _last = value;
        }

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            Last = row;
            var y = new float[2];
            _net.Predict(row, y);
            return y;
        }

        public int Size => _last.Length;
    }
}
