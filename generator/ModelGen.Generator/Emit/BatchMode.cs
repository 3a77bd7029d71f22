using System.Linq;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>
    /// Emits the inference path of a model that opted in to batch-dependent inference: a BatchNorm declared with
    /// UseBatchStatisticsAtInference, or a Dropout declared ActiveAtInference. Layers run one after the other over the
    /// whole batch, in scratch buffers rented from the shared ArrayPool.
    /// </summary>
    internal static class BatchMode
    {
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";

        /// <summary>The attribute lines the generated Predict and PredictBatch carry in batch mode.</summary>
        public static string Marker(ModelSpec spec)
        {
            var reasons = spec.Layers.Where(l => l.AtInference && l.Reason.Trim().Length > 0).Select(l => $"layer {l.Index}: {l.Reason.Trim()}").ToList();
            return reasons.Count == 0
                ? "[global::ModelGen.UsesBatchStatistics]"
                : $"[global::ModelGen.UsesBatchStatistics(Reason = {Literal(string.Join("; ", reasons))})]";
        }

        public static string Literal(string text) =>
            "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "\\r").Replace("\n", "\\n") + "\"";

        public static void Emit(SourceWriter w, ModelSpec spec)
        {
            var layers = spec.Layers;
            int width = System.Math.Max(spec.InputSize, layers.Max(l => l.OutputSize));
            bool activeDropout = layers.Any(l => l.Kind == LayerKind.Dropout && l.AtInference);
            if (activeDropout)
            {
                w.Line("/// <summary>Counts inference calls; an active-at-inference dropout draws its mask from it.</summary>");
                w.Line("private long _inferenceCalls;");
                w.Line();
            }

            w.Line("/// <summary>");
            w.Line("/// Inference over the whole batch, as declared: " + string.Join("; ", layers.Where(l => l.AtInference).Select(l => l.Kind == LayerKind.BatchNorm
                ? $"batch norm \"{l.Name}\" normalizes with the statistics of this batch"
                : $"dropout \"{l.Name}\" stays active")) + ".");
            w.Line("/// A row's output depends on the other rows of the batch (and, with active dropout, on the call). Scratch buffers come from the shared ArrayPool.");
            w.Line("/// </summary>");
            w.Open($"private void PredictBatchMode(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int rows)");
            w.Line($"float[] bufferA = global::System.Buffers.ArrayPool<float>.Shared.Rent(rows * {I(width)});");
            w.Line($"float[] bufferB = global::System.Buffers.ArrayPool<float>.Shared.Rent(rows * {I(width)});");
            w.Open("try");
            w.Line($"ref float p = ref {Mm}.GetArrayDataReference(_parameters);");
            w.Line($"ref float folded = ref {Mm}.GetArrayDataReference(_folded);");
            w.Line($"ref float x = ref {Mm}.GetReference(inputs);");
            w.Line($"ref float a = ref {Mm}.GetArrayDataReference(bufferA);");
            w.Line($"ref float b = ref {Mm}.GetArrayDataReference(bufferB);");
            if (activeDropout)
            {
                w.Line("long call = global::System.Threading.Interlocked.Increment(ref _inferenceCalls);");
            }

            string cur = "x";
            foreach (var l in layers)
            {
                if (l.Kind == LayerKind.Dropout && !l.AtInference)
                {
                    w.Line($"// Layer {I(l.Index)}, dropout \"{l.Name}\", is the identity at inference.");
                    continue;
                }

                w.Line();
                string dst = l.Kind == LayerKind.Dense ? (cur == "a" ? "b" : "a") : (cur == "x" ? "a" : cur);
                int f = l.OutputSize, n = l.InputSize;
                switch (l.Kind)
                {
                    case LayerKind.Dense:
                        w.Line($"// Layer {I(l.Index)}, dense \"{l.Name}\" {I(n)} -> {I(f)}: z = W x{(l.UseBias ? " + b" : string.Empty)}, row by row.");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Line($"ref float xr = ref At(ref {cur}, r * {I(n)});");
                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        w.Line($"ref float w = ref At(ref p, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                        Kernels.Dot(w, "z", "w", "xr", n);
                        if (l.UseBias)
                        {
                            w.Line($"z += At(ref p, {Kernels.Index(l.BiasOffset, "j")});");
                        }

                        w.Line($"At(ref {dst}, (r * {I(f)}) + j) = z;");
                        w.Close();
                        w.Close();
                        break;
                    case LayerKind.BatchNorm when l.AtInference:
                        w.Line($"// Layer {I(l.Index)}, batch norm \"{l.Name}\" with the statistics of this batch (declared): (x - mean) / sqrt(var + {D(l.Epsilon)}) * weight + bias.");
                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        Kernels.BatchMoments(w, cur, f);
                        w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt(variance + {D(l.Epsilon)}));");
                        w.Line("float meanF = (float)mean;");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Line($"int i = (r * {I(f)}) + j;");
                        w.Line($"At(ref {dst}, i) = (At(ref p, {Kernels.Index(l.ParamOffset, "j")}) * ((At(ref {cur}, i) - meanF) * invStd)) + At(ref p, {Kernels.Index(l.ParamOffset + f, "j")});");
                        w.Close();
                        w.Close();
                        break;
                    case LayerKind.BatchNorm:
                        w.Line($"// Layer {I(l.Index)}, batch norm \"{l.Name}\" with running statistics: z * scale + shift.");
                        w.Open($"for (int i = 0; i < rows * {I(f)}; i++)");
                        w.Line($"int j = i % {I(f)};");
                        w.Line($"At(ref {dst}, i) = (At(ref {cur}, i) * At(ref folded, {Kernels.Index(l.CacheOffset, "j")})) + At(ref folded, {Kernels.Index(l.CacheOffset + f, "j")});");
                        w.Close();
                        break;
                    case LayerKind.Softmax:
                        w.Line($"// Layer {I(l.Index)}, softmax over {I(f)} outputs per row.");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Line($"ref float sr = ref At(ref {cur}, r * {I(f)});");
                        w.Line($"ref float dr = ref At(ref {dst}, r * {I(f)});");
                        Emitter.EmitSoftmaxRow(w, f, "sr", "dr");
                        w.Close();
                        break;
                    case LayerKind.Dropout:
                        w.Line($"// Layer {I(l.Index)}, dropout \"{l.Name}\" active at inference (declared): zero with probability {D(l.Rate)}, scale the rest by 1 / (1 - {D(l.Rate)}); the mask depends on (call, row, feature).");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        w.Line($"int i = (r * {I(f)}) + j;");
                        w.Line($"float m = global::ModelGen.DeterministicRandom.Hash(-1, call, r, {Kernels.Index(l.Index * 65536, "j")}) < {F(l.Rate)} ? 0f : {F(1.0 / (1.0 - l.Rate))};");
                        w.Line($"At(ref {dst}, i) = At(ref {cur}, i) * m;");
                        w.Close();
                        w.Close();
                        break;
                    default:
                        w.Line($"// Layer {I(l.Index)}, {l.Kind}, element-wise.");
                        w.Open($"for (int i = 0; i < rows * {I(f)}; i++)");
                        w.Line($"float z = At(ref {cur}, i);");
                        w.Line(Kernels.Activation(l, "z"));
                        w.Line($"At(ref {dst}, i) = z;");
                        w.Close();
                        break;
                }

                cur = dst;
            }

            w.Line();
            w.Line($"{Mm}.CreateReadOnlySpan(ref {cur}, rows * OutputSize).CopyTo(outputs);");
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
