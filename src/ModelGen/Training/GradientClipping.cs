// Training: clipping by global norm, called by generated trainers between the backward pass and the optimizer update.
using System;
using System.ComponentModel;

namespace ModelGen
{
    /// <summary>
    /// Gradient clipping by global norm, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>: when the L2 norm of all
    /// gradients together exceeds the maximum, every gradient is scaled by <c>max / (norm + 1e-6)</c>. The generated
    /// trainers call it between the backward pass and the optimizer update when their <c>ClipGradientNorm</c> is set.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class GradientClipping
    {
        /// <summary>Scales <paramref name="gradients"/> so their global L2 norm is at most about <paramref name="maxNorm"/>; returns the norm before.</summary>
        /// <param name="gradients">Every gradient of the model (padding zeros do not change the norm).</param>
        /// <param name="maxNorm">The largest norm allowed; 0 or less turns clipping off.</param>
        public static double ClipByGlobalNorm(Span<float> gradients, double maxNorm)
        {
            // The norm is summed in double, in index order: the same bits on every machine and thread count.
            double sum = 0;
            for (int i = 0; i < gradients.Length; i++)
            {
                double g = gradients[i];
                sum += g * g;
            }

            double norm = Math.Sqrt(sum);
            if (maxNorm <= 0)
            {
                return norm;
            }

            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1)
            {
                float scale = (float)coefficient;
                for (int i = 0; i < gradients.Length; i++)
                {
                    gradients[i] *= scale;
                }
            }

            return norm;
        }

        /// <summary>Returns <paramref name="maxNorm"/> when it is a valid clipping norm (finite, at least 0; 0 is off).</summary>
        public static double CheckMaxNorm(double maxNorm) =>
            maxNorm >= 0 && !double.IsInfinity(maxNorm)
                ? maxNorm
                : throw new ArgumentOutOfRangeException("value", maxNorm, "The clipping norm must be finite and at least 0 (0 turns clipping off).");
    }
}
