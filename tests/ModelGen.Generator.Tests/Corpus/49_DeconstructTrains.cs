// A result type whose Deconstruct recomputes calibrated scores with a training-mode pass; the entry point deconstructs it.
using ModelGen;

namespace Corpus.Deconstruct
{
    [Model, Input(4), Dense(2), BatchNorm]
    [Loss(LossKind.MeanSquaredError), Sgd]
    public partial class CalibNet { }

    public sealed class Result
    {
        private static readonly CalibNet Net = new CalibNet();
        private readonly float[] _rows;

        public Result(float[] rows) => _rows = rows;

        public void Deconstruct(out float low, out float high)
        {
            var trainer = Net.CreateTrainer(2);
            trainer.ComputeGradients(_rows, new float[4]);
            (low, high) = (trainer.LastOutputs[0], trainer.LastOutputs[1]);
        }
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float Spread(float[] rows)
        {
            var (low, high) = new Result(rows); // expect: MG1001
            return high - low;
        }
    }
}
