// Weights: the one rule on the values a model's tensors may hold, shared by loading, SetParameters and SetTensor.
using System;
using System.Globalization;

namespace ModelGen
{
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
