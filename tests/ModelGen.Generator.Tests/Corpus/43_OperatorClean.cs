// A vector type with arithmetic operators that only do arithmetic.
using ModelGen;

namespace Corpus.OperatorsClean
{
    [Model, Input(4), Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Sgd]
    public partial class VecNet { }

    public readonly struct Vec
    {
        public Vec(float[] values) => Values = values;

        public float[] Values { get; }

        public static Vec operator *(Vec a, float s)
        {
            var r = new float[a.Values.Length];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = a.Values[i] * s;
            }

            return new Vec(r);
        }

        public static implicit operator float[](Vec v) => v.Values;
    }

    public static class Endpoint
    {
        private static readonly VecNet Net = new VecNet();

        [InferenceEntryPoint]
        public static float[] Predict(float[] row)
        {
            float[] scaled = new Vec(row) * 0.5f;
            var y = new float[2];
            Net.Predict(scaled, y);
            return y;
        }

        public static void Retrain(float[] rows, float[] targets) => Net.CreateTrainer(8).TrainStep(rows, targets);
    }
}
