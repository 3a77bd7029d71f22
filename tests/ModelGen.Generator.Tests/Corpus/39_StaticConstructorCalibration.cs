// A static holder whose static constructor trains the shared model the first time the type is used; the entry point
// reads the shared model through a static property.
using ModelGen;

namespace Corpus.StaticConstructor
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class SharedNet { }

    public static class Shared
    {
        static Shared()
        {
            Model = new SharedNet();
            Model.CreateTrainer(16).TrainStep(new float[16 * 4], new float[16 * 2]);
        }

        public static SharedNet Model { get; }
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float[] Predict(float[] row)
        {
            var y = new float[2];
            Shared.Model.Predict(row, y); // expect: MG1001
            return y;
        }
    }
}
