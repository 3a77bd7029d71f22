using System.Linq;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>Emits the nested <c>Trainer</c>: training-mode forward pass, loss, backward pass and optimizer update.</summary>
    internal static class Training
    {
        private const string Rt = "global::ModelGen.";
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";
        private const string RoSpan = "global::System.ReadOnlySpan<float>";
        private const string Markers = "[global::ModelGen.TrainingOnly]\n[global::ModelGen.UsesBatchStatistics]";

        public static void EmitCreateTrainer(SourceWriter w)
        {
            w.Line("/// <summary>");
            w.Line("/// Creates a trainer for this model: it owns the optimizer state and the activation caches for batches of up to");
            w.Line("/// <paramref name=\"maxBatchSize\"/> rows, and updates this model's parameters and running statistics in place.");
            w.Line("/// Training uses batch statistics, so it lives on a separate type that inference code never needs.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"maxBatchSize\">The largest batch <see cref=\"Trainer.TrainStep\"/> will accept.</param>");
            w.Line("/// <param name=\"seed\">The seed of the dropout masks.</param>");
            Attributes(w);
            w.Line($"public Trainer CreateTrainer(int maxBatchSize = 64, int seed = 0) => new Trainer(this, maxBatchSize, seed);");
            w.Line();
        }

        private static void Attributes(SourceWriter w)
        {
            foreach (var line in Markers.Split('\n'))
            {
                w.Line(line);
            }
        }

        public static void EmitTrainer(SourceWriter w, ModelSpec spec)
        {
            var layers = spec.Layers;
            int last = layers.Count - 1;
            bool hasBn = layers.Any(l => l.Kind == LayerKind.BatchNorm);
            var opt = spec.Optimizer!;
            bool moment1 = opt.Kind == OptimizerKind.Adam || opt.Momentum > 0;
            bool moment2 = opt.Kind == OptimizerKind.Adam;
            int width = System.Math.Max(spec.InputSize, layers.Max(l => l.OutputSize));
            string loss = spec.Loss!.Value.ToString();

            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Trains a <see cref=\"{spec.ClassName}\"/>: {loss} loss, {Emitter.DescribeOptimizer(opt)}.");
            w.Line("/// Training mode normalizes with batch statistics, updates the running statistics and applies dropout; none of it is");
            w.Line("/// reachable from <see cref=\"Predict\"/> or <see cref=\"PredictBatch\"/>. Not thread-safe; do not predict with the model while a step runs.");
            w.Line("/// </summary>");
            Attributes(w);
            w.Open($"public sealed class Trainer : {Rt}ITrainer");
            w.Line($"private readonly {spec.ClassName} _model;");
            w.Line("private readonly int _seed;");
            w.Line("private long _iterations;");
            w.Line("private int _rows;");
            w.Line();
            w.Line("/// <summary>Gradients of the loss with respect to every parameter, laid out like the parameters.</summary>");
            w.Line("private readonly float[] _gradients = new float[ParameterCount];");
            if (moment1)
            {
                w.Line(opt.Kind == OptimizerKind.Adam ? "/// <summary>Adam first-moment estimates.</summary>" : "/// <summary>SGD velocities (Keras form: v = momentum * v - lr * g).</summary>");
                w.Line("private readonly float[] _moment1 = new float[ParameterCount];");
            }

            if (moment2)
            {
                w.Line("/// <summary>Adam second-moment estimates.</summary>");
                w.Line("private readonly float[] _moment2 = new float[ParameterCount];");
            }

            w.Line("/// <summary>Gradient ping-pong buffers, rows times the widest layer.</summary>");
            w.Line("private readonly float[] _gradientA;");
            w.Line("private readonly float[] _gradientB;");
            foreach (var l in layers)
            {
                w.Line($"/// <summary>Layer {I(l.Index)} ({l.Kind}) outputs of the current batch.</summary>");
                w.Line($"private readonly float[] _y{I(l.Index)};");
                if (l.Kind == LayerKind.BatchNorm)
                {
                    w.Line($"/// <summary>Layer {I(l.Index)} normalized values (x - mean) / std of the current batch.</summary>");
                    w.Line($"private readonly float[] _xhat{I(l.Index)};");
                    w.Line($"/// <summary>Layer {I(l.Index)} per-feature 1 / sqrt(batch variance + eps).</summary>");
                    w.Line($"private readonly float[] _invStd{I(l.Index)} = new float[{I(l.OutputSize)}];");
                }
                else if (l.Kind == LayerKind.Dropout)
                {
                    w.Line($"/// <summary>Layer {I(l.Index)} dropout mask: 0 or 1 / (1 - rate).</summary>");
                    w.Line($"private readonly float[] _mask{I(l.Index)};");
                }
            }

            w.Line();
            w.Open($"internal Trainer({spec.ClassName} model, int maxBatchSize, int seed)");
            w.Open("if (maxBatchSize < MinBatchSizeValue)");
            w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $\"The largest batch must be at least {MinBatchSizeValue}.\");");
            w.Close();
            w.Line();
            w.Line("_model = model ?? throw new global::System.ArgumentNullException(nameof(model));");
            w.Line("_seed = seed;");
            w.Line("MaxBatchSize = maxBatchSize;");
            w.Line($"_gradientA = new float[maxBatchSize * {I(width)}];");
            w.Line($"_gradientB = new float[maxBatchSize * {I(width)}];");
            foreach (var l in layers)
            {
                w.Line($"_y{I(l.Index)} = new float[maxBatchSize * {I(l.OutputSize)}];");
                if (l.Kind == LayerKind.BatchNorm)
                {
                    w.Line($"_xhat{I(l.Index)} = new float[maxBatchSize * {I(l.OutputSize)}];");
                }
                else if (l.Kind == LayerKind.Dropout)
                {
                    w.Line($"_mask{I(l.Index)} = new float[maxBatchSize * {I(l.OutputSize)}];");
                }
            }

            w.Close();
            w.Line();
            w.Line($"private const int MinBatchSizeValue = {(hasBn ? "2" : "1")};");
            w.Line();
            w.Line("/// <summary>The model this trainer updates.</summary>");
            w.Line($"public {spec.ClassName} Model => _model;");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line("public int MaxBatchSize { get; }");
            w.Line();
            w.Line(hasBn
                ? "/// <summary>2: the model has BatchNorm, and the variance of a single row is 0 (PyTorch raises for it; ModelGen throws ArgumentException).</summary>"
                : "/// <summary>1: the model has no BatchNorm, so any batch size works.</summary>");
            w.Line("public int MinBatchSize => MinBatchSizeValue;");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line("public long Iterations => _iterations;");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public {Rt}LossKind Loss => {Rt}LossKind.{loss};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public {RoSpan} LastOutputs => new {RoSpan}(_y{I(last)}, 0, _rows * OutputSize);");
            w.Line();
            w.Line("/// <summary>The gradients computed by the last <see cref=\"TrainStep\"/> or <see cref=\"ComputeGradients\"/>, laid out like <see cref=\"Parameters\"/>.</summary>");
            w.Line($"public {RoSpan} Gradients => _gradients;");
            w.Line();

            w.Line("/// <summary>");
            w.Line("/// One training step: training-mode forward pass (batch statistics, dropout), running-statistics update, loss,");
            w.Line("/// backward pass and optimizer update. Returns the loss of the batch before the update. Allocates nothing.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">Rows of <see cref=\"InputSize\"/> floats; between <see cref=\"MinBatchSize\"/> and <see cref=\"MaxBatchSize\"/> rows.</param>");
            w.Line("/// <param name=\"targets\">The same number of rows of <see cref=\"OutputSize\"/> floats.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The spans do not hold a valid batch.</exception>");
            Attributes(w);
            w.Open($"public float TrainStep({RoSpan} inputs, {RoSpan} targets)");
            w.Line("int rows = CheckBatch(inputs, targets);");
            w.Line("float loss = Run(inputs, targets, rows, updateRunningStatistics: true);");
            w.Line("ApplyOptimizer();");
            w.Line("_iterations++;");
            w.Line("_model.RefreshInference();");
            w.Line("return loss;");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The training-mode forward and backward pass without any update: fills <see cref=\"Gradients\"/> and returns the loss.");
            w.Line("/// Running statistics and parameters stay as they are; the dropout mask is the one the next <see cref=\"TrainStep\"/> uses.");
            w.Line("/// </summary>");
            Attributes(w);
            w.Open($"public float ComputeGradients({RoSpan} inputs, {RoSpan} targets)");
            w.Line("int rows = CheckBatch(inputs, targets);");
            w.Line("return Run(inputs, targets, rows, updateRunningStatistics: false);");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Trains for <see cref=\"global::ModelGen.FitOptions.Epochs\"/> epochs over the rows, shuffled with a seed, with optional validation");
            w.Line("/// through the inference path and one progress report per epoch.");
            w.Line("/// </summary>");
            w.Line("/// <returns>The report of every epoch.</returns>");
            Attributes(w);
            w.Line($"public global::System.Collections.Generic.IReadOnlyList<{Rt}EpochReport> Fit({RoSpan} inputs, {RoSpan} targets, {Rt}FitOptions? options = null, global::System.IProgress<{Rt}EpochReport>? progress = null)");
            w.Line($"    => {Rt}FitLoop.Run(_model, this, inputs, targets, options, progress);");
            w.Line();

            w.Open($"private int CheckBatch({RoSpan} inputs, {RoSpan} targets)");
            w.Line("int rows = inputs.Length / InputSize;");
            w.Open("if (inputs.Length % InputSize != 0)");
            w.Line("throw new global::System.ArgumentException($\"inputs has {inputs.Length} floats, which is not a whole number of rows of {InputSize}.\", nameof(inputs));");
            w.Close();
            w.Line();
            w.Open("if (rows < MinBatchSizeValue || rows > MaxBatchSize)");
            w.Line(hasBn
                ? "throw new global::System.ArgumentException($\"The batch has {rows} rows; this trainer takes 2 to {MaxBatchSize} (BatchNorm needs at least 2 rows: the variance of one row is 0; raise maxBatchSize in CreateTrainer for larger batches).\", nameof(inputs));"
                : "throw new global::System.ArgumentException($\"The batch has {rows} rows; this trainer takes 1 to {MaxBatchSize} (raise maxBatchSize in CreateTrainer for larger batches).\", nameof(inputs));");
            w.Close();
            w.Line();
            w.Open("if (targets.Length != rows * OutputSize)");
            w.Line("throw new global::System.ArgumentException($\"targets has {targets.Length} floats; {rows} rows of {OutputSize} need {rows * OutputSize}.\", nameof(targets));");
            w.Close();
            w.Line();
            w.Line("return rows;");
            w.Close();
            w.Line();

            EmitRun(w, spec);
            EmitOptimizer(w, spec, moment1, moment2);
            w.Line(Inline);
            w.Line($"private static ref float Data(float[] array) => ref {Mm}.GetArrayDataReference(array);");
            w.Close();
        }

        /// <summary>Rows per block in the dense forward and backward passes.</summary>
        private const int Block = 4;

        private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

        private static string In(LayerSpec l) => l.Index == 0 ? "x" : "y" + I(l.Index - 1);

        private static void EmitRun(SourceWriter w, ModelSpec spec)
        {
            var layers = spec.Layers;
            int last = layers.Count - 1;
            var lastLayer = layers[last];
            bool fused = spec.Loss != LossKindSpec.MeanSquaredError;
            int k = spec.OutputSize;
            w.Line("/// <summary>Training-mode forward pass, loss and backward pass for one batch; returns the loss.</summary>");
            w.Open($"private float Run({RoSpan} inputs, {RoSpan} targets, int rows, bool updateRunningStatistics)");
            w.Line("_rows = rows;");
            w.Line("global::System.Array.Clear(_gradients);");
            w.Line($"ref float x = ref {Mm}.GetReference(inputs);");
            w.Line($"ref float t = ref {Mm}.GetReference(targets);");
            w.Line("ref float p = ref Data(_model._parameters);");
            w.Line("ref float g = ref Data(_gradients);");
            if (layers.Any(l => l.Kind == LayerKind.BatchNorm))
            {
                w.Line("ref float s = ref Data(_model._state);");
            }

            w.Line("ref float dA = ref Data(_gradientA);");
            w.Line("ref float dB = ref Data(_gradientB);");
            foreach (var l in layers)
            {
                w.Line($"ref float y{I(l.Index)} = ref Data(_y{I(l.Index)});");
            }

            foreach (var l in layers)
            {
                w.Line();
                EmitForward(w, l);
            }

            // Loss and its gradient with respect to the last layer's output (or, fused, its input).
            w.Line();
            string z = fused ? In(lastLayer) : "y" + I(last);
            string yl = "y" + I(last);
            w.Line("double loss = 0;");
            switch (spec.Loss)
            {
                case LossKindSpec.CategoricalCrossEntropy:
                    w.Line("// Loss: categorical cross-entropy -sum(t * log(softmax(z))) per row, averaged over the rows, computed from the logits z");
                    w.Line("// (the softmax input) with log-sum-exp. Its gradient with respect to the logits is (p * sum(t) - t) / rows.");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Line($"ref float zr = ref At(ref {z}, r * {I(k)});");
                    w.Line($"ref float pr = ref At(ref {yl}, r * {I(k)});");
                    w.Line($"ref float tr = ref At(ref t, r * {I(k)});");
                    w.Line($"ref float dr = ref At(ref dA, r * {I(k)});");
                    w.Line("float max = zr;");
                    w.Open($"for (int j = 1; j < {I(k)}; j++)");
                    w.Line("max = global::System.MathF.Max(max, At(ref zr, j));");
                    w.Close();
                    w.Line();
                    w.Line("double sumExp = 0;");
                    w.Open($"for (int j = 0; j < {I(k)}; j++)");
                    w.Line("sumExp += global::System.Math.Exp(At(ref zr, j) - max);");
                    w.Close();
                    w.Line();
                    w.Line("double logSumExp = max + global::System.Math.Log(sumExp);");
                    w.Line("double targetSum = 0;");
                    w.Open($"for (int j = 0; j < {I(k)}; j++)");
                    w.Line("loss += At(ref tr, j) * (logSumExp - At(ref zr, j));");
                    w.Line("targetSum += At(ref tr, j);");
                    w.Close();
                    w.Line();
                    w.Open($"for (int j = 0; j < {I(k)}; j++)");
                    w.Line("At(ref dr, j) = (float)(((At(ref pr, j) * targetSum) - At(ref tr, j)) / rows);");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Line("loss /= rows;");
                    break;
                case LossKindSpec.BinaryCrossEntropy:
                    w.Line("// Loss: binary cross-entropy -(t log p + (1 - t) log(1 - p)) averaged over every output, computed from the logits z");
                    w.Line("// (the sigmoid input) as max(z, 0) - z t + log(1 + exp(-|z|)). Its gradient with respect to the logits is (p - t) / (rows * outputs).");
                    w.Line($"int count = rows * {I(k)};");
                    w.Open("for (int i = 0; i < count; i++)");
                    w.Line($"double zi = At(ref {z}, i);");
                    w.Line("double ti = At(ref t, i);");
                    w.Line("loss += global::System.Math.Max(zi, 0) - (zi * ti) + global::System.Math.Log(1 + global::System.Math.Exp(-global::System.Math.Abs(zi)));");
                    w.Line($"At(ref dA, i) = (float)((At(ref {yl}, i) - ti) / count);");
                    w.Close();
                    w.Line();
                    w.Line("loss /= count;");
                    break;
                default:
                    w.Line("// Loss: mean squared error (y - t)^2 averaged over every output; its gradient is 2 (y - t) / (rows * outputs).");
                    w.Line($"int count = rows * {I(k)};");
                    w.Open("for (int i = 0; i < count; i++)");
                    w.Line($"double e = (double)At(ref {yl}, i) - At(ref t, i);");
                    w.Line("loss += e * e;");
                    w.Line("At(ref dA, i) = (float)(2 * e / count);");
                    w.Close();
                    w.Line();
                    w.Line("loss /= count;");
                    break;
            }

            // Backward pass.
            int start = fused ? last - 1 : last;
            int firstParam = layers.Where(l => l.HasParameters).Select(l => l.Index).DefaultIfEmpty(int.MaxValue).Min();
            string cur = "dA", other = "dB";
            for (int i = start; i >= firstParam && i >= 0; i--)
            {
                w.Line();
                var l = layers[i];
                bool needInput = i > firstParam;
                if (EmitBackward(w, l, cur, other, needInput))
                {
                    (cur, other) = (other, cur);
                }
            }

            w.Line();
            w.Line("return (float)loss;");
            w.Close();
            w.Line();
        }

        private static void EmitForward(SourceWriter w, LayerSpec l)
        {
            string x = In(l), y = "y" + I(l.Index);
            int n = l.InputSize, f = l.OutputSize;
            switch (l.Kind)
            {
                case LayerKind.Dense:
                    bool blockForward = n >= Kernels.Lanes;
                    w.Line($"// Layer {I(l.Index)}, dense \"{l.Name}\" {I(n)} -> {I(f)}: y[r, j] = W[j, :] . x[r, :]{(l.UseBias ? " + b[j]" : string.Empty)}{(blockForward ? ";" : ".")}");
                    if (blockForward)
                    {
                        w.Line($"// blocks of {I(Block)} rows share each weight load, the remaining rows go one by one (same arithmetic per row).");
                    }

                    w.Open();
                    w.Line("int r = 0;");
                    if (blockForward)
                    {
                        w.Open($"for (; r + {I(Block)} <= rows; r += {I(Block)})");
                        for (int k = 0; k < Block; k++)
                        {
                            w.Line($"ref float bx{I(k)} = ref At(ref {x}, (r + {I(k)}) * {I(n)});");
                            w.Line($"ref float by{I(k)} = ref At(ref {y}, (r + {I(k)}) * {I(f)});");
                        }

                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        w.Line($"ref float w = ref At(ref p, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                        Kernels.DotBlock(w, Enumerable.Range(0, Block).Select(k => "z" + I(k)).ToArray(), "w", Enumerable.Range(0, Block).Select(k => "bx" + I(k)).ToArray(), n);
                        for (int k = 0; k < Block; k++)
                        {
                            w.Line(l.UseBias ? $"At(ref by{I(k)}, j) = z{I(k)} + At(ref p, {Kernels.Index(l.BiasOffset, "j")});" : $"At(ref by{I(k)}, j) = z{I(k)};");
                        }

                        w.Close();
                        w.Close();
                        w.Line();
                    }

                    w.Open("for (; r < rows; r++)");
                    w.Line($"ref float xr = ref At(ref {x}, r * {I(n)});");
                    w.Line($"ref float yr = ref At(ref {y}, r * {I(f)});");
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line($"ref float w = ref At(ref p, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                    Kernels.Dot(w, "z", "w", "xr", n);
                    if (l.UseBias)
                    {
                        w.Line($"z += At(ref p, {Kernels.Index(l.BiasOffset, "j")});");
                    }

                    w.Line("At(ref yr, j) = z;");
                    w.Close();
                    w.Close();
                    w.Close();
                    break;
                case LayerKind.BatchNorm:
                    double keep = l.KerasConvention ? l.Momentum : 1 - l.Momentum;
                    double take = l.KerasConvention ? 1 - l.Momentum : l.Momentum;
                    w.Line($"// Layer {I(l.Index)}, batch norm \"{l.Name}\", training mode: normalize each feature with the batch mean and biased variance,");
                    w.Line($"// y = weight * (x - mean) / sqrt(var + {D(l.Epsilon)}) + bias; then update the running statistics, {(l.KerasConvention ? "Keras" : "PyTorch")} convention:");
                    w.Line($"// running = {D(keep)} * running + {D(take)} * batch, the running variance taking the {(l.KerasConvention ? "biased" : "unbiased")} batch variance.");
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    Kernels.BatchMoments(w, x, f);
                    w.Line($"float invStd = (float)(1.0 / global::System.Math.Sqrt(variance + {D(l.Epsilon)}));");
                    w.Line($"_invStd{I(l.Index)}[j] = invStd;");
                    w.Line("float meanF = (float)mean;");
                    w.Line($"float gamma = At(ref p, {Kernels.Index(l.ParamOffset, "j")});");
                    w.Line($"float beta = At(ref p, {Kernels.Index(l.ParamOffset + f, "j")});");
                    w.Line($"ref float xhat = ref Data(_xhat{I(l.Index)});");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Line($"int i = (r * {I(f)}) + j;");
                    w.Line($"float h = (At(ref {x}, i) - meanF) * invStd;");
                    w.Line("At(ref xhat, i) = h;");
                    w.Line($"At(ref {y}, i) = (gamma * h) + beta;");
                    w.Close();
                    w.Line();
                    w.Open("if (updateRunningStatistics)");
                    w.Line($"At(ref s, {Kernels.Index(l.StateOffset, "j")}) = (float)(({D(keep)} * At(ref s, {Kernels.Index(l.StateOffset, "j")})) + ({D(take)} * mean));");
                    string batchVar = l.KerasConvention ? "variance" : "(variance * rows / (rows - 1))";
                    w.Line($"At(ref s, {Kernels.Index(l.StateOffset + f, "j")}) = (float)(({D(keep)} * At(ref s, {Kernels.Index(l.StateOffset + f, "j")})) + ({D(take)} * {batchVar}));");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Open("if (updateRunningStatistics)");
                    w.Line($"_model._counters[{I(l.CounterIndex)}]++;");
                    w.Close();
                    break;
                case LayerKind.Softmax:
                    w.Line($"// Layer {I(l.Index)}, softmax over {I(f)} outputs per row: exp(z - max) / sum.");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Line($"ref float sr = ref At(ref {x}, r * {I(f)});");
                    w.Line($"ref float dr = ref At(ref {y}, r * {I(f)});");
                    Emitter.EmitSoftmaxRow(w, f, "sr", "dr");
                    w.Close();
                    break;
                case LayerKind.Dropout:
                    w.Line($"// Layer {I(l.Index)}, dropout \"{l.Name}\": zero each value with probability {D(l.Rate)} and scale the others by 1 / (1 - {D(l.Rate)});");
                    w.Line("// the mask depends only on (seed, iteration, layer, row, feature).");
                    w.Line($"ref float mask{I(l.Index)} = ref Data(_mask{I(l.Index)});");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line($"int i = (r * {I(f)}) + j;");
                    w.Line($"float m = {Rt}DeterministicRandom.Hash(_seed, _iterations, r, {Kernels.Index(l.Index * 65536, "j")}) < {F(l.Rate)} ? 0f : {F(1.0 / (1.0 - l.Rate))};");
                    w.Line($"At(ref mask{I(l.Index)}, i) = m;");
                    w.Line($"At(ref {y}, i) = At(ref {x}, i) * m;");
                    w.Close();
                    w.Close();
                    break;
                default:
                    w.Line($"// Layer {I(l.Index)}, {Emitter.Describe(l).Substring(Emitter.Describe(l).IndexOf(':') + 2)}, element-wise.");
                    w.Open($"for (int i = 0; i < rows * {I(f)}; i++)");
                    w.Line($"float z = At(ref {x}, i);");
                    w.Line(Kernels.Activation(l, "z"));
                    w.Line($"At(ref {y}, i) = z;");
                    w.Close();
                    break;
            }
        }

        /// <summary>Emits the backward step of one layer; returns true when the gradient moved to the other buffer.</summary>
        private static bool EmitBackward(SourceWriter w, LayerSpec l, string d, string other, bool needInput)
        {
            string x = In(l), y = "y" + I(l.Index);
            int n = l.InputSize, f = l.OutputSize;
            switch (l.Kind)
            {
                case LayerKind.Dense:
                    w.Line($"// Backward, layer {I(l.Index)} dense \"{l.Name}\": dW[j, :] += d[r, j] * x[r, :]{(l.UseBias ? ", db[j] += d[r, j]" : string.Empty)}{(needInput ? ", dx[r, :] = sum over j of d[r, j] * W[j, :]" : string.Empty)};");
                    bool blockBackward = n >= Kernels.Lanes;
                    if (blockBackward)
                    {
                        w.Line($"// blocks of {I(Block)} rows load each gradient and weight row once; every element still accumulates rows in order.");
                    }

                    w.Open();
                    w.Line("int r = 0;");
                    if (blockBackward)
                    {
                        w.Open($"for (; r + {I(Block)} <= rows; r += {I(Block)})");
                        var ks = Enumerable.Range(0, Block).Select(k => I(k)).ToArray();
                        foreach (var k in ks)
                        {
                            w.Line($"ref float bx{k} = ref At(ref {x}, (r + {k}) * {I(n)});");
                            w.Line($"ref float bd{k} = ref At(ref {d}, (r + {k}) * {I(f)});");
                            if (needInput)
                            {
                                w.Line($"ref float be{k} = ref At(ref {other}, (r + {k}) * {I(n)});");
                                w.Line($"{Mm}.CreateSpan(ref be{k}, {I(n)}).Clear();");
                            }
                        }

                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        foreach (var k in ks)
                        {
                            w.Line($"float dz{k} = At(ref bd{k}, j);");
                        }

                        if (l.UseBias)
                        {
                            foreach (var k in ks)
                            {
                                w.Line($"At(ref g, {Kernels.Index(l.BiasOffset, "j")}) += dz{k};");
                            }
                        }

                        w.Line($"ref float gw = ref At(ref g, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                        var dzs = ks.Select(k => "dz" + k).ToArray();
                        Kernels.AddScaledRows(w, dzs, ks.Select(k => "bx" + k).ToArray(), "gw", n);
                        if (needInput)
                        {
                            w.Line($"ref float w = ref At(ref p, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                            Kernels.AddScaledShared(w, dzs, "w", ks.Select(k => "be" + k).ToArray(), n);
                        }

                        w.Close();
                        w.Close();
                        w.Line();
                    }

                    w.Open("for (; r < rows; r++)");
                    w.Line($"ref float xr = ref At(ref {x}, r * {I(n)});");
                    w.Line($"ref float dr = ref At(ref {d}, r * {I(f)});");
                    if (needInput)
                    {
                        w.Line($"ref float er = ref At(ref {other}, r * {I(n)});");
                        w.Line($"{Mm}.CreateSpan(ref er, {I(n)}).Clear();");
                    }

                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line("float dz = At(ref dr, j);");
                    if (l.UseBias)
                    {
                        w.Line($"At(ref g, {Kernels.Index(l.BiasOffset, "j")}) += dz;");
                    }

                    w.Line($"ref float gw = ref At(ref g, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                    Kernels.AddScaled(w, "dz", "xr", "gw", n);
                    if (needInput)
                    {
                        w.Line($"ref float w = ref At(ref p, {Kernels.Index(l.ParamOffset, $"(j * {I(n)})")});");
                        Kernels.AddScaled(w, "dz", "w", "er", n, declareSplat: false);
                    }

                    w.Close();
                    w.Close();
                    w.Close();
                    return needInput;
                case LayerKind.BatchNorm:
                    w.Line($"// Backward, layer {I(l.Index)} batch norm \"{l.Name}\": dweight += sum(d * xhat), dbias += sum(d){(needInput ? ", dx = weight * invStd / rows * (rows * d - sum(d) - xhat * sum(d * xhat))" : string.Empty)}.");
                    w.Line($"ref float xhat{I(l.Index)} = ref Data(_xhat{I(l.Index)});");
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line("double sumD = 0;");
                    w.Line("double sumDH = 0;");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Line($"int i = (r * {I(f)}) + j;");
                    w.Line($"sumD += At(ref {d}, i);");
                    w.Line($"sumDH += (double)At(ref {d}, i) * At(ref xhat{I(l.Index)}, i);");
                    w.Close();
                    w.Line();
                    w.Line($"At(ref g, {Kernels.Index(l.ParamOffset, "j")}) += (float)sumDH;");
                    w.Line($"At(ref g, {Kernels.Index(l.ParamOffset + f, "j")}) += (float)sumD;");
                    if (needInput)
                    {
                        w.Line($"double scale = (double)At(ref p, {Kernels.Index(l.ParamOffset, "j")}) * _invStd{I(l.Index)}[j] / rows;");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Line($"int i = (r * {I(f)}) + j;");
                        w.Line($"At(ref {d}, i) = (float)(scale * ((rows * (double)At(ref {d}, i)) - sumD - (At(ref xhat{I(l.Index)}, i) * sumDH)));");
                        w.Close();
                    }

                    w.Close();
                    return false;
                case LayerKind.Softmax:
                    w.Line($"// Backward, layer {I(l.Index)} softmax: dz = y * (d - sum(d * y)) per row.");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Line($"ref float yr = ref At(ref {y}, r * {I(f)});");
                    w.Line($"ref float dr = ref At(ref {d}, r * {I(f)});");
                    w.Line("float dot = 0f;");
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line("dot += At(ref dr, j) * At(ref yr, j);");
                    w.Close();
                    w.Line();
                    w.Open($"for (int j = 0; j < {I(f)}; j++)");
                    w.Line("At(ref dr, j) = At(ref yr, j) * (At(ref dr, j) - dot);");
                    w.Close();
                    w.Close();
                    return false;
                case LayerKind.Dropout:
                    w.Line($"// Backward, layer {I(l.Index)} dropout: d *= mask.");
                    w.Open($"for (int i = 0; i < rows * {I(f)}; i++)");
                    w.Line($"At(ref {d}, i) *= At(ref mask{I(l.Index)}, i);");
                    w.Close();
                    return false;
                default:
                    w.Line($"// Backward, layer {I(l.Index)} {l.Kind}: d *= f'(x), written from the output y.");
                    w.Open($"for (int i = 0; i < rows * {I(f)}; i++)");
                    w.Line($"float yi = At(ref {y}, i);");
                    w.Line($"At(ref {d}, i) *= {Kernels.ActivationDerivative(l, "yi")};");
                    w.Close();
                    return false;
            }
        }

        private static void EmitOptimizer(SourceWriter w, ModelSpec spec, bool moment1, bool moment2)
        {
            var o = spec.Optimizer!;
            w.Line("/// <summary>Applies one optimizer update to every parameter from <see cref=\"Gradients\"/>.</summary>");
            w.Open("private void ApplyOptimizer()");
            w.Line("ref float p = ref Data(_model._parameters);");
            w.Line("ref float g = ref Data(_gradients);");
            if (moment1)
            {
                w.Line("ref float m1 = ref Data(_moment1);");
            }

            if (moment2)
            {
                w.Line("ref float m2 = ref Data(_moment2);");
            }

            string grad = o.WeightDecay > 0 ? $"At(ref g, i) + ({F(o.WeightDecay)} * At(ref p, i))" : "At(ref g, i)";
            if (o.Kind == OptimizerKind.Sgd)
            {
                if (o.Decay > 0)
                {
                    w.Line($"// SGD, Keras semantics: lr_t = {D(o.LearningRate)} / (1 + {D(o.Decay)} * iterations).");
                    w.Line($"float lr = (float)({D(o.LearningRate)} / (1.0 + ({D(o.Decay)} * _iterations)));");
                }
                else
                {
                    w.Line($"// SGD with a constant learning rate.");
                    w.Line($"const float lr = {F(o.LearningRate)};");
                }

                if (o.Momentum > 0)
                {
                    w.Line(o.Nesterov
                        ? $"// Nesterov momentum {D(o.Momentum)}: v = {D(o.Momentum)} * v - lr_t * g; p += {D(o.Momentum)} * v - lr_t * g."
                        : $"// Momentum {D(o.Momentum)}: v = {D(o.Momentum)} * v - lr_t * g; p += v.");
                }
                else
                {
                    w.Line("// p -= lr_t * g.");
                }

                if (o.WeightDecay > 0)
                {
                    w.Line($"// Weight decay {D(o.WeightDecay)}: g = g + {D(o.WeightDecay)} * p.");
                }

                w.Line("// Vector main loop, then the scalar remainder: the same operations element by element.");
                w.Line("var lr8 = Splat8(lr);");
                if (o.Momentum > 0)
                {
                    w.Line($"var momentum8 = Splat8({F(o.Momentum)});");
                }

                if (o.WeightDecay > 0)
                {
                    w.Line($"var decay8 = Splat8({F(o.WeightDecay)});");
                }

                w.Line("int i = 0;");
                w.Open($"for (; i + {I(Kernels.Lanes)} <= ParameterCount; i += {I(Kernels.Lanes)})");
                w.Line(o.WeightDecay > 0 ? "var gi = Load8(ref g, i) + (decay8 * Load8(ref p, i));" : "var gi = Load8(ref g, i);");
                if (o.Momentum > 0)
                {
                    w.Line("var v = (momentum8 * Load8(ref m1, i)) - (lr8 * gi);");
                    w.Line("Store8(v, ref m1, i);");
                    w.Line(o.Nesterov ? "Store8(Load8(ref p, i) + ((momentum8 * v) - (lr8 * gi)), ref p, i);" : "Store8(Load8(ref p, i) + v, ref p, i);");
                }
                else
                {
                    w.Line("Store8(Load8(ref p, i) - (lr8 * gi), ref p, i);");
                }

                w.Close();
                w.Line();
                w.Open("for (; i < ParameterCount; i++)");
                w.Line($"float gi = {grad};");
                if (o.Momentum > 0)
                {
                    w.Line($"float v = ({F(o.Momentum)} * At(ref m1, i)) - (lr * gi);");
                    w.Line("At(ref m1, i) = v;");
                    w.Line(o.Nesterov ? $"At(ref p, i) += ({F(o.Momentum)} * v) - (lr * gi);" : "At(ref p, i) += v;");
                }
                else
                {
                    w.Line("At(ref p, i) -= lr * gi;");
                }

                w.Close();
            }
            else
            {
                w.Line($"// Adam (PyTorch form): m = {D(o.Beta1)} m + {D(1 - o.Beta1)} g; v = {D(o.Beta2)} v + {D(1 - o.Beta2)} g^2;");
                w.Line($"// p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + {D(o.Epsilon)}), with t = iterations + 1.");
                if (o.WeightDecay > 0)
                {
                    w.Line($"// Weight decay {D(o.WeightDecay)}: g = g + {D(o.WeightDecay)} * p.");
                }

                w.Line("long step = _iterations + 1;");
                w.Line($"float stepSize = (float)({D(o.LearningRate)} / (1.0 - global::System.Math.Pow({D(o.Beta1)}, step)));");
                w.Line($"float correction2Sqrt = (float)global::System.Math.Sqrt(1.0 - global::System.Math.Pow({D(o.Beta2)}, step));");
                w.Line("// Vector main loop, then the scalar remainder: the same operations element by element.");
                w.Line($"var beta1 = Splat8({F(o.Beta1)});");
                w.Line($"var oneMinusBeta1 = Splat8({F(1 - o.Beta1)});");
                w.Line($"var beta2 = Splat8({F(o.Beta2)});");
                w.Line($"var oneMinusBeta2 = Splat8({F(1 - o.Beta2)});");
                w.Line("var stepSize8 = Splat8(stepSize);");
                w.Line("var correction2Sqrt8 = Splat8(correction2Sqrt);");
                w.Line($"var epsilon8 = Splat8({F(o.Epsilon)});");
                if (o.WeightDecay > 0)
                {
                    w.Line($"var decay8 = Splat8({F(o.WeightDecay)});");
                }

                w.Line("int i = 0;");
                w.Open($"for (; i + {I(Kernels.Lanes)} <= ParameterCount; i += {I(Kernels.Lanes)})");
                w.Line(o.WeightDecay > 0 ? "var gi = Load8(ref g, i) + (decay8 * Load8(ref p, i));" : "var gi = Load8(ref g, i);");
                w.Line("var m = (beta1 * Load8(ref m1, i)) + (oneMinusBeta1 * gi);");
                w.Line("var v = (beta2 * Load8(ref m2, i)) + ((oneMinusBeta2 * gi) * gi);");
                w.Line("Store8(m, ref m1, i);");
                w.Line("Store8(v, ref m2, i);");
                w.Line("Store8(Load8(ref p, i) - (stepSize8 * (m / ((global::System.Runtime.Intrinsics.Vector256.Sqrt(v) / correction2Sqrt8) + epsilon8))), ref p, i);");
                w.Close();
                w.Line();
                w.Open("for (; i < ParameterCount; i++)");
                w.Line($"float gi = {grad};");
                w.Line($"float m = ({F(o.Beta1)} * At(ref m1, i)) + ({F(1 - o.Beta1)} * gi);");
                w.Line($"float v = ({F(o.Beta2)} * At(ref m2, i)) + ({F(1 - o.Beta2)} * gi * gi);");
                w.Line("At(ref m1, i) = m;");
                w.Line("At(ref m2, i) = v;");
                w.Line($"At(ref p, i) -= stepSize * (m / ((global::System.MathF.Sqrt(v) / correction2Sqrt) + {F(o.Epsilon)}));");
                w.Close();
            }

            w.Close();
            w.Line();
        }
    }
}
