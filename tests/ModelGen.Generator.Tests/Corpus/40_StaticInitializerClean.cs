// Static lookup tables built by static initializers; nothing trains.
using System.Linq;
using ModelGen;

namespace Corpus.StaticClean
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class TableNet { }

    public static class Tables
    {
        public static readonly string[] Labels = Enumerable.Range(0, 2).Select(i => "class " + i).ToArray();

        public static readonly TableNet Model = new TableNet();
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static string Predict(float[] row)
        {
            var y = new float[2];
            Tables.Model.Predict(row, y);
            return Tables.Labels[y[0] > y[1] ? 0 : 1];
        }

        public static void Retrain(float[] rows, float[] targets) => Tables.Model.CreateTrainer(16).TrainStep(rows, targets);
    }
}
