// Training: the checks on a training batch's inputs and targets that generated trainers run before a step changes
// anything.
using System;
using System.ComponentModel;
using System.Globalization;

namespace ModelGen
{
    /// <summary>
    /// Checks the values of a training batch before a step changes anything: every input finite, every target finite and
    /// inside the loss's domain. One NaN input row would otherwise make every parameter and running statistic NaN, and a
    /// binary cross-entropy target of 5 gives a negative loss that training then minimizes. The generated trainers call it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class TrainingValues
    {
        /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value's row and column.</summary>
        /// <param name="inputs">Rows of <paramref name="inputWidth"/> floats.</param>
        /// <param name="targets">Rows of <paramref name="outputWidth"/> floats.</param>
        /// <param name="inputWidth">Floats per input row.</param>
        /// <param name="outputWidth">Floats per target row.</param>
        /// <param name="loss">The loss the targets are for.</param>
        public static void Check(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputWidth, int outputWidth, LossKind loss)
        {
            int bad = IndexOfNonFinite(inputs);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"inputs[row {bad / inputWidth}, column {bad % inputWidth}] is {Format(inputs[bad])}; training needs finite inputs (one NaN would make every parameter NaN). Clean or impute the data first; the model is unchanged.",
                    nameof(inputs));
            }

            // Fast path: every target is in [low, high] (NaN fails both comparisons).
            (float low, float high, string domain) = loss switch
            {
                LossKind.BinaryCrossEntropy => (0f, 1f, "[0, 1], the probabilities binary cross-entropy compares with"),
                LossKind.CategoricalCrossEntropy => (0f, float.MaxValue, "[0, +inf), the class weights categorical cross-entropy takes (one-hot or soft targets)"),
                _ => (float.MinValue, float.MaxValue, "the finite numbers"),
            };
            bad = ValueScan.IndexOutside(targets, low, high);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"targets[row {bad / outputWidth}, column {bad % outputWidth}] is {Format(targets[bad])}, outside {domain}; the model is unchanged.",
                    nameof(targets));
            }
        }

        /// <summary>Returns <paramref name="rate"/> when it is a learning rate (finite, at least 0), else throws <see cref="ArgumentOutOfRangeException"/>.</summary>
        public static double CheckLearningRate(double rate) =>
            rate >= 0 && !double.IsInfinity(rate)
                ? rate
                : throw new ArgumentOutOfRangeException("value", rate, "The learning rate must be finite and at least 0.");

        /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
        public static int IndexOfNonFinite(ReadOnlySpan<float> values) => ValueScan.IndexOfNonFinite(values);

        private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
