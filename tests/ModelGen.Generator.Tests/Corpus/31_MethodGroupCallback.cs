// A callback registered as a method group; the callback fits the model.
using System;
using ModelGen;

namespace Corpus.Callback
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class CallbackNet { }

    public sealed class Handler
    {
        private readonly CallbackNet _net = new CallbackNet();

        [InferenceEntryPoint]
        public float[] OnRequest(float[] rows)
        {
            Func<float[], float[]> step = Recalibrate; // expect: MG1001
            return step(rows);
        }

        private float[] Recalibrate(float[] rows)
        {
            var trainer = _net.CreateTrainer(16);
            trainer.Fit(rows, new float[rows.Length / 2], new FitOptions { Epochs = 1, BatchSize = 16 });
            var y = new float[rows.Length / 2];
            _net.PredictBatch(rows, y);
            return y;
        }
    }
}
