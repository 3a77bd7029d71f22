// Weights: a trainer's complete state as one safetensors file; the generated SaveCheckpoint and LoadCheckpoint call
// it, Training/FitCheckpoint adds the loop's own state.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;

namespace ModelGen
{
    /// <summary>One named tensor of a checkpoint: float or integer values with their shape.</summary>
    internal sealed record NamedTensor(string Name, int[] Shape, float[]? Floats, long[]? Longs);

    /// <summary>
    /// Checkpoints: a trainer's complete state (parameters, running statistics, counters, the optimizer's state under
    /// PyTorch's names <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>momentum_buffer</c>, <c>square_avg</c>, the step count and the
    /// learning rate) in one safetensors file, so training resumes bitwise where it stopped, in this process or another.
    /// The generated trainers' <c>SaveCheckpoint</c> and <c>LoadCheckpoint</c> call it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Checkpoints
    {
        private const string Kind = "modelgen.checkpoint";

        /// <summary>Writes a trainer checkpoint.</summary>
        /// <param name="stream">The destination.</param>
        /// <param name="tensors">The model's tensors.</param>
        /// <param name="parameters">The model's parameters (canonical layout).</param>
        /// <param name="state">The model's running statistics.</param>
        /// <param name="counters">The model's counters.</param>
        /// <param name="optimizer">The optimizer's kind, e.g. <c>Adam</c>.</param>
        /// <param name="momentNames">The PyTorch names of the optimizer's state arrays.</param>
        /// <param name="moments">The optimizer's state arrays, canonical layout.</param>
        /// <param name="iterations">The number of updates made.</param>
        /// <param name="learningRate">The learning rate of the next step.</param>
        /// <param name="seed">The trainer's seed (of the dropout masks).</param>
        public static void WriteTrainer(
            Stream stream,
            IReadOnlyList<TensorDescriptor> tensors,
            float[] parameters,
            float[] state,
            long[] counters,
            string optimizer,
            string[] momentNames,
            float[][] moments,
            long iterations,
            double learningRate,
            int seed)
        {
            var list = new List<NamedTensor>();
            foreach (var t in tensors)
            {
                list.Add(t.Storage == TensorStorage.Counters
                    ? new NamedTensor(t.Name, t.Shape, null, counters.AsSpan(t.Offset, t.Length).ToArray())
                    : new NamedTensor(t.Name, t.Shape, (t.Storage == TensorStorage.Parameters ? parameters : state).AsSpan(t.Offset, t.Length).ToArray(), null));
            }

            for (int k = 0; k < momentNames.Length; k++)
            {
                foreach (var t in tensors)
                {
                    if (t.Storage == TensorStorage.Parameters)
                    {
                        list.Add(new NamedTensor(MomentName(t, momentNames[k]), t.Shape, moments[k].AsSpan(t.Offset, t.Length).ToArray(), null));
                    }
                }
            }

            list.Add(new NamedTensor("optimizer.step", Array.Empty<int>(), null, new[] { iterations }));
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt",
                [Kind] = "1",
                ["optimizer.type"] = optimizer,
                ["optimizer.lr"] = learningRate.ToString("R", CultureInfo.InvariantCulture),
                ["trainer.seed"] = seed.ToString(CultureInfo.InvariantCulture),
            };
            WriteAll(stream, list, metadata);
        }

        /// <summary>Reads a trainer checkpoint written for the same model and optimizer; checks everything before returning.</summary>
        /// <exception cref="InvalidDataException">The file is not such a checkpoint; the message names the problem.</exception>
        public static TrainerCheckpoint ReadTrainer(
            Stream stream,
            IReadOnlyList<TensorDescriptor> tensors,
            string optimizer,
            string[] momentNames,
            int parameterCount,
            int stateCount,
            int counterCount)
        {
            var (all, metadata) = ReadAll(stream);
            return Split(all, metadata, tensors, optimizer, momentNames, parameterCount, stateCount, counterCount);
        }

        internal static TrainerCheckpoint Split(
            Dictionary<string, NamedTensor> all,
            IReadOnlyDictionary<string, string> metadata,
            IReadOnlyList<TensorDescriptor> tensors,
            string optimizer,
            string[] momentNames,
            int parameterCount,
            int stateCount,
            int counterCount)
        {
            if (!metadata.TryGetValue(Kind, out _))
            {
                throw new InvalidDataException("This is not a ModelGen checkpoint (its metadata has no 'modelgen.checkpoint'); a weights file loads with LoadWeights.");
            }

            metadata.TryGetValue("optimizer.type", out var saved);
            if (saved != optimizer)
            {
                throw new InvalidDataException($"The checkpoint was saved by a {saved ?? "unknown"} trainer; this trainer uses {optimizer}. Resume with the declaration that saved it.");
            }

            if (!metadata.TryGetValue("optimizer.lr", out var lrText) || !double.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out double lr) || !(lr >= 0) || double.IsInfinity(lr))
            {
                throw new InvalidDataException("The checkpoint's learning rate (metadata 'optimizer.lr') is missing or not a finite number of at least 0.");
            }

