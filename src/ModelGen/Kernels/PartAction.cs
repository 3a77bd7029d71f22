// Kernels: the delegate type of one part of a call that WorkerPool runs on a thread.
using System;
using System.ComponentModel;

namespace ModelGen
{
    /// <summary>A part of a call run on one thread: rows or features <c>[start, end)</c> of <paramref name="state"/>'s work.</summary>
    /// <typeparam name="TState">The model or trainer the work belongs to.</typeparam>
    /// <param name="state">The model or trainer.</param>
    /// <param name="inputs">The call's input rows.</param>
    /// <param name="outputs">The call's output rows.</param>
    /// <param name="start">The first row or feature of the part.</param>
    /// <param name="end">One past the last.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public delegate void PartAction<TState>(TState state, ReadOnlySpan<float> inputs, Span<float> outputs, int start, int end);
}
