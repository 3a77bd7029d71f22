using System.Collections.Generic;
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
            return $"{I(l.Index)}: batch norm \"{l.Name}\" over {I(l.Features)} {(l.Spatial > 1 ? $"channels of {I(l.Spatial)} values" : "features")} ({(l.Keras ? "Keras" : "PyTorch")} convention, momentum {D(l.Momentum)}, eps {D(l.Epsilon)})";
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
            if (l.Spatial > 1)
            {
                EmitBatchModeChannels(w, c, src, dst);
                return;
            }

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
            w.Line($"/// <summary>Layer {c.Index}: whether the current forward pass updates the running statistics (read by its parts on other threads).</summary>");
            w.Line($"private bool _update{c.Index};");
        }

        public override IEnumerable<TrainerBuffer> TrainerBuffers(LayerContext c) =>
            new[] { new TrainerBuffer($"_xhat{c.Index}", "float", c.Spec.OutputSize) };

        private static void Header(SourceWriter w, LayerContext c)
        {
            var l = (BatchNormSpec)c.Spec;
            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\", training mode: normalize each {(l.Spatial > 1 ? "channel" : "feature")} with the batch mean and biased variance,");
            w.Line($"// y = weight * (x - mean) / sqrt(var + {D(l.Epsilon)}) + bias; then update the running statistics, {(l.Keras ? "Keras" : "PyTorch")} convention:");
            w.Line($"// running = {D(l.Keep)} * running + {D(l.Take)} * batch, the running variance taking the {(l.Keras ? "biased" : "unbiased")} batch variance.");
        }

        /// <summary>
        /// The threshold for splitting a dense BatchNorm's features over the cores: its three passes over the batch (sums,
        /// squares, normalize; and the two of the backward pass) cost about as much per element as 32 multiply-adds of a
        /// dense kernel, so the hand-off pays from <see cref="Limits.ParallelWork"/> / 32 elements (64 rows of 128 features).
        /// Measured on the benchmark MLP's TrainStep(64): splitting both of its BatchNorm layers (256 and 128 features) took
        /// about 8% off the step on two cores (docs/benchmarks.md).
        /// </summary>
        private const long FeatureWork = 32;

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var members = w.Fork();
            EmitTrainingForward(w, members, c, x, y);
            w.Append(members);
        }

        /// <summary>
        /// The training forward: features (channels) are independent, so many rows split them over the cores, a dense
        /// layer's features in groups of four, each one's sums on one thread in row order (the bits of one thread); the
        /// counter counts once, on the calling thread.
        /// </summary>
        public override void EmitTrainingForward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            bool channels = l.Spatial > 1;
            string part = channels ? "Channels" : "Features", unit = channels ? "channel" : "feature", first = channels ? "chFirst" : "jFirst", last = channels ? "chEnd" : "jEnd";
            Header(w, c);
            w.Line(channels
                ? "// Channels are independent: many rows split them over the cores (each channel's sums on one thread, in order)."
                : "// Features are independent: many rows split them over the cores in groups of four (each feature's sums on one thread, in row order).");
            w.Line($"_update{c.Index} = updateRunningStatistics;");
            ParallelSplit.Emit(
                w,
                members,
                ParallelSplit.WorthIt(channels ? 4L * l.OutputSize : FeatureWork * f),
                ParallelSplit.ReadOnlySpan(x, $"rows * {I(c.InputStride)}"),
                ParallelSplit.Span(y, $"rows * {I(c.OutputStride)}"),
                I(f),
                channels ? 1 : 4,
                $"Forward{part}{c.Index}(ref {x}, ref {y}, rows, updateRunningStatistics, 0, {I(f)});",
                Names.Trainer,
                $"s_forward{part}{c.Index}",
                $"One thread's part of <see cref=\"Forward{part}{c.Index}\"/>: the {unit}s from <c>start</c> to <c>end</c>.",
                "trainer, x, y, start, end",
                $"trainer.Forward{part}{c.Index}({ParallelSplit.Element("x")}, {ParallelSplit.Element("y")}, trainer._rows, trainer._update{c.Index}, start, end);");
            w.Line();
            EmitCounter(w, c);
            members.Line($"/// <summary>Training-mode forward of layer {c.Index} for the {unit}s from <paramref name=\"{first}\"/> to <paramref name=\"{last}\"/>.</summary>");
            members.Open($"private void Forward{part}{c.Index}(ref float x, ref float y, int rows, bool updateRunningStatistics, int {first}, int {last})");
            members.Line("ref float p = ref Data(_model._compute);");
            members.Line("ref float s = ref Data(_model._state);");
            int f4 = f / 4 * 4;
            if (channels)
            {
                EmitForwardChannels(members, c, "x", "y");
            }
            else if (f4 > 0)
            {
                EmitForwardVector(members, c, "x", "y", f4);
            }

            if (!channels && f4 < f)
            {
                EmitForwardScalar(members, c, "x", "y", f4);
            }

            members.Close();
            members.Line();
        }

        /// <summary>The training forward for the features from <c>max(jFirst, f4)</c> to <c>jEnd</c>, one by one: the vector lanes' operations.</summary>
        private static void EmitForwardScalar(SourceWriter w, LayerContext c, string x, string y, int f4)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features;
            w.Line("// The remaining features one by one, the same operations.");
            w.Open($"for (int j = global::System.Math.Max(jFirst, {I(f4)}); j < jEnd; j++)");
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
        }

        private static void EmitCounter(SourceWriter w, LayerContext c)
        {
            w.Open("if (updateRunningStatistics)");
            w.Line($"_model._counters[{I(c.Plan.Offset("num_batches_tracked"))}]++;");
            w.Close();
        }

        /// <summary>
        /// The training forward for the features from <c>jFirst</c> to <c>min(jEnd, f4)</c>, four at a time (<c>jFirst</c> a
        /// multiple of four): each lane runs exactly the scalar
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
            w.Open($"for (int j = jFirst; j < {(f4 == f ? "jEnd" : $"global::System.Math.Min(jEnd, {I(f4)})")}; j += 4)");
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
            bool channels = l.Spatial > 1;
            string part = channels ? "Channels" : "Features", unit = channels ? "channel" : "feature", first = channels ? "chFirst" : "jFirst", last = channels ? "chEnd" : "jEnd";
            w.Line(channels
                ? "// Channels are independent: many rows split them over the cores (each channel's sums on one thread, in order)."
                : "// Features are independent: many rows split them over the cores in groups of four (each feature's sums on one thread, in row order).");
            ParallelSplit.Emit(
                w,
                members,
                ParallelSplit.WorthIt(channels ? 4L * l.OutputSize : FeatureWork * f),
                ParallelSplit.ReadOnlySpan($"Data(_xhat{c.Index})", $"rows * {I(l.OutputSize)}"),
                ParallelSplit.Span(d, $"rows * {I(c.OutputStride)}"),
                I(l.Features),
                channels ? 1 : 4,
                $"Backward{part}{c.Index}(ref {d}, rows, 0, {I(l.Features)});",
                Names.Trainer,
                $"s_backward{part}{c.Index}",
                $"One thread's part of <see cref=\"Backward{part}{c.Index}\"/>: the {unit}s from <c>start</c> to <c>end</c>.",
                "trainer, xhat, d, start, end",
                $"trainer.Backward{part}{c.Index}({ParallelSplit.Element("d")}, trainer._rows, start, end);");
            members.Line($"/// <summary>Backward of layer {c.Index} for the {unit}s from <paramref name=\"{first}\"/> to <paramref name=\"{last}\"/>{(needInput ? ", the input gradient in place" : string.Empty)}.</summary>");
            members.Open($"private void Backward{part}{c.Index}(ref float d, int rows, int {first}, int {last})");
            members.Line("ref float p = ref Data(_model._compute);");
            members.Line("ref float g = ref Data(_gradients);");
            members.Line($"ref float xhat{c.Index} = ref Data(_xhat{c.Index});");
            if (channels)
            {
                EmitBackwardChannels(members, c, "d", needInput);
            }
            else
            {
                EmitBackwardFeatures(members, c, "d", needInput);
            }

            members.Close();
            members.Line();
            return false;
        }

        /// <summary>The backward pass of a dense BatchNorm for the features from <c>jFirst</c> to <c>jEnd</c>: four at a time, then one by one.</summary>
        private static void EmitBackwardFeatures(SourceWriter w, LayerContext c, string d, bool needInput)
        {
            int f = ((BatchNormSpec)c.Spec).Features;
            int f4 = f / 4 * 4;
            if (f4 > 0)
            {
                EmitBackwardVector(w, c, d, needInput, f4);
                if (f4 == f)
                {
                    return;
                }

                w.Line("// The remaining features one by one, the same operations.");
            }

            w.Open($"for (int j = global::System.Math.Max(jFirst, {I(f4)}); j < jEnd; j++)");
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
        }

        /// <summary>The backward pass for the features from <c>jFirst</c> to <c>min(jEnd, f4)</c>, four at a time, each lane the scalar feature's operations.</summary>
        private static void EmitBackwardVector(SourceWriter w, LayerContext c, string d, bool needInput, int f4)
        {
            int f = ((BatchNormSpec)c.Spec).Features;
            string ds = I(c.OutputStride);
            w.Line("var rowsD = Splat4((double)rows);");
            w.Open($"for (int j = jFirst; j < {(f4 == f ? "jEnd" : $"global::System.Math.Min(jEnd, {I(f4)})")}; j += 4)");
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

        /// <summary>
        /// Declares <c>double</c> <paramref name="sum"/> over the <c>rows</c> rows (in order) of one channel's
        /// <paramref name="spatial"/> values: each row's at <c>i0</c> = <paramref name="rowStart"/> (and <c>h0</c> =
        /// <paramref name="secondStart"/> for a second buffer); <paramref name="vectorTerm"/> gives the term of the 4 values
        /// from position <c>q</c> on (in double lanes), <paramref name="scalarTerm"/> the term of one. Each row's values go
        /// four at a time into four double lanes, the lanes are added in a fixed order, then the remaining values one by
        /// one: the same order for every batch and thread count.
        /// </summary>
        private static void ChannelSum(SourceWriter w, string sum, int spatial, string rowStart, System.Func<string, string> vectorTerm, System.Func<string, string> scalarTerm, string? secondStart = null)
        {
            int s4 = spatial / 4 * 4;
            w.Line($"double {sum} = 0;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"int i0 = {rowStart};");
            if (secondStart is not null)
            {
                w.Line($"int h0 = {secondStart};");
            }

            if (s4 > 0)
            {
                w.Line("var lanes = Splat4(0.0);");
                w.Open($"for (int q = 0; q < {I(s4)}; q += 4)");
                w.Line($"lanes += {vectorTerm("q")};");
                w.Close();
                w.Line($"{sum} += SumPairs4(lanes);");
            }

            if (s4 < spatial)
            {
                w.Open($"for (int q = {I(s4)}; q < {I(spatial)}; q++)");
                w.Line($"{sum} += {scalarTerm("q")};");
                w.Close();
            }

            w.Close();
        }

        /// <summary>
        /// Declares <c>double sum</c>, <c>mean</c> and <c>squares</c> (the sum of squared deviations) of channel <c>ch</c>
        /// over <c>rows</c> rows of <paramref name="src"/> (rows <paramref name="stride"/> apart), with <c>count</c> in scope.
        /// </summary>
        private static void ChannelMoments(SourceWriter w, string src, string stride, int spatial)
        {
            string start = $"(r * {stride}) + (ch * {I(spatial)})";
            ChannelSum(w, "sum", spatial, start, q => $"Widen4(ref {src}, i0 + {q})", q => $"At(ref {src}, i0 + {q})");
            w.Line("double mean = sum / count;");
            w.Line("var meanV = Splat4(mean);");
            ChannelSum(w, "squares", spatial, start, q => $"(Widen4(ref {src}, i0 + {q}) - meanV) * (Widen4(ref {src}, i0 + {q}) - meanV)", q => $"(At(ref {src}, i0 + {q}) - mean) * (At(ref {src}, i0 + {q}) - mean)");
        }

        /// <summary>Training forward over channels: statistics of each channel over every row and position.</summary>
        private static void EmitForwardChannels(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features, sp = l.Spatial, size = l.OutputSize;
            string xs = I(c.InputStride), ys = I(c.OutputStride);
            int mean = c.Plan.Offset("running_mean"), variance = c.Plan.Offset("running_var");
            w.Line($"// Per channel: the statistics of its {I(sp)} values in every row (rows in order, each row four values at a time).");
            w.Line($"ref float xh = ref Data(_xhat{c.Index});");
            w.Line($"double count = (double)rows * {I(sp)};");
            w.Open("for (int ch = chFirst; ch < chEnd; ch++)");
            ChannelMoments(w, x, xs, sp);
            w.Line("double variance = squares / count;");
            w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt(variance + {D(l.Epsilon)}));");
            w.Line($"_invStd{c.Index}[ch] = invStd;");
            w.Line("float meanF = (float)mean;");
            w.Line($"float gamma = At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "ch")});");
            w.Line($"float beta = At(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "ch")});");
            int s8 = sp / 8 * 8;
            w.Line("var meanF8 = Splat8(meanF);");
            w.Line("var invStd8 = Splat8(invStd);");
            w.Line("var gamma8 = Splat8(gamma);");
            w.Line("var beta8 = Splat8(beta);");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"int xi = (r * {xs}) + (ch * {I(sp)});");
            w.Line($"int hi = (r * {I(size)}) + (ch * {I(sp)});");
            w.Line($"int yi = (r * {ys}) + (ch * {I(sp)});");
            if (s8 > 0)
            {
                w.Line("// Eight values at a time, each lane the scalar operations.");
                w.Open($"for (int q = 0; q < {I(s8)}; q += 8)");
                w.Line($"var h = (Load8(ref {x}, xi + q) - meanF8) * invStd8;");
                w.Line("Store8(h, ref xh, hi + q);");
                w.Line($"Store8((gamma8 * h) + beta8, ref {y}, yi + q);");
                w.Close();
            }

            if (s8 < sp)
            {
                w.Open($"for (int q = {I(s8)}; q < {I(sp)}; q++)");
                w.Line($"float h = (At(ref {x}, xi + q) - meanF) * invStd;");
                w.Line("At(ref xh, hi + q) = h;");
                w.Line($"At(ref {y}, yi + q) = (gamma * h) + beta;");
                w.Close();
            }

            w.Close();
            w.Line();
            w.Open("if (updateRunningStatistics)");
            w.Line($"At(ref s, {VectorKernel.Index(mean, "ch")}) = (float)(({D(l.Keep)} * At(ref s, {VectorKernel.Index(mean, "ch")})) + ({D(l.Take)} * mean));");
            string batchVar = l.Keras ? "variance" : "(variance * count / (count - 1))";
            w.Line($"At(ref s, {VectorKernel.Index(variance, "ch")}) = (float)(({D(l.Keep)} * At(ref s, {VectorKernel.Index(variance, "ch")})) + ({D(l.Take)} * {batchVar}));");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>Backward over channels: the same formulas with sums over every row and position of a channel.</summary>
        private static void EmitBackwardChannels(SourceWriter w, LayerContext c, string d, bool needInput)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features, sp = l.Spatial, size = l.OutputSize;
            string ds = I(c.OutputStride);
            w.Line($"double count = (double)rows * {I(sp)};");
            w.Open("for (int ch = chFirst; ch < chEnd; ch++)");
            ChannelSum(w, "sumD", sp, $"(r * {ds}) + (ch * {I(sp)})", q => $"Widen4(ref {d}, i0 + {q})", q => $"At(ref {d}, i0 + {q})");
            ChannelSum(w, "sumDH", sp, $"(r * {ds}) + (ch * {I(sp)})", q => $"(Widen4(ref {d}, i0 + {q}) * Widen4(ref xhat{c.Index}, h0 + {q}))", q => $"((double)At(ref {d}, i0 + {q}) * At(ref xhat{c.Index}, h0 + {q}))", $"(r * {I(size)}) + (ch * {I(sp)})");
            w.Line($"At(ref g, {VectorKernel.Index(c.Plan.Compute("weight"), "ch")}) = (float)sumDH;");
            w.Line($"At(ref g, {VectorKernel.Index(c.Plan.Compute("bias"), "ch")}) = (float)sumD;");
            if (needInput)
            {
                w.Line($"double scale = (double)At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "ch")}) * _invStd{c.Index}[ch] / count;");
                int s4 = sp / 4 * 4;
                w.Line("var scale4 = Splat4(scale);");
                w.Line("var count4 = Splat4(count);");
                w.Line("var sumD4 = Splat4(sumD);");
                w.Line("var sumDH4 = Splat4(sumDH);");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Line($"int di = (r * {ds}) + (ch * {I(sp)});");
                w.Line($"int hi = (r * {I(size)}) + (ch * {I(sp)});");
                if (s4 > 0)
                {
                    w.Line("// Four values at a time in double lanes, each lane the scalar operations.");
                    w.Open($"for (int q = 0; q < {I(s4)}; q += 4)");
                    w.Line($"Store4(Narrow4(scale4 * (((count4 * Widen4(ref {d}, di + q)) - sumD4) - (Widen4(ref xhat{c.Index}, hi + q) * sumDH4))), ref {d}, di + q);");
                    w.Close();
                }

                if (s4 < sp)
                {
                    w.Open($"for (int q = {I(s4)}; q < {I(sp)}; q++)");
                    w.Line($"At(ref {d}, di + q) = (float)(scale * ((count * (double)At(ref {d}, di + q)) - sumD - (At(ref xhat{c.Index}, hi + q) * sumDH)));");
                    w.Close();
                }

                w.Close();
            }

            w.Close();
        }

        /// <summary>Batch mode over channels: the batch's statistics per channel (declared), or the folded running statistics.</summary>
        private static void EmitBatchModeChannels(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (BatchNormSpec)c.Spec;
            int f = l.Features, sp = l.Spatial;
            string ss = BatchStride(src);
            if (!l.UseBatchStatisticsAtInference)
            {
                w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\" with running statistics: z * scale + shift, per channel.");
                w.Open("for (int r = 0; r < rows; r++)");
                w.Open($"for (int ch = 0; ch < {I(f)}; ch++)");
                w.Open($"for (int q = ch * {I(sp)}; q < (ch + 1) * {I(sp)}; q++)");
                w.Line($"At(ref {dst}, (r * Stride) + q) = (At(ref {src}, (r * {ss}) + q) * At(ref folded, {VectorKernel.Index(Scale(c), "ch")})) + At(ref folded, {VectorKernel.Index(Shift(c), "ch")});");
                w.Close();
                w.Close();
                w.Close();
                return;
            }

            w.Line($"// Layer {c.Index}, batch norm \"{l.Name}\" with the statistics of this batch (declared), per channel: (x - mean) / sqrt(var + {D(l.Epsilon)}) * weight + bias.");
            w.Line($"double count = (double)rows * {I(sp)};");
            w.Open($"for (int ch = 0; ch < {I(f)}; ch++)");
            ChannelMoments(w, src, ss, sp);
            w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt((squares / count) + {D(l.Epsilon)}));");
            w.Line("float meanF = (float)mean;");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Open($"for (int q = ch * {I(sp)}; q < (ch + 1) * {I(sp)}; q++)");
            w.Line($"At(ref {dst}, (r * Stride) + q) = (At(ref p, {VectorKernel.Index(c.Plan.Compute("weight"), "ch")}) * ((At(ref {src}, (r * {ss}) + q) - meanF) * invStd)) + At(ref p, {VectorKernel.Index(c.Plan.Compute("bias"), "ch")});");
            w.Close();
            w.Close();
            w.Close();
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
