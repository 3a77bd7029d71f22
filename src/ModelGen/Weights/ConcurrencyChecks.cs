// Weights: opt-in detection of unsupported overlapping uses of one model (a prediction during a training step), for
// tests.
using System;

namespace ModelGen
{
    /// <summary>
    /// Opt-in checks for uses of a model that are not supported, to find them while testing: with
    /// <see cref="Enabled"/> set, a <c>Predict</c> or <c>PredictBatch</c> that overlaps a <c>TrainStep</c> of the same model
    /// (on another thread) throws <see cref="InvalidOperationException"/> instead of returning outputs computed from weights
    /// that were changing. Off by default: the check costs one more counter read per prediction, and finds only the
    /// overlaps that actually happen in a run.
    /// </summary>
    public static class ConcurrencyChecks
    {
        private static volatile bool s_enabled = Environment.GetEnvironmentVariable("MODELGEN_CONCURRENCY_CHECKS") == "1";

        /// <summary>
        /// Whether predictions check that no training step of the same model runs beside them. Default: false, or true when
        /// the environment variable <c>MODELGEN_CONCURRENCY_CHECKS</c> is <c>1</c> at startup (to turn it on in a test run
        /// without changing code).
        /// </summary>
        public static bool Enabled
        {
            get => s_enabled;
            set => s_enabled = value;
        }

        internal static void ThrowPredictDuringTraining() =>
            throw new InvalidOperationException(
                "A prediction ran while a TrainStep of the same model was running on another thread. Training changes the weights in place, so such a prediction mixes old and new weights. Predict between steps, or predict with a copy of the model (SaveWeights to a MemoryStream, LoadWeights into a second instance). (Reported because ConcurrencyChecks.Enabled is set.)");
    }
}
