// A helper whose field initializer fits a calibration model when the helper is created; the entry point creates one
// per request.
using System;
using ModelGen;

namespace Corpus.Initializer
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class InitNet { }

    public sealed class Calibrated
    {
        private static readonly float[] Rows = new float[16 * 4];

        public readonly InitNet Net = new InitNet();

        private readonly int _steps;

        public Calibrated()
        {
            _steps = Calibrate(Net);
        }

        public int Steps => _steps;

        private static int Calibrate(InitNet net)
        {
            net.CreateTrainer(16).Fit(Rows, new float[16 * 2], new FitOptions { Epochs = 1, BatchSize = 16 });
            return 1;
        }
    }

    public sealed class Lazy
    {
        private readonly InitNet _net = new InitNet();
        private readonly float _bias = Warm();

        private static float Warm()
        {
            var net = new InitNet();
            return net.CreateTrainer(2).TrainStep(new float[8], new float[4]);
        }

        public float Bias => _bias;
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float[] Predict(float[] row)
        {
            var helper = new Lazy(); // expect: MG1001
            var y = new float[2];
            new InitNet().Predict(row, y);
            y[0] += helper.Bias;
            return y;
        }
    }
}