            if (!metadata.TryGetValue("trainer.seed", out var seedText) || !int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed))
            {
                throw new InvalidDataException("The checkpoint's trainer seed (metadata 'trainer.seed') is missing or not an integer.");
            }

            var parameters = new float[parameterCount];
            var state = new float[stateCount];
            var counters = new long[counterCount];
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                var v = Take(all, used, t.Name, t.Shape, integers: t.Storage == TensorStorage.Counters);
                if (t.Storage == TensorStorage.Counters)
                {
                    v.Longs!.CopyTo(counters.AsSpan(t.Offset));
                }
                else
                {
                    var problem = Problem(t, v.Floats!);
                    if (problem is not null)
                    {
                        throw new InvalidDataException(problem);
                    }

                    v.Floats!.CopyTo((t.Storage == TensorStorage.Parameters ? parameters : state).AsSpan(t.Offset));
                }
            }

            var moments = new float[momentNames.Length][];
            for (int k = 0; k < momentNames.Length; k++)
            {
                moments[k] = new float[parameterCount];
                foreach (var t in tensors)
                {
                    if (t.Storage == TensorStorage.Parameters)
                    {
                        Take(all, used, MomentName(t, momentNames[k]), t.Shape, integers: false).Floats!.CopyTo(moments[k].AsSpan(t.Offset));
                    }
                }
            }

            long iterations = Take(all, used, "optimizer.step", Array.Empty<int>(), integers: true).Longs![0];
            foreach (var name in all.Keys)
            {
                if (!used.Contains(name) && !name.StartsWith("fit.", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"The checkpoint has tensor '{name}', which this trainer does not have; it was saved from another declaration or optimizer.");
                }
            }

            return new TrainerCheckpoint(parameters, state, counters, moments, iterations, lr, seed);
        }

        /// <summary>Writes a checkpoint built in memory to <paramref name="path"/> atomically (as <c>SaveWeights(path)</c>).</summary>
        public static void WriteFile(string path, MemoryStream checkpoint)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            AtomicFile.Write(path, checkpoint.GetBuffer().AsSpan(0, (int)checkpoint.Length));
        }

        private static string MomentName(TensorDescriptor t, string moment) => $"optimizer.state.{t.Name}.{moment}";

        private static string? Problem(TensorDescriptor t, float[] values) =>
            TensorValues.FirstProblem(t, values, out int i) is { } problem
                ? $"Tensor '{t.Name}' holds {TensorValues.Format(values[i])} at element {i} of {t.ShapeText}: {problem}."
                : null;

        private static NamedTensor Take(Dictionary<string, NamedTensor> all, HashSet<string> used, string name, int[] shape, bool integers)
        {
            if (!all.TryGetValue(name, out var v))
            {
                throw new InvalidDataException($"The checkpoint is missing tensor '{name}'; it was saved from another declaration or optimizer, or it is a weights file (LoadWeights).");
            }

            if (integers != (v.Longs is not null) || !v.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new InvalidDataException($"Tensor '{name}' has dtype {(v.Longs is null ? "F32" : "I64")} and shape {TensorDescriptor.FormatShape(v.Shape)} in the checkpoint; the trainer expects {(integers ? "I64" : "F32")} {TensorDescriptor.FormatShape(shape)}.");
            }

            used.Add(name);
            return v;
        }

        /// <summary>Writes named tensors and metadata as one safetensors file.</summary>
        internal static void WriteAll(Stream stream, IReadOnlyList<NamedTensor> list, IReadOnlyDictionary<string, string> metadata)
        {
            var descriptors = new List<TensorDescriptor>(list.Count);
            int floats = 0, longs = 0;
            foreach (var t in list)
            {
                bool isLong = t.Longs is not null;
                descriptors.Add(new TensorDescriptor(t.Name, t.Shape, isLong ? TensorStorage.Counters : TensorStorage.Parameters, isLong ? longs : floats));
                if (isLong)
                {
                    longs += t.Longs!.Length;
                }
                else
                {
                    floats += t.Floats!.Length;
                }
            }

            var f = new float[floats];
            var l = new long[longs];
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].Longs is { } values)
                {
                    values.CopyTo(l.AsSpan(descriptors[i].Offset));
                }
                else
                {
                    list[i].Floats!.CopyTo(f.AsSpan(descriptors[i].Offset));
                }
            }

            SafeTensors.Write(stream, descriptors, f, Array.Empty<float>(), l, metadata);
        }

        /// <summary>Reads every tensor and the metadata of a safetensors file (checked as <see cref="SafeTensors.Load"/> checks).</summary>
        internal static (Dictionary<string, NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadAll(Stream stream)
        {
            var (descriptors, values) = SafeTensors.ReadAll(stream);
            var result = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
            foreach (var d in descriptors.Values)
            {
                result[d.Name] = d.Storage == TensorStorage.Counters
                    ? new NamedTensor(d.Name, d.Shape, null, values.Longs(d))
                    : new NamedTensor(d.Name, d.Shape, values.Floats(d), null);
            }

            return (result, values.Metadata);
        }
    }
}
