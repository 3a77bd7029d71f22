// The 2015 Keras session (keras-team/keras#270), replayed with ModelGen: 200 inputs, Dense 5, BatchNormalization,
// softmax, SGD(lr 0.01, decay 3e-6, momentum 0.9); train once on two random samples, then predict both rows as a batch,
// row 0 alone and row 1 alone. In Keras 0.x BatchNormalization used the statistics of the batch being predicted, so
// every single-row prediction collapsed to the same output. Here inference reads running statistics only.
using System;
using ModelGen;

var random = new DeterministicRandom(2015);
var x = new float[2 * SeedNet.InputSize];
for (int i = 0; i < x.Length; i++)
{
    x[i] = random.NextSingle();
}

float[] y = { 1, 0, 0, 0, 0, 0, 1, 0, 0, 0 };
var model = new SeedNet(seed: 0);
float loss = model.CreateTrainer(maxBatchSize: 2).TrainStep(x, y);
Console.WriteLine($"One training step on 2 random samples: loss {loss:0.000000}");

var batch = new float[2 * SeedNet.OutputSize];
var row0 = new float[SeedNet.OutputSize];
var row1 = new float[SeedNet.OutputSize];
model.PredictBatch(x, batch);
model.Predict(x.AsSpan(0, SeedNet.InputSize), row0);
model.Predict(x.AsSpan(SeedNet.InputSize), row1);

Console.WriteLine("predict(x)     row 0: " + Format(batch.AsSpan(0, 5)));
Console.WriteLine("predict(x)     row 1: " + Format(batch.AsSpan(5, 5)));
Console.WriteLine("predict(x[:1])      : " + Format(row0));
Console.WriteLine("predict(x[1:])      : " + Format(row1));

bool row0Same = Bits(row0, batch.AsSpan(0, 5));
bool row1Same = Bits(row1, batch.AsSpan(5, 5));
bool differ = !Bits(row0, row1);
Console.WriteLine($"Row 0 alone equals batch row 0 bit for bit: {row0Same}");
Console.WriteLine($"Row 1 alone equals batch row 1 bit for bit: {row1Same}");
Console.WriteLine($"The two single-row predictions differ (no collapse): {differ}");
return row0Same && row1Same && differ ? 0 : 1;

static string Format(ReadOnlySpan<float> v)
{
    var parts = new string[v.Length];
    for (int i = 0; i < v.Length; i++)
    {
        parts[i] = v[i].ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);
    }

    return "[" + string.Join(", ", parts) + "]";
}

static bool Bits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    for (int i = 0; i < a.Length; i++)
    {
        if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
        {
            return false;
        }
    }

    return true;
}

/// <summary>The network of the 2015 session.</summary>
[Model]
[Input(200)]
[Dense(5)]
[BatchNorm(Momentum = 0.99, Epsilon = 1e-3, Convention = BatchNormConvention.Keras)]
[Softmax]
[Loss(LossKind.CategoricalCrossEntropy)]
[Sgd(LearningRate = 0.01, Momentum = 0.9, Nesterov = false, Decay = 3e-6)]
public partial class SeedNet
{
}
