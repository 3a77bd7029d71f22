using System;
using System.Globalization;
using ModelGen;

namespace ModelGen.SaveLoop
{
    /// <summary>The same declaration as ModelGen.Tests' Mlp784, so a seed gives the same weights in both processes (about 940 KB saved).</summary>
    [Model]
    [Input(784)]
    [Dense(256, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU]
    [Dense(128, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
    [Dense(10, Name = "fc3"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class Mlp784
    {
    }

    public static class Program
    {
        /// <summary>
        /// Usage: <c>ModelGen.SaveLoop resume checkpoint fromStep toStep</c>. Loads a trainer checkpoint into a fresh Mlp784
        /// (created with other weights and seed, which the checkpoint replaces), trains the steps fromStep to toStep - 1 on
        /// the batches <see cref="Batch"/> makes, saves the weights to <c>checkpoint + ".out"</c> and prints "done".
        /// </summary>
        private static int Resume(string checkpoint, int from, int to)
        {
            var model = new Mlp784(12345);
            var trainer = model.CreateTrainer(16, seed: 999);
            trainer.LoadCheckpoint(checkpoint);
            for (int step = from; step < to; step++)
            {
                var (x, t) = Batch(step);
                trainer.TrainStep(x, t);
            }

            model.SaveWeights(checkpoint + ".out");
            Console.WriteLine("done");
            return 0;
        }

        /// <summary>The batch of a step: 16 rows, inputs uniform in [-1, 1) and one-hot targets, from ModelGen's seeded generator.</summary>
        public static (float[] Inputs, float[] Targets) Batch(int step)
        {
            var random = new DeterministicRandom(1000 + step);
            var x = new float[16 * 784];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextUniform(-1f, 1f);
            }

            var t = new float[16 * 10];
            for (int r = 0; r < 16; r++)
            {
                t[(r * 10) + random.NextInt(10)] = 1f;
            }

            return (x, t);
        }

        /// <summary>
        /// Usage: <c>ModelGen.SaveLoop path seedA seedB</c>. Saves the model of seed A, prints "saving" once that first save
        /// is complete, then saves the models of seeds B and A in turn to <c>path</c> until it is killed.
        /// </summary>
        public static int Main(string[] args)
        {
            if (args.Length == 4 && args[0] == "resume")
            {
                return Resume(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
            }

            if (args.Length != 3)
            {
                Console.Error.WriteLine("usage: ModelGen.SaveLoop path seedA seedB");
                return 2;
            }

            var models = new[] { new Mlp784(int.Parse(args[1], CultureInfo.InvariantCulture)), new Mlp784(int.Parse(args[2], CultureInfo.InvariantCulture)) };
            models[0].SaveWeights(args[0]);
            Console.WriteLine("saving");
            Console.Out.Flush();
            for (long i = 1; ; i++)
            {
                models[i % 2].SaveWeights(args[0]);
            }
        }
    }
}
