// A minimal-API style route table: handlers are lambdas marked as inference entry points.
using System;
using System.Collections.Generic;
using ModelGen;

namespace Corpus.MinimalApi
{
    [Model, Input(6), Dense(12), BatchNorm, ReLU, Dense(1), Sigmoid]
    [Loss(LossKind.BinaryCrossEntropy), Adam]
    public partial class ChurnNet { }

    public sealed class Router
    {
        public readonly Dictionary<string, Func<float[], float[]>> Routes = new();
        public void Map(string path, Func<float[], float[]> handler) => Routes[path] = handler;
    }

    public static class Api
    {
        public static void Register(Router app, ChurnNet net)
        {
            var trainer = net.CreateTrainer(64);
            app.Map("/predict", [InferenceEntryPoint] (float[] x) => { var y = new float[1]; net.Predict(x, y); return y; });
            app.Map("/predict-batch", [InferenceEntryPoint] (float[] x) =>
            {
                trainer.ComputeGradients(x, new float[x.Length / ChurnNet.InputSize]); // expect: MG1007
                return trainer.LastOutputs.ToArray(); // expect: MG1007
            });
            app.Map("/train", (float[] x) => { trainer.TrainStep(x, new float[x.Length / ChurnNet.InputSize]); return Array.Empty<float>(); });
        }
    }
}
