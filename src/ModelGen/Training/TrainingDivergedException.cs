// Training: the exception a generated trainer throws when a step's loss or gradients are not finite, before it changes
// anything.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace ModelGen
{
    /// <summary>
    /// A training step produced a loss or a gradient that is not finite (NaN or infinite), so it was stopped before it
    /// updated anything: the model's parameters, its running statistics and the optimizer's state are as they were before
    /// the step. Usual causes: a learning rate too large, inputs of very different scales, exploding activations.
    /// </summary>
    public sealed class TrainingDivergedException : Exception
    {
        private TrainingDivergedException(string message, long step, double loss, string? tensor, int element)
            : base(message)
        {
            Step = step;
            Loss = loss;
            Tensor = tensor;
            Element = element;
        }

        /// <summary>The step that diverged, counted from 1 (the trainer's Iterations + 1).</summary>
        public long Step { get; }

        /// <summary>The loss of the step (NaN or infinite when the loss itself diverged).</summary>
        public double Loss { get; }

        /// <summary>The first parameter tensor whose gradient is not finite, or null when only the loss is.</summary>
        public string? Tensor { get; }

        /// <summary>The element of <see cref="Tensor"/> whose gradient is not finite, or -1.</summary>
        public int Element { get; }

        /// <summary>Builds the exception for a step: finds the first non-finite gradient and names its tensor. Called by the generated trainers.</summary>
        /// <param name="step">The step number, from 1.</param>
        /// <param name="loss">The step's loss.</param>
        /// <param name="gradients">The gradients in the layout of the model's parameters.</param>
        /// <param name="tensors">The model's tensors.</param>
        public static TrainingDivergedException Create(long step, float loss, ReadOnlySpan<float> gradients, IReadOnlyList<TensorDescriptor> tensors)
        {
            int bad = TrainingValues.IndexOfNonFinite(gradients);
            string? name = null;
            int element = -1;
            string where = string.Empty;
            if (bad >= 0 && tensors is not null)
            {
                foreach (var t in tensors)
                {
                    if (t.Storage == TensorStorage.Parameters && bad >= t.Offset && bad < t.Offset + t.Length)
                    {
                        name = t.Name;
                        element = bad - t.Offset;
                        where = $"; the first non-finite gradient is element {element} of '{t.Name}' {t.ShapeText} ({Format(gradients[bad])})";
                        break;
                    }
                }
            }

            string message =
                $"Training diverged at step {step.ToString(CultureInfo.InvariantCulture)}: the loss is {Format(loss)}{where}. The step was not applied: the parameters, running statistics and optimizer state are as before it. Lower the learning rate, standardize the inputs, or check the data.";
            return new TrainingDivergedException(message, step, loss, name, element);
        }

        private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
