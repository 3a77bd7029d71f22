using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// BatchNorm: at inference a per-feature scale and shift folded from the running statistics (refreshed whenever they
    /// change) and fused into the producing step; in training, batch statistics accumulated in double and the running
    /// statistics updated in the declared convention; in declared batch mode, the statistics of the batch being predicted.
    /// </summary>
    internal sealed class BatchNormEmitter : LayerEmitter
    {
        public static BatchNormEmitter Instance { get; } = new();

        public override string Describe(LayerSpec layer)
        {
            var l = (BatchNormSpec)layer;
            return $"{I(l.Index)}: batch norm \"{l.Name}\" over {I(l.Features)} features ({(l.Keras ? "Keras" : "PyTorch")} convention, momentum {D(l.Momentum)}, eps {D(l.Epsilon)})";
        }

        public override string DescribeInference(LayerSpec layer) => $"layer {I(layer.Index)}, batch norm \"{layer.Name}\" with running statistics: z = z * scale + shift";

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (BatchNormSpec)c.Spec;
            return Description(
                c,
                "BatchNormDescription",
                $"Momentum: {D(l.Momentum)}, Epsilon: {D(l.Epsilon)}, Convention: global::ModelGen.BatchNormConvention.{(l.Keras ? "Keras" : "PyTorch")}, "
                + $"UsesBatchStatisticsAtInference: {(l.UseBatchStatisticsAtInference ? "true" : "false")}, WeightOffset: {I(c.Plan.Offset("weight"))}, BiasOffset: {I(c.Plan.Offset("bias"))}, "
                + $"RunningMeanOffset: {I(c.Plan.Offset("running_mean"))}, RunningVarOffset: {I(c.Plan.Offset("running_var"))}, CounterIndex: {I(c.Plan.Offset("num_batches_tracked"))}");
        }

        public override void EmitInitialization(SourceWriter w, LayerContext c)
        {
            var l = (BatchNormSpec)c.Spec;
            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\": weight 1, bias 0, running mean 0, running variance 1.");
            w.Open($"for (int j = 0; j < {I(l.Features)}; j++)");
            w.Line($"_parameters[{VectorKernel.Index(c.Plan.Offset("weight"), "j")}] = 1f;");
            w.Line($"_state[{VectorKernel.Index(c.Plan.Offset("running_var"), "j")}] = 1f;");
            w.Close();
        }

        public override bool EmitRefresh(SourceWriter w, LayerContext c)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\": scale = weight / sqrt(running_var + {D(l.Epsilon)}), shift = bias - running_mean * scale.");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line($"double scale = _compute[{VectorKernel.Index(c.Plan.Compute("weight"), "j")}] / global::System.Math.Sqrt(_state[{VectorKernel.Index(c.Plan.Offset("running_var"), "j")}] + {D(l.Epsilon)});");
            w.Line($"_folded[{VectorKernel.Index(Scale(c), "j")}] = (float)scale;");
            w.Line($"_folded[{VectorKernel.Index(Shift(c), "j")}] = (float)(_compute[{VectorKernel.Index(c.Plan.Compute("bias"), "j")}] - (_state[{VectorKernel.Index(c.Plan.Offset("running_mean"), "j")}] * scale));");
            w.Close();
            return true;
        }

        public override string EpilogueStatement(LayerContext c, string z, string j) =>
            $"{z} = ({z} * At(ref folded, {VectorKernel.Index(Scale(c), j)})) + At(ref folded, {VectorKernel.Index(Shift(c), j)});";

        public override string? VectorEpilogue(LayerContext c, Width width, string z, string lane) =>
            $"{z} = ({z} * Load{width.S}(ref folded, {VectorKernel.Index(Scale(c), lane)})) + Load{width.S}(ref folded, {VectorKernel.Index(Shift(c), lane)});";

        public override string BatchDependenceNote(LayerSpec layer) => $"batch norm \"{layer.Name}\" normalizes with the statistics of this batch";

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            if (l.UseBatchStatisticsAtInference)
            {
                w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\" with the statistics of this batch (declared): (x - mean) / sqrt(var + {D(l.Epsilon)}) * weight + bias.");
                w.Open($"for (int j = 0; j < {I(f)}; j++)");
                BatchMoments(w, src, BatchStride(src));
                w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt(variance + {D(l.Epsilon)}));");
                w.Line("float meanF = (float)mean;");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Line($"At(ref {dst}, (r * Stride) + j) = (At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")}) * ((At(ref {src}, (r * {BatchStride(src)}) + j) - meanF) * invStd)) + At(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "j")});");
                w.Close();
                w.Close();
                return;
            }

            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\" with running statistics: z * scale + shift.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int j = 0; j < {I(f)}; j++)");
            w.Line($"At(ref {dst}, (r * Stride) + j) = (At(ref {src}, (r * {BatchStride(src)}) + j) * At(ref folded, {VectorKernel.Index(Scale(c), "j")})) + At(ref folded, {VectorKernel.Index(Shift(c), "j")});");
            w.Close();
            w.Close();
        }

        public override void EmitTrainerFields(SourceWriter w, LayerContext c)
        {
            w.Line($"/// <summary>Layer {c.Index} normalized values (x - mean) / std of the current batch.</summary>");
            w.Line($"private readonly float[] _xhat{c.Index};");
            w.Line($"/// <summary>Layer {c.Index} per-feature 1 / sqrt(batch variance + eps).</summary>");
            w.Line($"private readonly float[] _invStd{c.Index} = new float[{I(((BatchNormSpec)c.Spec).Features)}];");
        }

        public override void EmitTrainerAllocations(SourceWriter w, LayerContext c) =>
            w.Line($"_xhat{c.Index} = new float[maxBatchSize * {I(((BatchNormSpec)c.Spec).Features)}];");

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\", training mode: normalize each feature with the batch mean and biased variance,");
            w.Line($"// y = weight * (x - mean) / sqrt(var + {D(l.Epsilon)}) + bias; then update the running statistics, {(l.Keras ? "Keras" : "PyTorch")} convention:");
            w.Line($"// running = {D(l.Keep)} * running + {D(l.Take)} * batch, the running variance taking the {(l.Keras ? "biased" : "unbiased")} batch variance.");
            int f4 = f / 4 * 4;
            if (f4 > 0)
            {
                EmitForwardVector(w, c, x, y, f4);
            }

            if (f4 == f)
            {
                EmitCounter(w, c);
                return;
            }

            w.Line("// The remaining features one by one, the same operations.");
            w.Open($"for (int j = {I(f4)}; j < {I(f)}; j++)");
            BatchMoments(w, x, I(c.InputStride));
            w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt(variance + {D(l.Epsilon)}));");
            w.Line($"_invStd{c.Index}[j] = invStd;");
            w.Line("float meanF = (float)mean;");
            w.Line($"float gamma = At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")});");
            w.Line($"float beta = At(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "j")});");
            w.Line($"ref float xhat = ref Data(_xhat{c.Index});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"float h = (At(ref {x}, (r * {I(c.InputStride)}) + j) - meanF) * invStd;");
            w.Line($"At(ref xhat, (r * {I(f)}) + j) = h;");
            w.Line($"At(ref {y}, (r * {I(c.OutputStride)}) + j) = (gamma * h) + beta;");
            w.Close();
            w.Line();
            int mean = c.Plan.Offset("running_mean"), variance = c.Plan.Offset("running_var");
            w.Open("if (updateRunningStatistics)");
            w.Line($"At(ref s, {VectorKernel.Index(mean, "j")}) = (float)(({D(l.Keep)} * At(ref s, {VectorKernel.Index(mean, "j")})) + ({D(l.Take)} * mean));");
            string batchVar = l.Keras ? "variance" : "(variance * rows / (rows - 1))";
            w.Line($"At(ref s, {VectorKernel.Index(variance, "j")}) = (float)(({D(l.Keep)} * At(ref s, {VectorKernel.Index(variance, "j")})) + ({D(l.Take)} * {batchVar}));");
            w.Close();
            w.Close();
            w.Line();
            EmitCounter(w, c);
        }

        private static void EmitCounter(SourceWriter w, LayerContext c)
        {
            w.Open("if (updateRunningStatistics)");
            w.Line($"_model._counters[{I(c.Plan.Offset("num_batches_tracked"))}]++;");
            w.Close();
        }

        /// <summary>
        /// The training forward for features [0, <paramref name="f4"/>), four at a time: each lane runs exactly the scalar
        /// feature's operations (double sums over the rows in order, the same roundings), so the bits are the scalar loop's.
        /// </summary>
        private static void EmitForwardVector(SourceWriter w, LayerContext c, string x, string y, int f4)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            string xs = I(c.InputStride), ys = I(c.OutputStride);
            int mean = c.Plan.Offset("running_mean"), variance = c.Plan.Offset("running_var");
            w.Line("// Four features at a time (lanes in double for the statistics).");
            w.Line("var rowsD = Splat4((double)rows);");
            w.Line($"ref float xh = ref Data(_xhat{c.Index});");
            w.Open($"for (int j = 0; j < {I(f4)}; j += 4)");
            w.Line("var sum = Splat4(0.0);");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"sum += Widen4(ref {x}, (r * {xs}) + j);");
            w.Close();
            w.Line();
            w.Line("var mean = sum / rowsD;");
            w.Line("var squares = Splat4(0.0);");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"var d = Widen4(ref {x}, (r * {xs}) + j) - mean;");
            w.Line("squares += d * d;");
            w.Close();
            w.Line();
            w.Line("var variance = squares / rowsD;");
            w.Line($"var invStd = Narrow4(Splat4(1.0) / global::System.Runtime.Intrinsics.Vector256.Sqrt(variance + Splat4({D(l.Epsilon)})));");
            w.Line($"Store4(invStd, ref Data(_invStd{c.Index}), j);");
            w.Line("var meanF = Narrow4(mean);");
            w.Line($"var gamma = Load4(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")});");
            w.Line($"var beta = Load4(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "j")});");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"var h = (Load4(ref {x}, (r * {xs}) + j) - meanF) * invStd;");
            w.Line($"Store4(h, ref xh, (r * {I(f)}) + j);");
            w.Line($"Store4((gamma * h) + beta, ref {y}, (r * {ys}) + j);");
            w.Close();
            w.Line();
            w.Open("if (updateRunningStatistics)");
            string batchVar = l.Keras ? "variance" : "(variance * rowsD / (rowsD - Splat4(1.0)))";
            w.Line($"Store4(Narrow4((Splat4({D(l.Keep)}) * Widen4(ref s, {VectorKernel.Index(mean, "j")})) + (Splat4({D(l.Take)}) * mean)), ref s, {VectorKernel.Index(mean, "j")});");
            w.Line($"Store4(Narrow4((Splat4({D(l.Keep)}) * Widen4(ref s, {VectorKernel.Index(variance, "j")})) + (Splat4({D(l.Take)}) * {batchVar})), ref s, {VectorKernel.Index(variance, "j")});");
            w.Close();
            w.Close();
            w.Line();
        }

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            w.Line($"// Backward, layer {c.Index} batch norm \"{l.Name}\": dweight += sum(d * xhat), dbias += sum(d){(needInput ? ", dx = weight * invStd / rows * (rows * d - sum(d) - xhat * sum(d * xhat))" : string.Empty)}.");
            w.Line($"ref float xhat{c.Index} = ref Data(_xhat{c.Index});");
            int f4 = f / 4 * 4;
            if (f4 > 0)
            {
                EmitBackwardVector(w, c, d, needInput, f4);
                if (f4 == f)
                {
                    return false;
                }

                w.Line("// The remaining features one by one, the same operations.");
            }

            w.Open($"for (int j = {I(f4)}; j < {I(f)}; j++)");
            w.Line("double sumD = 0;");
            w.Line("double sumDH = 0;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"float dr = At(ref {d}, (r * {I(c.OutputStride)}) + j);");
            w.Line("sumD += dr;");
            w.Line($"sumDH += (double)dr * At(ref xhat{c.Index}, (r * {I(f)}) + j);");
            w.Close();
            w.Line();
            w.Line($"At(ref g, {VectorKernel.Index(c.Plan.Compute("weight"), "j")}) = (float)sumDH;");
            w.Line($"At(ref g, {VectorKernel.Index(c.Plan.Compute("bias"), "j")}) = (float)sumD;");
            if (needInput)
            {
                w.Line($"double scale = (double)At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")}) * _invStd{c.Index}[j] / rows;");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Line($"int i = (r * {I(c.OutputStride)}) + j;");
                w.Line($"At(ref {d}, i) = (float)(scale * ((rows * (double)At(ref {d}, i)) - sumD - (At(ref xhat{c.Index}, (r * {I(f)}) + j) * sumDH)));");
                w.Close();
            }

            w.Close();
            return false;
        }

        /// <summary>The backward pass for features [0, <paramref name="f4"/>), four at a time, each lane the scalar feature's operations.</summary>
        private static void EmitBackwardVector(SourceWriter w, LayerContext c, string d, bool needInput, int f4)
        {
            int f = ((BatchNormSpec)c.Spec).Features;
            string ds = I(c.OutputStride);
            w.Line("var rowsD = Splat4((double)rows);");
            w.Open($"for (int j = 0; j < {I(f4)}; j += 4)");
            w.Line("var sumD = Splat4(0.0);");
            w.Line("var sumDH = Splat4(0.0);");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"var dr = Widen4(ref {d}, (r * {ds}) + j);");
            w.Line("sumD += dr;");
            w.Line($"sumDH += dr * Widen4(ref xhat{c.Index}, (r * {I(f)}) + j);");
            w.Close();
            w.Line();
            w.Line($"Store4(Narrow4(sumDH), ref g, {VectorKernel.Index(c.Plan.Compute("weight"), "j")});");
            w.Line($"Store4(Narrow4(sumD), ref g, {VectorKernel.Index(c.Plan.Compute("bias"), "j")});");
            if (needInput)
            {
                w.Line($"var scale = Widen4(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "j")}) * Widen4(ref Data(_invStd{c.Index}), j) / rowsD;");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Line($"int i = (r * {ds}) + j;");
                w.Line($"Store4(Narrow4(scale * (((rowsD * Widen4(ref {d}, i)) - sumD) - (Widen4(ref xhat{c.Index}, (r * {I(f)}) + j) * sumDH))), ref {d}, i);");
                w.Close();
            }

            w.Close();
            w.Line();
        }

        private static int Scale(LayerContext c) => c.Plan.DerivedOffset;

        private static int Shift(LayerContext c) => c.Plan.DerivedOffset + Limits.Pad(((BatchNormSpec)c.Spec).Features);

        /// <summary>
        /// Declares <c>double mean</c> and <c>double variance</c> (biased) of feature <c>j</c> over <c>rows</c> rows of
        /// <paramref name="src"/> (rows <paramref name="stride"/> floats apart), accumulated in double, rows in order.
        /// </summary>
        private static void BatchMoments(SourceWriter w, string src, string stride)
        {
            w.Line("double sum = 0;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"sum += At(ref {src}, (r * {stride}) + j);");
            w.Close();
            w.Line();
            w.Line("double mean = sum / rows;");
            w.Line("double squares = 0;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"double d = At(ref {src}, (r * {stride}) + j) - mean;");
            w.Line("squares += d * d;");
            w.Close();
            w.Line();
            w.Line("double variance = squares / rows;");
        }
    }
}
