// A generic pipeline stage whose generic helper runs a training step.
using System;
using ModelGen;

namespace Corpus.Generic
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class StageNet { }

    public static class Stage<TContext>
    {
        public static float[] Run(StageNet net, float[] rows, TContext context) => Polish(net, rows);
        private static float[] Polish(StageNet net, float[] rows)
        {
            var trainer = net.CreateTrainer(64);
            trainer.ComputeGradients(rows, new float[rows.Length / 2]);
            return trainer.LastOutputs.ToArray();
        }
    }

    public sealed class Pipeline
    {
        [InferenceEntryPoint]
        public float[] Execute<T>(StageNet net, float[] rows, T context) => Stage<T>.Run(net, rows, context); // expect: MG1001
    }
}
