// Quickstart: train a BatchNorm MLP on the UCI handwritten digits (8x8 images, shipped in data/) with class-index labels,
// stratified splits, a progress bar, early stopping on a validation split and a learning-rate schedule; print the model
// summary and the accuracy on the held-out test split, then save the weights and reload them.
using System;
using System.IO;
using ModelGen;
using Spectre.Console;

var data = DataSet.LoadClassificationCsv(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"), featureCount: 64, classCount: 10, featureScale: 1f / 16f);
// Stratified splits keep every digit's share: 20% held out for the final test, 15% of the rest to watch training.
var (learn, test) = data.StratifiedSplit(testFraction: 0.2, seed: 1);
var (train, validation) = learn.StratifiedSplit(testFraction: 0.15, seed: 2);
Console.WriteLine($"UCI digits: {data.Rows} images of 8x8 pixels; {train.Rows} for training, {validation.Rows} for validation (early stopping), {test.Rows} held out for the test.");

var model = new DigitsNet(seed: 1);
Console.WriteLine(model.Summary());
var trainer = model.CreateTrainer(maxBatchSize: 32);
var options = new FitOptions
{
    Epochs = 60,
    BatchSize = 32,
    Seed = 1,
    ValidationInputs = validation.Features,
    ValidationTargets = validation.Targets,
    Schedule = LearningRateSchedule.Cosine(epochs: 60, warmupEpochs: 3),
    EarlyStopping = new EarlyStopping { Monitor = FitMetric.ValidationLoss, Patience = 8, RestoreBestWeights = true },
};

// One progress bar for the run, updated after every epoch on this thread (FitOptions.OnEpochEnd is synchronous); when the
// output is not an interactive terminal (a log, CI), one line per epoch instead.
static string Line(EpochReport r) => FormattableString.Invariant(
    $"epoch {r.Epoch}/{r.Epochs}  loss {r.Loss:0.0000}  acc {r.Accuracy:0.0000}  val loss {r.ValidationLoss:0.0000}  val acc {r.ValidationAccuracy:0.0000}  lr {r.LearningRate:0.00000}");
History history;
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    history = null!;
    AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(ctx =>
        {
            var bar = ctx.AddTask("training", maxValue: options.Epochs);
            options.OnEpochEnd = r =>
            {
                bar.Value = r.Epoch;
                bar.Description = Line(r);
            };

            // Class-index labels (one int per row) train exactly like one-hot rows.
            history = trainer.Fit(train.Features, train.Labels, options);
            bar.Value = bar.MaxValue;
        });
}
else
{
    options.OnEpochEnd = r => Console.WriteLine("  " + Line(r));
    history = trainer.Fit(train.Features, train.Labels, options);
}

Console.WriteLine(history.StopReason == FitStopReason.EarlyStopped
    ? $"Stopped early after epoch {history.Count}; kept the weights of epoch {history.BestEpoch} (lowest validation loss)."
    : $"Trained all {history.Count} epochs; kept the weights of epoch {history.BestEpoch} (lowest validation loss).");

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
