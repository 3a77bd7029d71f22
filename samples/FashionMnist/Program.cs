// Fashion-MNIST: trains the benchmark MLP (784-256-128-10 with BatchNorm), a CNN with BatchNorm and a small residual CNN
// on the 60,000 training images, evaluates on the 10,000 test images after every epoch, and reports what the benchmark
// table reports.
//
//   dotnet run -c Release --project samples/FashionMnist -- [--data DIR] [--model mlp|cnn|resnet|both|all] [--epochs N]
//                                                          [--batch N] [--limit N] [--out DIR]
//
// The data: `apt-get install dataset-fashion-mnist` (Debian; the default --data folder), or the four files
// train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from
// https://github.com/zalandoresearch/fashion-mnist in any folder given with --data.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FashionMnist;
using ModelGen;
using Spectre.Console;

const string DefaultData = "/usr/share/datasets/fashion-mnist";
string[] classNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

Options options;
try
{
    options = Options.Parse(args, DefaultData);
}
catch (ArgumentException e)
{
    AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
    AnsiConsole.WriteLine(Options.Usage);
    return 2;
}

string[] files = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
var paths = files.Select(f => Find(options.Data, f)).ToArray();
if (paths.Any(p => p is null))
{
    AnsiConsole.MarkupLine($"[red]Fashion-MNIST is not in {Markup.Escape(options.Data)}[/] (missing: {Markup.Escape(string.Join(", ", files.Where((f, i) => paths[i] is null)))}).");
    AnsiConsole.WriteLine("Get it either way:");
    AnsiConsole.WriteLine("  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist   (installs into " + DefaultData + ", the default --data)");
    AnsiConsole.WriteLine("  - or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist (data/fashion) and pass --data DIR");
    return 3;
}

var train = IdxFile.LoadImages(paths[0]!, paths[1]!);
var test = IdxFile.LoadImages(paths[2]!, paths[3]!);
if (options.Limit > 0)
{
    train = Head(train, options.Limit);
    test = Head(test, Math.Max(options.Limit / 6, 100));
}

AnsiConsole.MarkupLine($"Fashion-MNIST from [blue]{Markup.Escape(options.Data)}[/]: {train.Rows} training and {test.Rows} test images of 28x28; batch {options.Batch}, {options.Epochs} epochs, Adam 1e-3, {Parallelism.MaxDegreeOfParallelism} threads.");
Directory.CreateDirectory(options.Out);

var results = new List<Result>();
if (options.Model is "mlp" or "both" or "all")
{
    var model = new FashionMlp(seed: 1);
    results.Add(Train("MLP 784-256(BN)-128(BN)-10", model, model.CreateTrainer(options.Batch), () => new FashionMlp(seed: 2), "fashion-mlp.safetensors"));
}

if (options.Model is "cnn" or "both" or "all")
{
    var model = new FashionCnn(seed: 1);
    results.Add(Train("CNN 2 Conv(BN) + pooling + Dense(BN)", model, model.CreateTrainer(options.Batch), () => new FashionCnn(seed: 2), "fashion-cnn.safetensors"));
}

if (options.Model is "resnet" or "all")
{
    var model = new FashionResNet(seed: 1);
    results.Add(Train("Residual CNN (identity + projection shortcuts)", model, model.CreateTrainer(options.Batch), () => new FashionResNet(seed: 2), "fashion-resnet.safetensors"));
}

// The benchmark table's rows next to ours.
var table = new Table().Title("Fashion-MNIST test accuracy").AddColumn("model").AddColumn("test accuracy").AddColumn("time per epoch").AddColumn("source");
table.AddRow("MLP 256-128-100", "0.8833", "-", "benchmark table (sklearn MLPClassifier)");
table.AddRow("2 Conv + pooling + BN", "0.934", "-", "benchmark table (@khanguyen1207, Keras)");
foreach (var r in results)
{
    table.AddRow(Markup.Escape(r.Name), r.History[^1].TestAccuracy.ToString("0.0000", CultureInfo.InvariantCulture), $"{r.History.Average(h => h.Seconds):0.0} s", $"ModelGen, {r.History.Count} epochs (best {r.History.Max(h => h.TestAccuracy):0.0000})");
}

AnsiConsole.Write(table);
string plot = Path.Combine(options.Out, "fashion-mnist-curves.png");
Curves.Write(plot, results);
AnsiConsole.MarkupLine($"Training and test curves: [blue]{Markup.Escape(plot)}[/]");
return results.All(r => r.Reloaded) ? 0 : 1;

