// Weights: a trainer's state as a checkpoint file holds it, read and checked before any of it is applied.
using System.ComponentModel;

namespace ModelGen
{
    /// <summary>A trainer's state as a checkpoint holds it: everything in the layout of the model's parameters.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class TrainerCheckpoint
    {
        internal TrainerCheckpoint(float[] parameters, float[] state, long[] counters, float[][] moments, long iterations, double learningRate, int seed)
        {
            Seed = seed;
            Parameters = parameters;
            State = state;
            Counters = counters;
            Moments = moments;
            Iterations = iterations;
            LearningRate = learningRate;
        }

        /// <summary>The trainable parameters, laid out as the model's <c>Parameters</c>.</summary>
        public float[] Parameters { get; }

        /// <summary>The running statistics.</summary>
        public float[] State { get; }

        /// <summary>The counters.</summary>
        public long[] Counters { get; }

        /// <summary>The optimizer's state arrays, each laid out as the parameters, in the order of the names given.</summary>
        public float[][] Moments { get; }

        /// <summary>The number of optimizer updates made.</summary>
        public long Iterations { get; }

        /// <summary>The learning rate of the next step.</summary>
        public double LearningRate { get; }

        /// <summary>The trainer's seed (of the dropout masks).</summary>
        public int Seed { get; }
    }
}
