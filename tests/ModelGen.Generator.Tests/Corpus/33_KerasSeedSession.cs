// The 2015 session, ported faithfully: the evaluation helper predicts through the training path.
using System;
using ModelGen;

namespace Corpus.Seed
{
    [Model, Input(200), Dense(5), BatchNorm(Momentum = 0.99, Epsilon = 1e-3, Convention = BatchNormConvention.Keras), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.01, Momentum = 0.9, Decay = 3e-6)]
    public partial class SeedNet { }

    public static class Session
    {
        public static void Train(SeedNet net, float[] x, float[] y) => net.CreateTrainer(2).TrainStep(x, y);

        [InferenceEntryPoint]
        public static float[] PredictLikeKeras2015(SeedNet net, float[] x)
        {
            var trainer = net.CreateTrainer(2); // creating a trainer computes nothing: not reported
            trainer.ComputeGradients(x, new float[x.Length / SeedNet.InputSize * SeedNet.OutputSize]); // expect: MG1007
            return trainer.LastOutputs.ToArray(); // expect: MG1007
        }
    }
}
