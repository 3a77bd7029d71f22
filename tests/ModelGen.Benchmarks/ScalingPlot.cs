using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace ModelGen.Benchmarks
{
    /// <summary>Draws the scaling benchmark: ModelGen's throughput over ONNX Runtime's, per hidden width, against the batch size.</summary>
    internal static class ScalingPlot
    {
        public static void Write(string csvPath, string pngPath)
        {
            var lines = File.ReadAllLines(csvPath);
            var header = Split(lines[0]);
            int method = Array.IndexOf(header, "Method"), width = Array.IndexOf(header, "Width"), batch = Array.IndexOf(header, "Batch");
            int mean = Array.FindIndex(header, h => h.StartsWith("Mean", StringComparison.Ordinal));
            if (method < 0 || width < 0 || batch < 0 || mean < 0)
            {
                throw new InvalidDataException($"{csvPath} lacks the Method, Width, Batch or Mean column (found: {string.Join(", ", header)}).");
            }

            var times = new Dictionary<(string Method, int Width, int Batch), double>();
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
            {
                var cells = Split(line);
                times[(cells[method], int.Parse(cells[width], CultureInfo.InvariantCulture), int.Parse(cells[batch], CultureInfo.InvariantCulture))] =
                    double.Parse(cells[mean].Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            }

            var plot = new Plot();
            var widths = times.Keys.Select(k => k.Width).Distinct().OrderBy(w => w).ToList();
            foreach (int w in widths)
            {
                var batches = times.Keys.Where(k => k.Width == w && k.Method == "ModelGen").Select(k => k.Batch).OrderBy(b => b).ToArray();
                var xs = batches.Select(b => Math.Log2(b)).ToArray();
                var ratios = batches.Select(b => times[("OnnxRuntime", w, b)] / times[("ModelGen", w, b)]).ToArray();
                var line = plot.Add.Scatter(xs, ratios);
                line.LegendText = $"hidden width {w}";
                line.LineWidth = 2;
                line.MarkerSize = 7;
                foreach (var (x, r, b) in xs.Zip(ratios, batches))
                {
                    Console.WriteLine($"width {w,5}, batch {b,5}: ModelGen {times[("ModelGen", w, b)],10:F1} us, ONNX Runtime {times[("OnnxRuntime", w, b)],10:F1} us, ratio {r:F2}");
                }
            }

            var parity = plot.Add.HorizontalLine(1);
            parity.LinePattern = LinePattern.Dashed;
            parity.LegendText = "parity";
            var all = times.Keys.Select(k => k.Batch).Distinct().OrderBy(b => b).ToArray();
            plot.Axes.Bottom.SetTicks(all.Select(b => Math.Log2(b)).ToArray(), all.Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray());
            plot.Axes.Bottom.Label.Text = "batch size (rows per call; 1 = Predict)";
            plot.Axes.Left.Label.Text = "ONNX Runtime time / ModelGen time (> 1: ModelGen faster)";
            plot.Title("784-h(BN, ReLU)-h(BN, ReLU)-10 inference, ModelGen (all cores) vs ONNX Runtime 1.31.1 (2 threads)");
            plot.Axes.SetLimitsY(0, Math.Max(2, times.Keys.Where(k => k.Method == "ModelGen").Max(k => times[("OnnxRuntime", k.Width, k.Batch)] / times[k]) * 1.1));
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(pngPath, 1000, 600);
            Console.WriteLine($"Wrote {pngPath}");
        }

        private static string[] Split(string line) => line.Split(';').Select(c => c.Trim('"')).ToArray();
    }
}
