using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using ModelGen;

namespace ModelGen.WidthProbe
{
    /// <summary>Every layer kind, widths that leave tails in the 16-float panels, dropout, both BatchNorm conventions.</summary>
    [Model]
    [Input(53)]
    [Dense(37, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU, Dropout(0.3)]
    [Dense(20, Name = "fc2"), BatchNorm(Convention = BatchNormConvention.Keras, Name = "bn2"), LeakyReLU(0.1)]
    [Dense(17, Name = "fc3"), Tanh]
    [Dense(9, Name = "fc4"), Sigmoid]
    [Dense(5, Name = "out"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Adam(LearningRate = 0.01, WeightDecay = 1e-3)]
    public partial class ProbeNet
    {
    }

    /// <summary>A wider network: the multi-group loops of the kernels, blocks of rows and the threaded paths (one row split by panels too).</summary>
    [Model]
    [Input(100)]
    [Dense(1340), BatchNorm, ReLU]
    [Dense(70), ReLU]
    [Dense(3)]
    [Loss(LossKind.MeanSquaredError)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9, Nesterov = true)]
    public partial class WideProbe
    {
    }

    /// <summary>
    /// A small CNN: the convolution's transposed weights (TransposePanels: an AVX 16 x 16 block and scalar edges) and a
    /// dense layer of 128 outputs after 320 inputs, whose weight gradient copies its output-gradient columns first.
    /// </summary>
    [Model]
    [Input(2, 9, 8)]
    [Conv2D(20, 3, Padding = 1), BatchNorm, ReLU, MaxPool2D(2)]
    [Flatten, Dense(128), ReLU]
    [Dense(4), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class ConvProbe
    {
    }

    /// <summary>A graph: a residual block (a strided projection shortcut), a concatenation and merges with several inputs.</summary>
    [Model]
    [Input(2, 8, 8)]
    [Conv2D(20, 3, Padding = 1, Name = "stem"), ReLU(Name = "block0")]
    [Conv2D(20, 3, Stride = 2, Padding = 1, Name = "c1"), BatchNorm(Name = "bn1")]
    [Conv2D(20, 1, Stride = 2, From = "block0", Name = "proj")]
    [Add("bn1"), Tanh(Name = "block1")]
    [Conv2D(20, 3, Padding = 1, Name = "c2"), Maximum("block1", Name = "max")]
    [Concatenate("block1"), GlobalAvgPool, Dense(4, Name = "fc"), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy)]
    [Sgd(LearningRate = 0.01, Momentum = 0.9)]
    public partial class GraphProbe
    {
    }

    public static class Program
    {
        private static int s_seed;

        /// <summary>
        /// Usage: <c>ModelGen.WidthProbe [threads] [reseed]</c>. Prints the kernel width in use, then the hash. <c>reseed</c>
        /// changes the data (the tests check that the hash follows the results).
        /// </summary>
        public static int Main(string[] args)
        {
            if (args.Length > 0)
            {
                Parallelism.MaxDegreeOfParallelism = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
            }

            s_seed = args.Length > 1 && args[1] == "reseed" ? 12 : 11;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Run(new ProbeNet(3), m => ((ProbeNet)m).CreateTrainer(40, 5), hash);
            Run(new WideProbe(4), m => ((WideProbe)m).CreateTrainer(40, 6), hash);
            Run(new ConvProbe(5), m => ((ConvProbe)m).CreateTrainer(40, 7), hash);
            Run(new GraphProbe(6), m => ((GraphProbe)m).CreateTrainer(40, 8), hash);
            Console.WriteLine($"wide={GeneratedCodeSupport.Wide} vector512={Vector512.IsHardwareAccelerated} vector256={Vector256.IsHardwareAccelerated}");
            Console.WriteLine("hash=" + Convert.ToHexString(hash.GetHashAndReset()));
            return 0;
        }

        private static void Run(IModel model, Func<IModel, ITrainer> createTrainer, IncrementalHash hash)
        {
            var rng = new DeterministicRandom(s_seed);
            var trainer = createTrainer(model);
            for (int step = 0; step < 3; step++)
            {
                var x = Values(ref rng, 37 * model.InputLength);
                var t = new float[37 * model.OutputLength];
                for (int r = 0; r < 37; r++)
                {
                    t[(r * model.OutputLength) + rng.NextInt(model.OutputLength)] = 1f;
                }

                Add(hash, new[] { trainer.TrainStep(x, t) });
                Add(hash, trainer.Gradients);
                Add(hash, trainer.LastOutputs);
            }

            Add(hash, model.Parameters);
            var inputs = Values(ref rng, 50 * model.InputLength);
            inputs[3] = float.NaN;
            inputs[model.InputLength + 1] = 1e30f;
            var outputs = new float[50 * model.OutputLength];
            model.PredictBatch(inputs, outputs);
            Add(hash, outputs);
            var one = new float[model.OutputLength];
            model.Predict(inputs.AsSpan(2 * model.InputLength, model.InputLength), one);
            Add(hash, one);
        }

        private static float[] Values(ref DeterministicRandom rng, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = rng.NextUniform(-2f, 2f);
            }

            return values;
        }

        private static void Add(IncrementalHash hash, ReadOnlySpan<float> values) => hash.AppendData(MemoryMarshal.AsBytes(values));
    }
}
