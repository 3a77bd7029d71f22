// Weights: the sequence lock that makes a weight change atomic for the predictions running beside it; every generated
// model holds one.
using System.ComponentModel;
using System.Threading;

namespace ModelGen
{
    /// <summary>
    /// Makes a weight change atomic for the predictions that run beside it. Writers (<c>LoadWeights</c>,
    /// <c>SetParameters</c>, <c>SetTensor</c>) take a lock and make a version count odd while they change the weights,
    /// even again when done; a prediction notes the version before it starts and checks it after it ends, and runs again
    /// if a writer came between (waiting while one is at work). So a prediction uses the old weights or the new ones,
    /// never a mix, and predictions never wait for each other. This is a sequence lock; readers pay two reads of one
    /// counter and one memory fence per call.
    /// </summary>
    /// <remarks>
    /// Only the generated code calls it. A prediction that ran against half-written weights computed garbage that it then
    /// discards: the inference code reads only fixed offsets of arrays that never change size, so garbage cannot send it
    /// out of bounds. Outputs are rewritten on the retry; the generated code refuses outputs that overlap inputs, so the
    /// inputs are intact for it.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class WeightsGuard
    {
        private int _version;
        private int _trainingSteps;

        /// <summary>Notes the version a prediction starts with, waiting while a writer is at work.</summary>
        /// <returns>A token for <see cref="EndRead"/>.</returns>
        public long BeginRead()
        {
            int version = Volatile.Read(ref _version);
            if ((version & 1) != 0)
            {
                version = WaitForWriter();
            }

            long token = (uint)version;
            if (ConcurrencyChecks.Enabled)
            {
                // Bit 63 says the check is on for this prediction; bits 32 to 62 hold the training step count.
                int training = Volatile.Read(ref _trainingSteps);
                if ((training & 1) != 0)
                {
                    ConcurrencyChecks.ThrowPredictDuringTraining();
                }

                token |= long.MinValue | ((long)(training & int.MaxValue) << 32);
            }

            return token;
        }

        /// <summary>
        /// Whether the weights stayed the same since <see cref="BeginRead"/>. When they did not, the prediction must run
        /// again: <paramref name="token"/> is renewed for it (after any writer at work has finished).
        /// </summary>
        public bool EndRead(ref long token)
        {
            // The fence keeps the prediction's reads of the weights before the second read of the version.
            Interlocked.MemoryBarrier();
            int version = Volatile.Read(ref _version);
            if (token < 0 && (Volatile.Read(ref _trainingSteps) & int.MaxValue) != (int)((token >> 32) & int.MaxValue))
            {
                ConcurrencyChecks.ThrowPredictDuringTraining();
            }

            if (version == (int)token)
            {
                return true;
            }

            token = BeginRead();
            return false;
        }

        /// <summary>Starts a change of the weights: excludes other writers and makes running predictions start over.</summary>
        public void EnterWrite()
        {
            Monitor.Enter(this);
            Interlocked.Increment(ref _version);
        }

        /// <summary>Ends the change started by <see cref="EnterWrite"/>.</summary>
        public void ExitWrite()
        {
            Interlocked.Increment(ref _version);
            Monitor.Exit(this);
        }

        /// <summary>Excludes writers without changing the version: for reading the weights whole (saving, copying a tensor).</summary>
        public void EnterSnapshot() => Monitor.Enter(this);

        /// <summary>Ends the read started by <see cref="EnterSnapshot"/>.</summary>
        public void ExitSnapshot() => Monitor.Exit(this);

        /// <summary>Marks a training step as running (for <see cref="ConcurrencyChecks"/>).</summary>
        public void EnterTraining() => Interlocked.Increment(ref _trainingSteps);

        /// <summary>Marks the training step as finished.</summary>
        public void ExitTraining() => Interlocked.Increment(ref _trainingSteps);

        private int WaitForWriter()
        {
            var spin = default(SpinWait);
            int version;
            while (((version = Volatile.Read(ref _version)) & 1) != 0)
            {
                spin.SpinOnce();
            }

            return version;
        }
    }
}
