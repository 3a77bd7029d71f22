// Data: class-index labels and their one-hot rows, the two target forms trainers of softmax models accept.
using System;
using System.Globalization;

namespace ModelGen
{
    /// <summary>
    /// Class-index labels for categorical cross-entropy: label <c>i</c> names the class of row <c>i</c> (0 to classes - 1),
    /// the same as a one-hot target row with 1 at that index. Trainers of softmax models accept either form.
    /// </summary>
    public static class ClassLabels
    {
        /// <summary>One-hot rows for integer labels: a new array of <c>labels.Length * classes</c> floats.</summary>
        /// <exception cref="ArgumentException">A label is outside 0 to <paramref name="classes"/> - 1 (the message names it).</exception>
        public static float[] OneHot(ReadOnlySpan<int> labels, int classes)
        {
            var rows = new float[checked(labels.Length * CheckClasses(classes))];
            OneHot(labels, rows, classes);
            return rows;
        }

        /// <summary>One-hot rows for labels stored as floats (whole numbers): a new array of <c>labels.Length * classes</c> floats.</summary>
        /// <exception cref="ArgumentException">A label is not a whole number from 0 to <paramref name="classes"/> - 1.</exception>
        public static float[] OneHot(ReadOnlySpan<float> labels, int classes)
        {
            var rows = new float[checked(labels.Length * CheckClasses(classes))];
            OneHot(labels, rows, classes);
            return rows;
        }

        /// <summary>Writes one-hot rows for integer labels into <paramref name="destination"/> (exactly <c>labels.Length * classes</c> floats).</summary>
        public static void OneHot(ReadOnlySpan<int> labels, Span<float> destination, int classes)
        {
            CheckDestination(labels.Length, destination.Length, CheckClasses(classes));
            for (int r = 0; r < labels.Length; r++)
            {
                if ((uint)labels[r] >= (uint)classes)
                {
                    throw new ArgumentException(
                        $"labels[{r}] is {labels[r].ToString(CultureInfo.InvariantCulture)}; class indices run from 0 to {classes - 1} (the model has {classes} outputs).",
                        nameof(labels));
                }
            }

            destination.Clear();
            for (int r = 0; r < labels.Length; r++)
            {
                destination[(r * classes) + labels[r]] = 1f;
            }
        }

        /// <summary>Writes one-hot rows for float labels (whole numbers) into <paramref name="destination"/>.</summary>
        public static void OneHot(ReadOnlySpan<float> labels, Span<float> destination, int classes)
        {
            CheckDestination(labels.Length, destination.Length, CheckClasses(classes));
            for (int r = 0; r < labels.Length; r++)
            {
                float label = labels[r];
                if (!(label >= 0 && label < classes) || label != MathF.Floor(label))
                {
                    throw new ArgumentException(
                        $"targets[{r}] is {label.ToString("R", CultureInfo.InvariantCulture)}, but one target per row means a class index: a whole number from 0 to {classes - 1} (the model has {classes} outputs). For one-hot or soft targets pass {classes} floats per row.",
                        "targets");
                }
            }

            destination.Clear();
            for (int r = 0; r < labels.Length; r++)
            {
                destination[(r * classes) + (int)labels[r]] = 1f;
            }
        }

        /// <summary>The error for targets of the wrong length, with a hint when they look like class indices.</summary>
        /// <param name="length">The number of target floats given.</param>
        /// <param name="rows">The number of input rows.</param>
        /// <param name="width">The model's outputs per row.</param>
        /// <param name="loss">The model's loss.</param>
        /// <param name="name">The parameter the targets came in (default <c>targets</c>).</param>
        public static string TargetLengthMessage(int length, int rows, int width, LossKind loss, string name = "targets")
        {
            string message = $"{name} has {length} floats; {rows} rows of {width} need {(long)rows * width}.";
            if (length == rows && width > 1)
            {
                message += loss == LossKind.CategoricalCrossEntropy
                    ? " They look like class indices (one per row): pass them as they are, or as int labels."
                    : $" They look like class indices (one per row), which need a softmax output with categorical cross-entropy; this model's loss is {loss}, which compares {width} targets per row with its {width} outputs.";
            }

            return message;
        }

        private static int CheckClasses(int classes) =>
            classes >= 1 ? classes : throw new ArgumentOutOfRangeException(nameof(classes), classes, "The number of classes must be at least 1.");

        private static void CheckDestination(int labels, int destination, int classes)
        {
            if (destination != (long)labels * classes)
            {
                throw new ArgumentException($"The destination has {destination} floats; {labels} labels of {classes} classes need {(long)labels * classes}.", nameof(destination));
            }
        }
    }
}
