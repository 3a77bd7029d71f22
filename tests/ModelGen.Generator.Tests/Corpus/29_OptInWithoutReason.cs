// Someone silenced the analyzer without saying why.
using System;
using ModelGen;

namespace Corpus.Silenced
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class TagNet { }

    public sealed class Tagger
    {
        private readonly TagNet _net = new TagNet();

        [InferenceEntryPoint]
        [UsesBatchStatistics] // expect: MG1008
        public float[] Tag(float[] rows)
        {
            var trainer = _net.CreateTrainer(32);
            trainer.ComputeGradients(rows, new float[rows.Length / 2]);
            return trainer.LastOutputs.ToArray();
        }
    }
}
