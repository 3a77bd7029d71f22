using System;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// SGD (momentum, Nesterov, Keras decay, weight decay) and Adam against steps computed by hand in double precision on
    /// y = w . x with MSE, whose gradient is 2 (y - t) x. Tolerance: 1e-6 relative, a few float32 roundings per step.
    /// </summary>
    public class OptimizerTests
    {
        private static readonly double[] X = { 0.5, -1.5 };
        private const double T = 2.0;

        private static double[] Gradient(double[] w) => new[] { 2 * ((w[0] * X[0]) + (w[1] * X[1]) - T) * X[0], 2 * ((w[0] * X[0]) + (w[1] * X[1]) - T) * X[1] };

        private static void Run(IModel model, ITrainer trainer, Func<double[], int, double[]> expectedStep, int steps = 3)
        {
            var p = ParamsOf(model);
            double[] w = { p[0], p[1] };
            for (int k = 0; k < steps; k++)
            {
                trainer.TrainStep(new[] { (float)X[0], (float)X[1] }, new[] { (float)T });
                w = expectedStep(w, k);
                var actual = ParamsOf(model);
                for (int i = 0; i < 2; i++)
                {
                    Assert.True(Math.Abs(actual[i] - w[i]) <= 1e-6 * Math.Max(1, Math.Abs(w[i])), $"step {k}, w[{i}]: {actual[i]} vs {w[i]}");
                }
            }
        }

        private static float[] ParamsOf(IModel model) => model switch
        {
            LinearSgd m => m.Parameters.ToArray(),
            LinearMomentum m => m.Parameters.ToArray(),
            LinearNesterov m => m.Parameters.ToArray(),
            LinearAdam m => m.Parameters.ToArray(),
            _ => throw new ArgumentException(),
        };

        [Fact]
        public void PlainSgd()
        {
            var m = new LinearSgd(1);
            Run(m, m.CreateTrainer(1), (w, _) =>
            {
                var g = Gradient(w);
                return new[] { w[0] - (0.1 * g[0]), w[1] - (0.1 * g[1]) };
            });
        }

        [Fact]
        public void SgdWithMomentumAndKerasDecay()
        {
            var m = new LinearMomentum(2);
            var v = new double[2];
            Run(m, m.CreateTrainer(1), (w, k) =>
            {
                var g = Gradient(w);
                double lr = 0.1 / (1 + (0.5 * k));
                var next = new double[2];
                for (int i = 0; i < 2; i++)
                {
                    v[i] = (0.9 * v[i]) - (lr * g[i]);
                    next[i] = w[i] + v[i];
                }

                return next;
            });
        }

        [Fact]
        public void SgdWithNesterovAndWeightDecay()
        {
            var m = new LinearNesterov(3);
            var v = new double[2];
            Run(m, m.CreateTrainer(1), (w, _) =>
            {
                var g = Gradient(w);
                var next = new double[2];
                for (int i = 0; i < 2; i++)
                {
                    double gi = g[i] + (0.01 * w[i]);
                    v[i] = (0.9 * v[i]) - (0.1 * gi);
                    next[i] = w[i] + (0.9 * v[i]) - (0.1 * gi);
                }

                return next;
            });
        }

        [Fact]
        public void AdamPyTorchForm()
        {
            var m = new LinearAdam(4);
            var m1 = new double[2];
            var m2 = new double[2];
            Run(m, m.CreateTrainer(1), (w, k) =>
            {
                var g = Gradient(w);
                int t = k + 1;
                var next = new double[2];
                for (int i = 0; i < 2; i++)
                {
                    double gi = g[i] + (0.1 * w[i]);
                    m1[i] = (0.8 * m1[i]) + (0.2 * gi);
                    m2[i] = (0.99 * m2[i]) + (0.01 * gi * gi);
                    double denom = (Math.Sqrt(m2[i]) / Math.Sqrt(1 - Math.Pow(0.99, t))) + 1e-6;
                    next[i] = w[i] - (0.01 / (1 - Math.Pow(0.8, t)) * m1[i] / denom);
                }

                return next;
            });
        }

        [Fact]
        public void IterationsCountUpdatesOnly()
        {
            var m = new LinearSgd();
            var trainer = m.CreateTrainer(1);
            trainer.ComputeGradients(new[] { 1f, 1f }, new[] { 0f });
            Assert.Equal(0, trainer.Iterations);
            trainer.TrainStep(new[] { 1f, 1f }, new[] { 0f });
            Assert.Equal(1, trainer.Iterations);
        }
    }
}
