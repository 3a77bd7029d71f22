// The same serving class, but its "explanation" reads the trainer's gradients for the incoming rows: a mean over the
// batch, through BatchNorm's batch statistics, so each row's explanation depends on the others.
using System;
using ModelGen;

namespace Corpus.TrainerGradients
{
    [Model, Input(6), Dense(8), BatchNorm, ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class StateNet { }

    public sealed class Serving
    {
        private readonly StateNet.Trainer _trainer = new StateNet(1).CreateTrainer(16);

        [InferenceEntryPoint]
        public float[] Explain(float[] rows, float[] targets)
        {
            var y = new float[rows.Length / StateNet.InputSize * StateNet.OutputSize];
            _trainer.Model.PredictBatch(rows, y);
            return Saliency(rows, targets); // expect: MG1001
        }

        private float[] Saliency(float[] rows, float[] targets)
        {
            _trainer.ComputeGradients(rows, targets);
            return _trainer.Gradients.ToArray();
        }
    }
}
