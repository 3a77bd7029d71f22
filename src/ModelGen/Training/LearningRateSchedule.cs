// Training: the learning-rate schedules Fit applies once per epoch (FitOptions.Schedule), in PyTorch's closed forms.
using System;

namespace ModelGen
{
    /// <summary>
    /// Sets the learning rate at the start of every epoch of <c>Fit</c> (<see cref="FitOptions.Schedule"/>). The built-in
    /// schedules follow PyTorch's <c>torch.optim.lr_scheduler</c> stepped once per epoch, in their closed forms (PyTorch
    /// updates the rate recursively; the two agree to about 1e-15 relative, tested against PyTorch's own sequence).
    /// </summary>
    public abstract class LearningRateSchedule
    {
        /// <summary>The learning rate for an epoch.</summary>
        /// <param name="epoch">The epoch about to run, from 0.</param>
        /// <param name="initialRate">The trainer's learning rate when <c>Fit</c> started.</param>
        /// <param name="previous">The report of the epoch before (null for epoch 0).</param>
        public abstract double Rate(int epoch, double initialRate, EpochReport? previous);

        /// <summary>
        /// The schedule's state for a checkpoint (<see cref="FitOptions.CheckpointPath"/>), or null when the rate is a function
        /// of the epoch alone. A schedule that remembers anything between epochs overrides this and <see cref="RestoreState"/>.
        /// </summary>
        public virtual double[]? SaveState() => null;

        /// <summary>Restores a state returned by <see cref="SaveState"/> when Fit resumes from a checkpoint.</summary>
        public virtual void RestoreState(double[] state)
        {
        }

        /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs (PyTorch <c>StepLR</c>).</summary>
        public static LearningRateSchedule Step(int stepSize, double gamma = 0.1) => new StepSchedule(Positive(stepSize, nameof(stepSize)), Factor(gamma, nameof(gamma)));

        /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch (PyTorch <c>ExponentialLR</c>).</summary>
        public static LearningRateSchedule Exponential(double gamma) => new StepSchedule(1, Factor(gamma, nameof(gamma)));

        /// <summary>
        /// Cosine annealing from the initial rate to <paramref name="minRate"/> over <paramref name="epochs"/> epochs (PyTorch
        /// <c>CosineAnnealingLR</c>; the rate stays at <paramref name="minRate"/> after them), optionally after a linear warm-up
        /// over <paramref name="warmupEpochs"/> epochs from <paramref name="warmupStartFactor"/> times the rate (PyTorch
        /// <c>SequentialLR(LinearLR, CosineAnnealingLR)</c> with the milestone at the end of the warm-up).
        /// </summary>
        public static LearningRateSchedule Cosine(int epochs, double minRate = 0, int warmupEpochs = 0, double warmupStartFactor = 1.0 / 3)
        {
            if (warmupEpochs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "The warm-up cannot have a negative number of epochs.");
            }

            if (!(warmupStartFactor > 0 && warmupStartFactor <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, "The warm-up start factor must be in (0, 1].");
            }

            return new CosineSchedule(Positive(epochs, nameof(epochs)), TrainingValues.CheckLearningRate(minRate), warmupEpochs, warmupStartFactor);
        }

        /// <summary>
        /// Multiplies the rate by <paramref name="factor"/> when the monitored loss (the validation loss, or the training loss
        /// without a validation set) has not improved by more than <paramref name="threshold"/> (relative) for more than
        /// <paramref name="patience"/> epochs; then waits <paramref name="cooldown"/> epochs; never below
        /// <paramref name="minRate"/> (PyTorch <c>ReduceLROnPlateau</c>, mode "min", threshold mode "rel").
        /// </summary>
        public static LearningRateSchedule ReduceOnPlateau(double factor = 0.1, int patience = 10, double threshold = 1e-4, int cooldown = 0, double minRate = 0)
        {
            if (!(factor > 0 && factor < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in (0, 1).");
            }

            if (patience < 0 || cooldown < 0 || !(threshold >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(patience), "Patience, cooldown and threshold must not be negative.");
            }

            return new PlateauSchedule(factor, patience, threshold, cooldown, TrainingValues.CheckLearningRate(minRate));
        }

        private static int Positive(int value, string name) =>
            value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "Must be at least 1.");

        private static double Factor(double value, string name) =>
            value > 0 && !double.IsInfinity(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Must be finite and greater than 0.");

        private sealed class StepSchedule(int stepSize, double gamma) : LearningRateSchedule
        {
            public override double Rate(int epoch, double initialRate, EpochReport? previous) =>
                initialRate * Math.Pow(gamma, epoch / stepSize);
        }

        private sealed class CosineSchedule(int epochs, double minRate, int warmup, double startFactor) : LearningRateSchedule
        {
            public override double Rate(int epoch, double initialRate, EpochReport? previous)
            {
                if (epoch < warmup)
                {
                    return initialRate * (startFactor + ((1 - startFactor) * epoch / warmup));
                }

                int t = Math.Min(epoch - warmup, epochs);
                return minRate + ((initialRate - minRate) * (1 + Math.Cos(Math.PI * t / epochs)) / 2);
            }
        }

        private sealed class PlateauSchedule(double factor, int patience, double threshold, int cooldown, double minRate) : LearningRateSchedule
        {
            private double _rate;
            private double _best;
            private int _bad;
            private int _cooldownLeft;

            public override double[]? SaveState() => new[] { _rate, _best, _bad, _cooldownLeft };

            public override void RestoreState(double[] state)
            {
                if (state.Length != 4)
                {
                    throw new System.IO.InvalidDataException("The checkpoint's ReduceOnPlateau state does not have 4 values; it was saved with another schedule.");
                }

                (_rate, _best, _bad, _cooldownLeft) = (state[0], state[1], (int)state[2], (int)state[3]);
            }

            public override double Rate(int epoch, double initialRate, EpochReport? previous)
            {
                if (epoch == 0 || previous is null)
                {
                    (_rate, _best, _bad, _cooldownLeft) = (initialRate, double.PositiveInfinity, 0, 0);
                    return _rate;
                }

                double metric = double.IsNaN(previous.ValidationLoss) ? previous.Loss : previous.ValidationLoss;
                if (metric < _best * (1 - threshold))
                {
                    _best = metric;
                    _bad = 0;
                }
                else
                {
                    _bad++;
                }

                if (_cooldownLeft > 0)
                {
                    _cooldownLeft--;
                    _bad = 0;
                }

                if (_bad > patience)
                {
                    double reduced = Math.Max(_rate * factor, minRate);
                    if (_rate - reduced > 1e-8)
                    {
                        _rate = reduced;
                    }

                    _cooldownLeft = cooldown;
                    _bad = 0;
                }

                return _rate;
            }
        }
    }
}
