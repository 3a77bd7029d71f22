// foreach over a plain list, a using scope that only times, and a deconstructed result: nothing trains.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using ModelGen;

namespace Corpus.PatternsClean
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class PlainNet { }

    public sealed class Timer : IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Dispose() => Console.WriteLine(_clock.Elapsed);
    }

    public readonly struct Scored
    {
        public Scored(float a, float b) => (A, B) = (a, b);

        public float A { get; }

        public float B { get; }

        public void Deconstruct(out float a, out float b) => (a, b) = (A, B);
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float Score(PlainNet net, List<float[]> rows)
        {
            using var timer = new Timer();
            float total = 0;
            var y = new float[2];
            foreach (var row in rows)
            {
                net.Predict(row, y);
                var (a, b) = new Scored(y[0], y[1]);
                total += a - b;
            }

            return total;
        }

        public static void Retrain(PlainNet net, float[] rows, float[] targets) => net.CreateTrainer(16).TrainStep(rows, targets);
    }
}
