// Generic code over IModel: the interface's Predict resolves to generated inference code only. Clean.
using System;
using ModelGen;

namespace Corpus.Interface
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class NetA { }

    [Model, Input(4), Dense(3), Sigmoid]
    public partial class NetB { }

    public static class Ensemble
    {
        [InferenceEntryPoint]
        public static float[] Average(IModel[] members, float[] x)
        {
            var sum = new float[members[0].OutputLength];
            var y = new float[sum.Length];
            foreach (var m in members)
            {
                m.Predict(x, y);
                for (int i = 0; i < y.Length; i++) sum[i] += y[i] / members.Length;
            }

            return sum;
        }
    }
}
