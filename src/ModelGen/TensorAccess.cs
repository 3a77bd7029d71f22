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

        /// <summary>Overwrites one tensor's values (counters rounded toward zero).</summary>
        /// <exception cref="ArgumentException">No tensor has that name, or <paramref name="values"/> has the wrong length.</exception>
        public static void Set(IReadOnlyList<TensorDescriptor> tensors, string model, string name, ReadOnlySpan<float> values, float[] parameters, float[] state, long[] counters)
        {
            var tensor = Find(tensors, model, name);
            if (values.Length != tensor.Length)
            {
                throw new ArgumentException($"values has {values.Length} floats; tensor '{name}' {tensor.ShapeText} holds {tensor.Length} floats.", nameof(values));
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
    }
}
