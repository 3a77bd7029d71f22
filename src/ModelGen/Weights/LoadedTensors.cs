// Weights: a safetensors file read and checked, held apart from any model until a model copies it in at once.
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
}
