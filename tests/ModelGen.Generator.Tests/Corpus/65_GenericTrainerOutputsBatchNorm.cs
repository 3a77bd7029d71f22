// The same helper called with the trainer of a BatchNorm model: its training-mode rows use batch statistics.
using ModelGen;

namespace Corpus.GenericTrainerBn
{
    [Model, Input(4), Dense(8), BatchNorm, Tanh, Dense(2), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Sgd(LearningRate = 0.1)]
    public partial class BnNet { }

    public static class Inspect
    {
        public static float[] Outputs<TTrainer>(TTrainer trainer) where TTrainer : ITrainer => trainer.LastOutputs.ToArray();

        [InferenceEntryPoint]
        public static float[] Predict(BnNet.Trainer trainer) => Outputs(trainer); // expect: MG1001
    }
}
