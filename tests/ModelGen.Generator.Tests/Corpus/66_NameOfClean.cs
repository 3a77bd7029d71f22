// A request logger names the trainer's members in its messages: nameof only takes a name, nothing runs.
using System;
using ModelGen;

namespace Corpus.NameOf
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class NamedNet { }

    public sealed class Service
    {
        private readonly NamedNet _net = new NamedNet();
        private readonly NamedNet.Trainer _trainer;

        public Service() => _trainer = _net.CreateTrainer(8);

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            var y = new float[NamedNet.OutputSize];
            _net.Predict(row, y);
            Console.WriteLine($"{nameof(Predict)}: not {nameof(NamedNet.Trainer.TrainStep)} nor {nameof(_trainer.LastOutputs)}");
            return y;
        }
    }
}
