using System.Linq;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>
    /// Emits the inference path of a model that opted in to batch-dependent inference: a BatchNorm declared with
    /// UseBatchStatisticsAtInference, or a Dropout declared ActiveAtInference. Layers run one after the other over the
    /// whole batch, in scratch buffers rented from the shared ArrayPool.
    /// </summary>
    internal static class BatchModeEmitter
    {
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        /// <summary>The attribute lines the generated Predict and PredictBatch carry in batch mode.</summary>
        public static string Marker(ModelSpec spec)
        {
            var reasons = spec.Layers.Where(l => l.BatchDependentAtInference && l.Reason.Trim().Length > 0).Select(l => $"layer {l.Index}: {l.Reason.Trim()}").ToList();
            return reasons.Count == 0
                ? "[global::ModelGen.UsesBatchStatistics]"
                : $"[global::ModelGen.UsesBatchStatistics(Reason = {Literal(string.Join("; ", reasons))})]";
        }

        public static void Emit(SourceWriter w, ModelPlan plan)
        {
            var spec = plan.Spec;
            var contexts = ModelEmitter.Contexts(plan);
            int width = Limits.Pad(plan.Inference.RowWidth);
            bool callCounter = spec.Layers.Any(l => LayerCatalog.EmitterFor(l).UsesCallCounter(l));
            if (callCounter)
            {
                w.Line("/// <summary>Counts inference calls; an active-at-inference dropout draws its mask from it.</summary>");
                w.Line("private long _inferenceCalls;");
                w.Line();
            }

            w.Line("/// <summary>");
            w.Line("/// Inference over the whole batch, as declared: " + Xml(string.Join("; ", spec.Layers.Where(l => l.BatchDependentAtInference).Select(l => LayerCatalog.EmitterFor(l).BatchDependenceNote(l)))) + ".");
            w.Line("/// A row's output depends on the other rows of the batch (and, with active dropout, on the call). Scratch buffers come from the shared ArrayPool.");
            w.Line("/// </summary>");
            w.Open($"private void PredictBatchMode(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int rows)");
            w.Line("// Scratch rows are padded to whole 16-float panels.");
            w.Line($"const int Stride = {I(width)};");
            w.Line("float[] bufferA = global::System.Buffers.ArrayPool<float>.Shared.Rent(rows * Stride);");
            w.Line("float[] bufferB = global::System.Buffers.ArrayPool<float>.Shared.Rent(rows * Stride);");
            w.Open("try");
            w.Line($"ref float p = ref {Mm}.GetArrayDataReference(_compute);");
            w.Line($"ref float folded = ref {Mm}.GetArrayDataReference(_folded);");
            w.Line($"ref float x = ref {Mm}.GetReference(inputs);");
            w.Line($"ref float a = ref {Mm}.GetArrayDataReference(bufferA);");
            w.Line($"ref float b = ref {Mm}.GetArrayDataReference(bufferB);");
            if (callCounter)
            {
                w.Line("long call = global::System.Threading.Interlocked.Increment(ref _inferenceCalls);");
            }

            string current = "x";
            foreach (var c in contexts)
            {
                var emitter = LayerCatalog.EmitterFor(c.Spec);
                if (c.Spec.Role == InferenceRole.Identity && !c.Spec.BatchDependentAtInference)
                {
                    w.Line(emitter.IdentityNote(c));
                    continue;
                }

                w.Line();
                string destination = c.Spec.InPlace ? (current == "x" ? "a" : current) : (current == "a" ? "b" : "a");
                emitter.EmitBatchMode(w, c, current, destination);
                current = destination;
            }

            w.Line();
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"{Mm}.CreateReadOnlySpan(ref At(ref {current}, r * {(current == "x" ? "InputSize" : "Stride")}), OutputSize).CopyTo(outputs.Slice(r * OutputSize, OutputSize));");
            w.Close();
            w.Close();
            w.Open("finally");
            w.Line("global::System.Buffers.ArrayPool<float>.Shared.Return(bufferA);");
            w.Line("global::System.Buffers.ArrayPool<float>.Shared.Return(bufferB);");
            w.Close();
            w.Close();
            w.Line();
        }
    }
}
