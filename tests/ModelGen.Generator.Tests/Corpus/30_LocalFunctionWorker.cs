// A background worker whose inference handler uses a local function that trains.
using System;
using ModelGen;

namespace Corpus.Worker
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class WorkerNet { }

    public sealed class Worker
    {
        private readonly WorkerNet _net = new WorkerNet();

        [InferenceEntryPoint]
        public float[] Handle(float[] rows)
        {
            var outputs = Refresh(); // expect: MG1001
            return outputs;

            float[] Refresh()
            {
                var trainer = _net.CreateTrainer(32);
                trainer.ComputeGradients(rows, new float[rows.Length / 2]);
                return trainer.LastOutputs.ToArray();
            }
        }
    }
}
