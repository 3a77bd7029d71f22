// Weights: a generated model's tensors by name (the generated GetTensor and SetTensor call it).
using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGen
{
    /// <summary>Reads and writes a generated model's tensors by name; the generated <c>GetTensor</c> and <c>SetTensor</c> call it.</summary>
    public static class TensorAccess
    {
        /// <summary>The descriptor named <paramref name="name"/>.</summary>
        /// <exception cref="ArgumentException">No tensor has that name; the message lists the model's tensors.</exception>
        public static TensorDescriptor Find(IReadOnlyList<TensorDescriptor> tensors, string model, string name)
        {
            foreach (var tensor in tensors)
            {
                if (tensor.Name == name)
                {
                    return tensor;
                }
            }

            throw new ArgumentException($"{model} has no tensor '{name}'; its tensors are {string.Join(", ", tensors.Select(t => t.Name))}.", nameof(name));
        }

        /// <summary>A copy of one tensor's values (counters converted to float).</summary>
        public static float[] Get(IReadOnlyList<TensorDescriptor> tensors, string model, string name, float[] parameters, float[] state, long[] counters)
        {
            var tensor = Find(tensors, model, name);
            var values = new float[tensor.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = tensor.Storage switch
                {
                    TensorStorage.Parameters => parameters[tensor.Offset + i],
                    TensorStorage.State => state[tensor.Offset + i],
                    _ => counters[tensor.Offset + i],
                };
            }

            return values;
        }

        /// <summary>Overwrites one tensor's values, all or none.</summary>
        /// <exception cref="ArgumentException">
        /// No tensor has that name, <paramref name="values"/> has the wrong length, or a value is not one the tensor can hold:
        /// NaN or infinite, a negative running variance, a counter that is not a whole number of at least 0.
        /// </exception>
        public static void Set(IReadOnlyList<TensorDescriptor> tensors, string model, string name, ReadOnlySpan<float> values, float[] parameters, float[] state, long[] counters)
        {
            var tensor = Find(tensors, model, name);
            if (values.Length != tensor.Length)
            {
                throw new ArgumentException($"values has {values.Length} floats; tensor '{name}' {tensor.ShapeText} holds {tensor.Length} floats.", nameof(values));
            }

            // Check every value before writing any, so a rejected call changes nothing.
            if (TensorValues.FirstProblem(tensor, values, out int bad) is { } problem)
            {
                throw new ArgumentException(
                    $"values[{bad}] is {TensorValues.Format(values[bad])}, which tensor '{name}' of {model} cannot hold: {problem}. The model is unchanged.",
                    nameof(values));
            }

            for (int i = 0; i < values.Length; i++)
            {
                switch (tensor.Storage)
                {
                    case TensorStorage.Parameters: parameters[tensor.Offset + i] = values[i]; break;
                    case TensorStorage.State: state[tensor.Offset + i] = values[i]; break;
                    default: counters[tensor.Offset + i] = (long)values[i]; break;
                }
            }
        }

        /// <summary>
        /// Throws <see cref="ArgumentException"/> unless every value is finite: the check of <c>SetParameters</c>, whose message
        /// names the tensor and element of the first bad value.
        /// </summary>
        public static void CheckParameters(IReadOnlyList<TensorDescriptor> tensors, string model, ReadOnlySpan<float> values)
        {
            int bad = ValueScan.IndexOfNonFinite(values);
            if (bad < 0)
            {
                return;
            }

            foreach (var tensor in tensors)
            {
                if (tensor.Storage == TensorStorage.Parameters && bad >= tensor.Offset && bad < tensor.Offset + tensor.Length)
                {
                    throw new ArgumentException(
                        $"values[{bad}] is {TensorValues.Format(values[bad])}: element {bad - tensor.Offset} of tensor '{tensor.Name}' {tensor.ShapeText} of {model}; parameters must be finite (a NaN or infinity would make predictions NaN). The model is unchanged.",
                        "values");
                }
            }

            throw new ArgumentException($"values[{bad}] is {TensorValues.Format(values[bad])}; parameters must be finite. The model is unchanged.", "values");
        }
    }
}
