using System.Globalization;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>
    /// The one shape of every threaded call in generated code: when a condition holds, the worker pool splits
    /// <c>[0, count)</c> into parts and runs a static <c>PartAction</c> on each; otherwise the same work runs on the calling
    /// thread in one call. The parts never share a sum, so both ways give the same bits.
    /// </summary>
    internal static class ParallelSplit
    {
        private const string Rt = "global::ModelGen.";
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        /// <summary>The condition that more than one thread may be used.</summary>
        public static string Enabled => $"{Rt}Parallelism.MaxDegreeOfParallelism > 1";

        /// <summary>The condition for a call of <c>rows</c> rows of <paramref name="workPerRow"/> multiply-adds each: enough work, and threads allowed.</summary>
        public static string WorthIt(long workPerRow) =>
            $"(long)rows * {workPerRow.ToString(CultureInfo.InvariantCulture)} >= {I((int)Limits.ParallelWork)} && {Enabled}";

        /// <summary><c>MemoryMarshal.CreateReadOnlySpan(ref reference, length)</c>: a buffer handed to the pool.</summary>
        public static string ReadOnlySpan(string reference, string length) => $"{Mm}.CreateReadOnlySpan(ref {reference}, {length})";

        /// <summary><c>MemoryMarshal.CreateSpan(ref reference, length)</c>.</summary>
        public static string Span(string reference, string length) => $"{Mm}.CreateSpan(ref {reference}, {length})";

        /// <summary>The first element of a span a part receives, offset by <paramref name="offset"/> floats (none for <c>null</c>).</summary>
        public static string Element(string span, string? offset = null) =>
            offset is null ? $"ref {Mm}.GetReference({span})" : $"ref At(ref {Mm}.GetReference({span}), {offset})";

        /// <summary>
        /// Writes the split of the trainer's <c>ComputeCount</c> elements (each computed on its own) over the cores in ranges
        /// of <paramref name="granularity"/>: <c>method(start, end)</c> on each part, or <c>method(0, ComputeCount)</c> on one thread.
        /// </summary>
        public static void EmitOverElements(SourceWriter w, SourceWriter members, int granularity, string method, string field, string summary) =>
            Emit(w, members, Enabled, "default", "default", "ComputeCount", granularity, $"{method}(0, ComputeCount);", Names.Trainer, field, summary, "trainer, x, y, start, end", $"trainer.{method}(start, end);");

        /// <summary>
        /// Writes <c>if (condition) WorkerPool.Run(...); else serial;</c> into <paramref name="w"/> and the part's static field
        /// into <paramref name="members"/>.
        /// </summary>
        /// <param name="w">The calling method's writer.</param>
        /// <param name="members">The writer of the class's members.</param>
        /// <param name="condition">When to use the pool.</param>
        /// <param name="inputs">The span the parts read (pinned for the call).</param>
        /// <param name="outputs">The span the parts write.</param>
        /// <param name="count">What is split: rows or panels.</param>
        /// <param name="granularity">Part boundaries are multiples of this.</param>
        /// <param name="serial">The whole work as one call on the calling thread.</param>
        /// <param name="stateType">The class whose instance the parts get.</param>
        /// <param name="field">The static field holding the part.</param>
        /// <param name="summary">The field's summary.</param>
        /// <param name="parameters">The part's lambda parameters: state, inputs, outputs, start, end.</param>
        /// <param name="body">The part's body: one call for <c>[start, end)</c>.</param>
        public static void Emit(SourceWriter w, SourceWriter members, string condition, string inputs, string outputs, string count, int granularity, string serial, string stateType, string field, string summary, string parameters, string body)
        {
            w.Open($"if ({condition})");
            w.Line($"{Rt}WorkerPool.Run(this, {inputs}, {outputs}, {count}, {I(granularity)}, {field});");
            w.Close();
            w.Open("else");
            w.Line(serial);
            w.Close();
            members.Line($"/// <summary>{summary}</summary>");
            members.Line($"private static readonly {Rt}PartAction<{stateType}> {field} = static ({parameters}) =>");
            members.Line($"    {body}");
            members.Line();
        }
    }
}
