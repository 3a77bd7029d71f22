using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace FashionMnist
{
    /// <summary>One epoch: training loss and accuracy (training mode, before each update), test loss and accuracy, time.</summary>
    internal sealed record Epoch(int Number, double Loss, double Accuracy, double TestLoss, double TestAccuracy, double Seconds);

    /// <summary>One model's run: its epochs and whether its saved weights reloaded to the same predictions.</summary>
    internal sealed record Result(string Name, IReadOnlyList<Epoch> History, bool Reloaded);

    /// <summary>The command line.</summary>
    internal sealed record Options(string Data, string Model, int Epochs, int Batch, int Limit, string Out)
    {
        public const string Usage = "usage: FashionMnist [--data DIR] [--model mlp|cnn|resnet|both|all (all)] [--epochs N (15)] [--batch N (64)] [--limit N (all rows)] [--out DIR (fashion-mnist-out)]";

        public static Options Parse(string[] args, string defaultData)
        {
            var o = new Options(defaultData, "all", 15, 64, 0, "fashion-mnist-out");
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int Number(string name, int min)
                {
                    string v = Value();
                    return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                        ? n
                        : throw new ArgumentException($"{name} must be a whole number of at least {min}; got '{v}'.");
                }

                o = args[i] switch
                {
                    "--data" => o with { Data = Value() },
                    "--model" => o with { Model = Value() is var m && m is "mlp" or "cnn" or "resnet" or "both" or "all" ? m : throw new ArgumentException($"--model must be mlp, cnn, resnet, both (mlp and cnn) or all; got '{m}'.") },
                    "--epochs" => o with { Epochs = Number("--epochs", 1) },
                    "--batch" => o with { Batch = Number("--batch", 2) },
                    "--limit" => o with { Limit = Number("--limit", 2) },
                    "--out" => o with { Out = Value() },
                    _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
                };
            }

            return o;
        }
    }

    /// <summary>The training and test curves of every model, as a PNG.</summary>
    internal static class Curves
    {
        public static void Write(string path, IReadOnlyList<Result> results)
        {
            var multi = new Multiplot();
            multi.AddPlots(2);
            multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
            var loss = multi.GetPlot(0);
            var accuracy = multi.GetPlot(1);
            foreach (var r in results)
            {
                double[] epochs = r.History.Select(h => (double)h.Number).ToArray();
                Line(loss, epochs, r.History.Select(h => h.Loss).ToArray(), $"{r.Name}: training", dashed: true);
                Line(loss, epochs, r.History.Select(h => h.TestLoss).ToArray(), $"{r.Name}: test", dashed: false);
                Line(accuracy, epochs, r.History.Select(h => h.Accuracy).ToArray(), $"{r.Name}: training", dashed: true);
                Line(accuracy, epochs, r.History.Select(h => h.TestAccuracy).ToArray(), $"{r.Name}: test", dashed: false);
            }

            loss.Title("Cross-entropy loss");
            loss.Axes.Bottom.Label.Text = "epoch";
            loss.ShowLegend(Alignment.UpperRight);
            accuracy.Title("Accuracy (test: 10,000 images)");
            accuracy.Axes.Bottom.Label.Text = "epoch";
            var target = accuracy.Add.HorizontalLine(0.925);
            target.LinePattern = LinePattern.Dotted;
            target.LegendText = "0.925";
            accuracy.ShowLegend(Alignment.LowerRight);
            multi.SavePng(path, 1400, 560);
        }

        private static void Line(Plot plot, double[] xs, double[] ys, string label, bool dashed)
        {
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            if (dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }
    }
}
