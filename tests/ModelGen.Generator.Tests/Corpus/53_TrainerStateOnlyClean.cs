// A serving class holds the trainer that a background job uses, and reads only its state from the inference path:
// the model it trains, the step count and the learning rate. None of them computes anything from a batch.
using System;
using ModelGen;

namespace Corpus.TrainerState
{
    [Model, Input(6), Dense(8), BatchNorm, ReLU, Dropout(0.2), Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class StateNet { }

    public sealed class Serving
    {
        private readonly StateNet.Trainer _trainer = new StateNet(1).CreateTrainer(16);

        public void TrainInBackground(float[] x, int[] labels) => _trainer.TrainStep(x, labels);

        [InferenceEntryPoint]
        public float[] Predict(float[] row)
        {
            var y = new float[StateNet.OutputSize];
            _trainer.Model.Predict(row, y);
            Log($"step {_trainer.Iterations}, rate {_trainer.LearningRate}, batches up to {_trainer.MaxBatchSize}");
            return y;
        }

        private static void Log(string message) => Console.WriteLine(message);
    }
}
