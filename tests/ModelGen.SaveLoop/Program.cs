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
        /// Usage: <c>ModelGen.SaveLoop path seedA seedB</c>. Saves the model of seed A, prints "saving" once that first save
        /// is complete, then saves the models of seeds B and A in turn to <c>path</c> until it is killed.
        /// </summary>
        public static int Main(string[] args)
        {
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
