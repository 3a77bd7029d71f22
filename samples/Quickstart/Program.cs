// Quickstart: train a BatchNorm MLP on the UCI handwritten digits (8x8 images, shipped in data/), hold out a test
// split, report progress per epoch, print the test accuracy, then save the weights and reload them.
using System;
using System.IO;
using ModelGen;

var data = DataSet.LoadClassificationCsv(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"), featureCount: 64, classCount: 10, featureScale: 1f / 16f);
var (train, test) = data.Split(testFraction: 0.2, seed: 1);
Console.WriteLine($"UCI digits: {data.Rows} images of 8x8 pixels; {train.Rows} for training, {test.Rows} held out for testing.");

var model = new DigitsNet(seed: 1);
var trainer = model.CreateTrainer(maxBatchSize: 32);
var options = new FitOptions { Epochs = 30, BatchSize = 32, Seed = 1, ValidationInputs = test.Features, ValidationTargets = test.Targets };
var progress = new Progress(report => Console.WriteLine("  " + report));
trainer.Fit(train.Features, train.Targets, options, progress);

var predictions = new float[test.Rows * DigitsNet.OutputSize];
model.PredictBatch(test.Features, predictions);
double accuracy = Metrics.Accuracy(LossKind.CategoricalCrossEntropy, predictions, test.Targets, DigitsNet.OutputSize);
Console.WriteLine($"Test accuracy: {accuracy:0.0000} ({test.Rows} held-out images)");

string path = Path.Combine(Path.GetTempPath(), "digits-net.safetensors");
model.SaveWeights(path);
var reloaded = new DigitsNet(seed: 2);
reloaded.LoadWeights(path);
var again = new float[predictions.Length];
reloaded.PredictBatch(test.Features, again);
bool same = predictions.AsSpan().SequenceEqual(again);
Console.WriteLine($"Saved {DigitsNet.ParameterCount} parameters and the running statistics to {path}; reloaded predictions identical: {same}");
return accuracy > 0.95 && same ? 0 : 1;

/// <summary>64 pixels -> 64 (BatchNorm, ReLU, dropout) -> 32 (BatchNorm, ReLU) -> 10 classes.</summary>
[Model]
[Input(64)]
[Dense(64, Name = "fc1"), BatchNorm(Name = "bn1"), ReLU, Dropout(0.1)]
[Dense(32, Name = "fc2"), BatchNorm(Name = "bn2"), ReLU]
[Dense(10, Name = "fc3"), Softmax]
[Loss(LossKind.CategoricalCrossEntropy)]
[Adam(LearningRate = 0.003)]
public partial class DigitsNet
{
}

/// <summary>Reports synchronously on the training thread (System.Progress would post to the thread pool).</summary>
internal sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => report(value);
}
