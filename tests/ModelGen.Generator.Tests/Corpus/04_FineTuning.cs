// Fine-tuning code: training-only helpers never reachable from inference. Clean.
using System;
using ModelGen;

namespace Corpus.FineTune
{
    [Model, Input(16), Dense(32, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU, Dropout(0.2), Dense(4, Name = "head"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam(LearningRate = 1e-4)]
    public partial class Classifier { }

    public sealed class FineTuner
    {
        public Classifier Run(string pretrained, float[] x, float[] y, IProgress<EpochReport> progress)
        {
            var model = new Classifier();
            model.LoadWeights(pretrained);
            var trainer = model.CreateTrainer(maxBatchSize: 64);
            trainer.Fit(x, y, new FitOptions { Epochs = 5, BatchSize = 64 }, progress);
            return model;
        }

        [InferenceEntryPoint]
        public void Serve(Classifier model, float[] x, float[] y) => model.PredictBatch(x, y);
    }
}
