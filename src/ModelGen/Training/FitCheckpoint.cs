// Training: the file of FitOptions.CheckpointPath, a trainer checkpoint (Weights/Checkpoints) plus the loop's own
// state, so an interrupted Fit resumes bitwise.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ModelGen
{
    /// <summary>The training loop's own state after an epoch: what a resumed Fit needs besides the trainer's state.</summary>
    internal sealed record FitState(
        int Epoch,
        ulong Random,
        int[] Order,
        double InitialRate,
        double Best,
        int SinceBest,
        MemoryStream? BestWeights,
        double[]? Schedule);

    /// <summary>
    /// The file of <see cref="FitOptions.CheckpointPath"/>: the trainer's checkpoint (<c>SaveCheckpoint</c>) plus tensors and
    /// metadata under <c>fit.</c>: the shuffle order, the best weights of early stopping, and in the metadata the epochs
    /// done, the shuffle generator, the initial learning rate, the schedule's state, the early-stopping counters, the
    /// history, and the run's settings (to refuse a resume with other data or options).
    /// </summary>
    internal static class FitCheckpoint
    {
        public static void Save(string path, ITrainer trainer, FitOptions options, int rows, FitState state, History history)
        {
            using var image = new MemoryStream();
            trainer.SaveCheckpoint(image);
            image.Position = 0;
            var (tensors, metadata) = Checkpoints.ReadAll(image);
            var list = tensors.Values.ToList();
            list.Add(new NamedTensor("fit.order", new[] { rows }, null, state.Order.Select(i => (long)i).ToArray()));
            if (state.BestWeights is not null)
            {
                state.BestWeights.Position = 0;
                var (best, _) = Checkpoints.ReadAll(state.BestWeights);
                list.AddRange(best.Values.Select(t => t with { Name = "fit.best." + t.Name }));
            }

            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in metadata)
            {
                meta[pair.Key] = pair.Value;
            }

            meta["fit.settings"] = Settings(options, rows);
            meta["fit.epoch"] = I(state.Epoch);
            meta["fit.random"] = state.Random.ToString(CultureInfo.InvariantCulture);
            meta["fit.initial_lr"] = R(state.InitialRate);
            meta["fit.best"] = R(state.Best);
            meta["fit.since_best"] = I(state.SinceBest);
            meta["fit.best_epoch"] = I(history.BestEpoch);
            meta["fit.stop"] = history.StopReason.ToString();
            if (state.Schedule is not null)
            {
                meta["fit.schedule"] = string.Join(" ", state.Schedule.Select(R));
            }

            // One line per epoch: epoch, epochs, loss, accuracy, validation loss and accuracy, steps, elapsed ticks, rate.
            meta["fit.history"] = string.Join("\n", history.Select(r => string.Join(" ", I(r.Epoch), I(r.Epochs), R(r.Loss), R(r.Accuracy), R(r.ValidationLoss), R(r.ValidationAccuracy), I(r.Steps), r.Elapsed.Ticks.ToString(CultureInfo.InvariantCulture), R(r.LearningRate))));
            using var output = new MemoryStream();
            Checkpoints.WriteAll(output, list, meta);
            Checkpoints.WriteFile(path, output);
        }

        public static FitState Restore(string path, ITrainer trainer, FitOptions options, int rows, History history)
        {
            Dictionary<string, NamedTensor> tensors;
            IReadOnlyDictionary<string, string> meta;
            using (var file = File.OpenRead(path))
            {
                (tensors, meta) = Checkpoints.ReadAll(file);
            }

            string Need(string key) => meta.TryGetValue(key, out var v)
                ? v
                : throw new InvalidDataException($"'{path}' is not a Fit checkpoint (its metadata has no '{key}'); a checkpoint of SaveCheckpoint loads with LoadCheckpoint.");

            string settings = Settings(options, rows);
            if (Need("fit.settings") != settings)
            {
                throw new InvalidDataException($"'{path}' was saved by a Fit with other data or options ({meta["fit.settings"]}); this Fit has {settings}. Resume with the same data and options, or delete the file to start afresh.");
            }

            int epoch = int.Parse(Need("fit.epoch"), CultureInfo.InvariantCulture);
            var order = tensors.TryGetValue("fit.order", out var o) && o.Longs is { } longs && longs.Length == rows
                ? longs.Select(v => (int)v).ToArray()
                : throw new InvalidDataException($"'{path}' has no shuffle order of {rows} rows ('fit.order').");
            if (!IsPermutation(order))
            {
                throw new InvalidDataException($"'{path}' has a shuffle order ('fit.order') that is not a permutation of the {rows} rows.");
            }

            MemoryStream? bestWeights = null;
            var best = tensors.Values.Where(t => t.Name.StartsWith("fit.best.", StringComparison.Ordinal)).Select(t => t with { Name = t.Name.Substring("fit.best.".Length) }).ToList();
            if (best.Count > 0)
            {
                bestWeights = new MemoryStream();
                Checkpoints.WriteAll(bestWeights, best, new Dictionary<string, string> { ["format"] = "pt" });
            }

            double[]? schedule = meta.TryGetValue("fit.schedule", out var s)
                ? s.Split(' ').Select(x => double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()
                : null;
            var reports = Need("fit.history").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseReport).ToList();
            if (reports.Count != epoch)
            {
                throw new InvalidDataException($"'{path}' records {epoch} epochs done but a history of {reports.Count}.");
            }

            // Everything is read and checked: now the trainer changes (all or nothing itself), then the history.
            using (var file = File.OpenRead(path))
            {
                trainer.LoadCheckpoint(file);
            }

            foreach (var r in reports)
            {
                history.Add(r);
            }

            history.BestEpoch = int.Parse(Need("fit.best_epoch"), CultureInfo.InvariantCulture);
            history.StopReason = Enum.TryParse<FitStopReason>(Need("fit.stop"), out var stop) ? stop : FitStopReason.Completed;
            return new FitState(
                epoch,
                ulong.Parse(Need("fit.random"), CultureInfo.InvariantCulture),
                order,
                double.Parse(Need("fit.initial_lr"), NumberStyles.Float, CultureInfo.InvariantCulture),
                double.Parse(Need("fit.best"), NumberStyles.Float, CultureInfo.InvariantCulture),
                int.Parse(Need("fit.since_best"), CultureInfo.InvariantCulture),
                bestWeights,
                schedule);
        }

        /// <summary>What must not change between a saved Fit and its resume.</summary>
        private static string Settings(FitOptions o, int rows) =>
            string.Create(CultureInfo.InvariantCulture, $"rows {rows}, epochs {o.Epochs}, batch size {o.BatchSize}, shuffle {o.Shuffle}, seed {o.Seed}, {(o.ValidationInputs?.Length ?? 0)} validation input floats");

        private static EpochReport ParseReport(string line)
        {
            var f = line.Split(' ');
            if (f.Length != 9)
            {
                throw new InvalidDataException("A line of the checkpoint's history ('fit.history') does not have 9 fields.");
            }

            double D(int i) => double.Parse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            int N(int i) => int.Parse(f[i], CultureInfo.InvariantCulture);
            return new EpochReport(N(0), N(1), D(2), D(3), D(4), D(5), N(6), TimeSpan.FromTicks(long.Parse(f[7], CultureInfo.InvariantCulture)), D(8));
        }

        private static bool IsPermutation(int[] order)
        {
            var seen = new bool[order.Length];
            foreach (int i in order)
            {
                if ((uint)i >= (uint)order.Length || seen[i])
                {
                    return false;
                }

                seen[i] = true;
            }

            return true;
        }

        private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
