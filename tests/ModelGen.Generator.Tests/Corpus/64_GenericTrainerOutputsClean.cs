// A helper generic over ITrainer reads training-mode outputs. Called with the trainer of a model without BatchNorm or
// dropout (sealed, so its implementation is known), whose training-mode rows are computed alone: silent.
using ModelGen;

namespace Corpus.GenericTrainerClean
{
    [Model, Input(4), Dense(8), Tanh, Dense(2), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class PlainNet { }

    public static class Inspect
    {
        public static float[] Outputs<TTrainer>(TTrainer trainer) where TTrainer : ITrainer => trainer.LastOutputs.ToArray();

        [InferenceEntryPoint]
        public static float[] Predict(PlainNet.Trainer trainer, float[] rows, float[] labels)
        {
            trainer.ComputeGradients(rows, labels);
            return Outputs(trainer);
        }
    }
}
