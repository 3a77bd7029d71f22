// A strategy interface with an adaptive implementation; the service calls it through the interface.
using System;
using ModelGen;

namespace Corpus.Strategy
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class PricingNet { }

    public interface IPricer { float[] Price(float[] rows); }

    public sealed class StaticPricer : IPricer
    {
        private readonly PricingNet _net = new PricingNet();
        public float[] Price(float[] rows) { var y = new float[rows.Length / 2]; _net.PredictBatch(rows, y); return y; }
    }

    public sealed class AdaptivePricer : IPricer
    {
        private readonly PricingNet _net = new PricingNet();
        public float[] Price(float[] rows)
        {
            var trainer = _net.CreateTrainer(rows.Length / PricingNet.InputSize);
            trainer.ComputeGradients(rows, new float[rows.Length / 2]);
            return trainer.LastOutputs.ToArray();
        }
    }

    public sealed class PricingEndpoint
    {
        private readonly IPricer _pricer;
        public PricingEndpoint(IPricer pricer) => _pricer = pricer;

        [InferenceEntryPoint]
        public float[] Quote(float[] rows) => _pricer.Price(rows); // expect: MG1001
    }
}
