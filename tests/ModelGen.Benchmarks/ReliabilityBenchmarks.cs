using System;
using BenchmarkDotNet.Attributes;

namespace ModelGen.Benchmarks
{
    /// <summary>A 2-4-1 network: the smallest prediction, where a fixed per-call cost weighs most.</summary>
    [Model, Input(2), Dense(4), Tanh, Dense(1), Sigmoid]
    public partial class TinyBench
    {
    }

    /// <summary>
    /// What the reliability checks cost (issue 12): the weights guard every prediction passes (a read of a version count
    /// before, a fence and a read after), the overlap check, and the value checks of a training batch, next to the
    /// predictions and the training step they guard.
    /// </summary>
    [MemoryDiagnoser]
    public class ReliabilityBenchmarks
    {
        private readonly WeightsGuard _guard = new();
        private readonly TinyBench _tiny = new(1);
        private readonly BenchMlp _mlp = new(1);
        private readonly float[] _x = new float[64 * 784];
        private readonly float[] _y = new float[10];
        private readonly float[] _targets = new float[64 * 10];
        private readonly float[] _gradients = new float[BenchMlp.ParameterCount];

        [GlobalSetup]
        public void Setup()
        {
            var rng = new Random(1);
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = rng.NextSingle();
            }

            for (int r = 0; r < 64; r++)
            {
                _targets[(r * 10) + (r % 10)] = 1f;
            }
        }

        /// <summary>The guard alone: BeginRead and EndRead around nothing.</summary>
        [Benchmark]
        public bool Guard()
        {
            long token = _guard.BeginRead();
            return _guard.EndRead(ref token);
        }

        /// <summary>The 2-4-1 network's Predict (guard and checks included).</summary>
        [Benchmark]
        public void TinyPredict() => _tiny.Predict(_x.AsSpan(0, 2), _y.AsSpan(0, 1));

        /// <summary>The benchmark MLP's Predict (guard and checks included).</summary>
        [Benchmark]
        public void MlpPredict() => _mlp.Predict(_x.AsSpan(0, 784), _y);

        /// <summary>The value checks of a 64-row training batch of the benchmark MLP (inputs finite, targets in the loss's domain).</summary>
        [Benchmark]
        public void TrainingBatchCheck() => TrainingValues.Check(_x, _targets, 784, 10, LossKind.CategoricalCrossEntropy);

        /// <summary>The divergence check's scan of every gradient of the benchmark MLP (the same count as its parameters).</summary>
        [Benchmark]
        public int DivergenceCheck() => TrainingValues.IndexOfNonFinite(_gradients);
    }
}