Result Train(string name, IModel model, ITrainer trainer, Func<IModel> fresh, string weightsFile)
{
    AnsiConsole.Write(new Rule($"[yellow]{Markup.Escape(name)}[/]: {model.Description.ParameterCount:N0} parameters").LeftJustified());
    int inLen = model.InputLength, outLen = model.OutputLength, batch = options.Batch;
    var order = Enumerable.Range(0, train.Rows).ToArray();
    var rng = new DeterministicRandom(7);
    var x = new float[batch * inLen];
    var t = new float[batch * outLen];
    var history = new List<Epoch>();
    var testOut = new float[test.Rows * outLen];
    for (int epoch = 1; epoch <= options.Epochs; epoch++)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        double lossSum = 0;
        long correct = 0, seen = 0;
        int steps = 0;
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch}/{options.Epochs}", maxValue: train.Rows);
                for (int start = 0; start + trainer.MinBatchSize <= train.Rows; start += batch)
                {
                    int n = Math.Min(batch, train.Rows - start);
                    for (int r = 0; r < n; r++)
                    {
                        int src = order[start + r];
                        Array.Copy(train.Features, src * inLen, x, r * inLen, inLen);
                        Array.Copy(train.Targets, src * outLen, t, r * outLen, outLen);
                    }

                    lossSum += trainer.TrainStep(x.AsSpan(0, n * inLen), t.AsSpan(0, n * outLen));
                    correct += Metrics.CountCorrect(LossKind.CategoricalCrossEntropy, trainer.LastOutputs.Slice(0, n * outLen), t.AsSpan(0, n * outLen), outLen);
                    seen += n;
                    steps++;
                    if (steps % 20 == 0 || start + batch >= train.Rows)
                    {
                        task.Value = seen;
                        task.Description = FormattableString.Invariant($"epoch {epoch}/{options.Epochs}  loss {lossSum / steps:0.0000}  acc {(double)correct / seen:0.0000}  {seen / clock.Elapsed.TotalSeconds:N0} samples/s");
                    }
                }

                task.Value = task.MaxValue;
            });
        double seconds = clock.Elapsed.TotalSeconds;
        model.PredictBatch(test.Features, testOut);
        var e = new Epoch(epoch, lossSum / steps, (double)correct / seen, Metrics.Loss(LossKind.CategoricalCrossEntropy, testOut, test.Targets, outLen), Metrics.Accuracy(LossKind.CategoricalCrossEntropy, testOut, test.Targets, outLen), seconds);
        history.Add(e);
        AnsiConsole.MarkupLine(FormattableString.Invariant($"  epoch {epoch,2}: train loss {e.Loss:0.0000}, acc {e.Accuracy:0.0000} | test loss {e.TestLoss:0.0000}, [green]acc {e.TestAccuracy:0.0000}[/] | {seconds:0.0} s, {seen / seconds:N0} samples/s"));
    }

    ConfusionMatrix(testOut, test.Targets, outLen);

    // Saved weights reload into a fresh model and predict the same bits.
    string path = Path.Combine(options.Out, weightsFile);
    using (var file = File.Create(path))
    {
        model.SaveWeights(file);
    }

    var reloaded = fresh();
    using (var file = File.OpenRead(path))
    {
        reloaded.LoadWeights(file);
    }

    var again = new float[testOut.Length];
    reloaded.PredictBatch(test.Features, again);
    bool same = testOut.AsSpan().SequenceEqual(again);
    AnsiConsole.MarkupLine($"Weights saved to [blue]{Markup.Escape(path)}[/]; a fresh model loading them predicts the {test.Rows} test images {(same ? "[green]bit for bit the same[/]" : "[red]differently[/]")}.");
    return new Result(name, history, same);
}

void ConfusionMatrix(float[] predictions, float[] targets, int classes)
{
    var counts = new int[classes, classes];
    for (int r = 0; r < predictions.Length / classes; r++)
    {
        var row = predictions.AsSpan(r * classes, classes);
        int predicted = row.IndexOf(MaxOf(row));
        int actual = targets.AsSpan(r * classes, classes).IndexOf(1f);
        counts[actual, predicted]++;
    }

    var matrix = new Table().Title("Confusion matrix (rows: true class, columns: predicted)").AddColumn("true \\ predicted");
    for (int c = 0; c < classes; c++)
    {
        matrix.AddColumn(new TableColumn(c.ToString(CultureInfo.InvariantCulture)).RightAligned());
    }

    for (int a = 0; a < classes; a++)
    {
        var cells = new List<string> { $"{a} {Markup.Escape(classNames[a])}" };
        for (int p = 0; p < classes; p++)
        {
            string n = counts[a, p].ToString(CultureInfo.InvariantCulture);
            cells.Add(a == p ? $"[green]{n}[/]" : counts[a, p] >= 50 ? $"[red]{n}[/]" : n);
        }

        matrix.AddRow(cells.ToArray());
    }

    AnsiConsole.Write(matrix);
}

static float MaxOf(ReadOnlySpan<float> values)
{
    float max = values[0];
    foreach (float v in values)
    {
        max = Math.Max(max, v);
    }

    return max;
}

static string? Find(string folder, string name)
{
    foreach (string candidate in new[] { name + ".gz", name })
    {
        string path = Path.Combine(folder, candidate);
        if (File.Exists(path))
        {
            return path;
        }
    }

    return null;
}

static DataSet Head(DataSet data, int rows)
{
    rows = Math.Min(rows, data.Rows);
    return new DataSet(data.Features.AsSpan(0, rows * data.FeatureLength).ToArray(), data.Targets.AsSpan(0, rows * data.TargetLength).ToArray(), data.FeatureLength, data.TargetLength);
}
