// An implicit conversion from raw pixels to a standardized image that standardizes with the model's training-mode
// BatchNorm; the entry point converts implicitly.
using ModelGen;

namespace Corpus.Conversions
{
    [Model, Input(4), BatchNorm]
    [Loss(LossKind.MeanSquaredError), Sgd]
    public partial class StandardizeNet { }

    public sealed class Image
    {
        private static readonly StandardizeNet Net = new StandardizeNet();

        private Image(float[] pixels) => Pixels = pixels;

        public float[] Pixels { get; }

        public static implicit operator Image(float[] raw)
        {
            var trainer = Net.CreateTrainer(raw.Length / 4);
            trainer.ComputeGradients(raw, new float[raw.Length]);
            return new Image(trainer.LastOutputs.ToArray());
        }
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float[] Prepare(float[] raw)
        {
            Image image = raw; // expect: MG1001
            return image.Pixels;
        }
    }
}
