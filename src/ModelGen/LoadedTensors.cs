using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace ModelGen
{
    /// <summary>
    /// The values of a safetensors file that passed every check of <see cref="SafeTensors.Load"/>, held apart from any
    /// model: a generated model copies them in at once, so it is never left half loaded and predictions never see a mix.
    /// </summary>
    public sealed class LoadedTensors
    {
        private readonly float[] _parameters;
        private readonly float[] _state;
        private readonly long[] _counters;

        internal LoadedTensors(IReadOnlyList<TensorDescriptor> tensors, IReadOnlyDictionary<string, string> metadata)
        {
            Metadata = metadata;
            int p = 0, s = 0, c = 0;
            foreach (var t in tensors)
            {
                int end = checked(t.Offset + t.Length);
                switch (t.Storage)
                {
                    case TensorStorage.Parameters: p = Math.Max(p, end); break;
                    case TensorStorage.State: s = Math.Max(s, end); break;
                    default: c = Math.Max(c, end); break;
                }
            }

            _parameters = new float[p];
            _state = new float[s];
            _counters = new long[c];
        }

        /// <summary>The <c>__metadata__</c> entries of the file (empty when it has none).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Copies the values into a model's buffers, laid out as the descriptors the file was loaded with say.</summary>
        /// <exception cref="ArgumentException">A buffer is shorter than the descriptors need.</exception>
        public void CopyTo(Span<float> parameters, Span<float> state, Span<long> counters)
        {
            if (parameters.Length < _parameters.Length || state.Length < _state.Length || counters.Length < _counters.Length)
            {
                throw new ArgumentException(
                    $"The buffers hold {parameters.Length} parameters, {state.Length} state values and {counters.Length} counters; the tensors need {_parameters.Length}, {_state.Length} and {_counters.Length}.");
            }

            _parameters.CopyTo(parameters);
            _state.CopyTo(state);
            _counters.CopyTo(counters);
        }

        /// <summary>The float values of a tensor read by <see cref="SafeTensors.ReadAll"/>.</summary>
        internal float[] Floats(TensorDescriptor t) => (t.Storage == TensorStorage.Parameters ? _parameters : _state).AsSpan(t.Offset, t.Length).ToArray();

        /// <summary>The integer values of a tensor read by <see cref="SafeTensors.ReadAll"/>.</summary>
        internal long[] Longs(TensorDescriptor t) => _counters.AsSpan(t.Offset, t.Length).ToArray();

        /// <summary>Decodes one tensor's little-endian bytes, rejecting values no model should run with.</summary>
        internal void Decode(TensorDescriptor t, ReadOnlySpan<byte> bytes)
        {
            if (t.Storage == TensorStorage.Counters)
            {
                for (int i = 0; i < t.Length; i++)
                {
                    long value = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8));
                    if (value < 0)
                    {
                        throw new InvalidDataException($"Tensor '{t.Name}' holds {value.ToString(CultureInfo.InvariantCulture)}; a count of batches cannot be negative.");
                    }

                    _counters[t.Offset + i] = value;
                }

                return;
            }

            var target = (t.Storage == TensorStorage.Parameters ? _parameters : _state).AsSpan(t.Offset, t.Length);
            for (int i = 0; i < t.Length; i++)
            {
                target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4));
            }

            if (TensorValues.FirstProblem(t, target, out int bad) is { } problem)
            {
                throw new InvalidDataException(
                    $"Tensor '{t.Name}' holds {TensorValues.Format(target[bad])} at element {bad.ToString(CultureInfo.InvariantCulture)} of {t.ShapeText}: {problem}. The model is unchanged.");
            }
        }
    }

    /// <summary>The values a model's tensors may hold: the one rule that loading, <c>SetParameters</c> and <c>SetTensor</c> share.</summary>
    internal static class TensorValues
    {
        /// <summary>Why <paramref name="value"/> cannot be an element of <paramref name="tensor"/>, or null when it can.</summary>
        public static string? Problem(TensorDescriptor tensor, float value)
        {
            if (!float.IsFinite(value))
            {
                return "weights and statistics must be finite (a NaN or infinity would make predictions NaN; a file that holds one was usually saved after training diverged)";
            }

            if (tensor.Storage == TensorStorage.State && value < 0 && tensor.Name.EndsWith("running_var", StringComparison.Ordinal))
            {
                return "a variance cannot be negative";
            }

            if (tensor.Storage == TensorStorage.Counters && (value < 0 || value != MathF.Floor(value)))
            {
                return "a count of batches is a whole number, not negative";
            }

            return null;
        }

        /// <summary>Why the first element of <paramref name="values"/> that <paramref name="tensor"/> cannot hold is wrong, and its index; null when all are fine.</summary>
        public static string? FirstProblem(TensorDescriptor tensor, ReadOnlySpan<float> values, out int index)
        {
            for (index = 0; index < values.Length; index++)
            {
                if (Problem(tensor, values[index]) is { } problem)
                {
                    return problem;
                }
            }

            index = -1;
            return null;
        }

        public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
