using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emit.Layers;
using ModelGen.Generator.Emit.Optimizers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit
{
    /// <summary>
    /// Emits the nested <c>Trainer</c>: its fields and checks, the training-mode forward pass and the backward pass (each
    /// layer's from its emitter), the loss, and the optimizer update (from <see cref="OptimizerEmitter"/>).
    /// </summary>
    internal static class TrainingEmitter
    {
        private const string Rt = "global::ModelGen.";
        private const string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";
        private const string RoSpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";
        private const string Markers = "[global::ModelGen.TrainingOnly]\n[global::ModelGen.UsesBatchStatistics]";

        public static void EmitCreateTrainer(SourceWriter w)
        {
            w.Line("/// <summary>");
            w.Line("/// Creates a trainer for this model: it owns the optimizer state and the activation caches for batches of up to");
            w.Line("/// <paramref name=\"maxBatchSize\"/> rows, and updates this model's parameters and running statistics in place.");
            w.Line("/// Training uses batch statistics, so it lives on a separate type that inference code never needs.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"maxBatchSize\">The largest batch <see cref=\"Trainer.TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float})\"/> will accept.</param>");
            w.Line("/// <param name=\"seed\">The seed of the dropout masks.</param>");
            w.Line($"public {Names.Trainer} {Names.CreateTrainer}(int {Names.MaxBatchSizeParameter} = 64, int seed = 0) => new {Names.Trainer}(this, {Names.MaxBatchSizeParameter}, seed);");
            w.Line();
        }

        /// <summary>The analyzer's markers on a member that trains or reads training-mode results (when <paramref name="marked"/>).</summary>
        private static void Attributes(SourceWriter w, bool marked = true)
        {
            if (!marked)
            {
                return;
            }

            foreach (var line in Markers.Split('\n'))
            {
                w.Line(line);
            }
        }

        public static void EmitTrainer(SourceWriter w, ModelPlan plan)
        {
            var spec = plan.Spec;
            var training = plan.Training!;
            var contexts = ModelEmitter.Contexts(plan);
            var layers = spec.Layers;
            int last = layers.Count - 1;
            bool hasBn = training.MinBatchSize > 1;
            // A row's training-mode output depends on the other rows only through batch statistics or dropout masks; without
            // them the forward pass (and what reads its results) is marked for the analyzer no more than inference is.
            bool batchForward = layers.Any(l => l.TrainingOutputDependsOnBatch);
            var opt = spec.Optimizer!;
            int width = training.GradientWidth;
            string loss = spec.Loss!.Value.ToString();

            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Trains a <see cref=\"{spec.ClassName}\"/>: {loss} loss, {OptimizerEmitter.Describe(opt)}.");
            w.Line("/// Training mode normalizes with batch statistics, updates the running statistics and applies dropout; none of it is");
            w.Line("/// reachable from <see cref=\"Predict\"/> or <see cref=\"PredictBatch\"/>. Not thread-safe; do not predict with the model while a step runs.");
            if (batchForward)
            {
                w.Line("/// TrainStep, Fit, ComputeGradients, LastOutputs and Gradients carry [TrainingOnly] and [UsesBatchStatistics], so the analyzer");
                w.Line("/// reports inference paths that reach them; members that only hold state (Model, sizes, rates, checkpoints) are not marked.");
            }
            else
            {
                w.Line("/// TrainStep and Fit carry [TrainingOnly] and [UsesBatchStatistics], so the analyzer reports inference paths that reach them.");
                w.Line("/// This model has neither BatchNorm nor dropout: its training-mode forward pass computes each row alone, so ComputeGradients,");
                w.Line("/// LastOutputs and Gradients are not marked, and neither are members that only hold state (Model, sizes, rates, checkpoints).");
            }

            w.Line("/// </summary>");
            w.Open($"public sealed class {Names.Trainer} : {Rt}ITrainer");
            w.Line($"private readonly {spec.ClassName} _model;");
            w.Line("private int _seed;");
            w.Line("private long _iterations;");
            w.Line("private int _rows;");
            w.Line();
            w.Line("/// <summary>Gradients of the loss with respect to every parameter, in the compute layout (like <c>_compute</c>).</summary>");
            w.Line("private readonly float[] _gradients = new float[ComputeCount];");
            w.Line("/// <summary>The gradients in the layout of <see cref=\"Parameters\"/>, written when <see cref=\"Gradients\"/> is read.</summary>");
            w.Line("private readonly float[] _gradientsCanonical = new float[ParameterCount];");
            w.Line("/// <summary>The last batch's outputs as whole rows of <see cref=\"OutputSize\"/>, written when <see cref=\"LastOutputs\"/> is read.</summary>");
            w.Line("private readonly float[] _lastOutputs;");
            OptimizerEmitter.EmitFields(w, opt);

            bool classes = spec.Loss == LossKindSpec.CategoricalCrossEntropy;
            bool hasState = plan.StateCount > 0;
            if (classes)
            {
                w.Line("/// <summary>One-hot target rows expanded from class-index targets.</summary>");
                w.Line("private readonly float[] _oneHot;");
            }

            if (hasState)
            {
                w.Line("/// <summary>The running statistics and counters before the current step, to undo a step that diverged.</summary>");
                w.Line("private readonly float[] _stateBackup;");
                w.Line("private readonly long[] _countersBackup;");
            }

            w.Line("/// <summary>Gradient ping-pong buffers, rows times the widest layer (rows padded to whole 16-float panels).</summary>");
            w.Line("private readonly float[] _gradientA;");
            w.Line("private readonly float[] _gradientB;");
            for (int n = 2; n < 2 + ExtraGradientBuffers(plan); n++)
            {
                w.Line($"private readonly float[] {GradientField(n)};");
            }

            foreach (var c in contexts)
            {
                w.Line($"/// <summary>Layer {c.Index} ({c.Spec.KindName}) outputs of the current batch.</summary>");
                w.Line($"private readonly float[] _y{c.Index};");
                LayerCatalog.EmitterFor(c.Spec).EmitTrainerFields(w, c);
            }

            w.Line();
            // Every array the trainer allocates, in order: the gradient ping-pong pair, the last outputs, then per layer its
            // output and its caches. The largest per-row size bounds maxBatchSize (a .NET array holds at most
            // Array.MaxLength elements), so the constructor rejects a batch whose arrays could not exist instead of letting
            // maxBatchSize * size overflow.
            var buffers = new List<TrainerBuffer>
            {
                new("_gradientA", "float", Limits.Pad(width)),
                new("_gradientB", "float", Limits.Pad(width)),
                new("_lastOutputs", "float", spec.OutputSize, PerRowText: "OutputSize"),
            };
            for (int n = 2; n < 2 + ExtraGradientBuffers(plan); n++)
            {
                buffers.Insert(n, new(GradientField(n), "float", Limits.Pad(width)));
            }

            if (classes)
            {
                buffers.Add(new("_oneHot", "float", spec.OutputSize, PerRowText: "OutputSize"));
            }

            if (hasState)
            {
                buffers.Add(new("_stateBackup", "float", 0, Fixed: plan.StateCount));
                buffers.Add(new("_countersBackup", "long", 0, Fixed: plan.CounterCount));
            }

            foreach (var c in contexts)
            {
                buffers.Add(new TrainerBuffer($"_y{c.Index}", "float", c.OutputStride));
                buffers.AddRange(LayerCatalog.EmitterFor(c.Spec).TrainerBuffers(c));
            }

            int widestRow = buffers.Max(b => b.PerRow);
            const int arrayMaxLength = 2147483591;
            w.Open($"internal Trainer({spec.ClassName} model, int maxBatchSize, int seed)");
            w.Open("if (maxBatchSize < MinBatchSizeValue)");
            w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $\"The largest batch must be at least {MinBatchSizeValue}.\");");
            w.Close();
            w.Line();
            w.Open("if (maxBatchSize > MaxBatchSizeValue)");
            w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $\"The largest batch can be at most {{MaxBatchSizeValue}} rows: the trainer's largest cache holds {I(widestRow)} values per row, and a .NET array holds at most {arrayMaxLength:N0} elements.\");");
            w.Close();
            w.Line();
            w.Line("_model = model ?? throw new global::System.ArgumentNullException(nameof(model));");
            w.Line("_seed = seed;");
            w.Line("MaxBatchSize = maxBatchSize;");
            foreach (var b in buffers)
            {
                w.Line(b.PerRow > 0
                    ? $"{b.Field} = new {b.ElementType}[maxBatchSize * {b.PerRowText ?? I(b.PerRow)}];"
                    : $"{b.Field} = new {b.ElementType}[{I(b.Fixed)}];");
            }

            w.Close();
            w.Line();
            w.Line($"private const int MinBatchSizeValue = {(hasBn ? "2" : "1")};");
            w.Line();
            w.Line($"/// <summary>The largest maxBatchSize whose caches fit in .NET arrays: {I(arrayMaxLength)} / {I(widestRow)} values per row.</summary>");
            w.Line($"private const int MaxBatchSizeValue = {I(arrayMaxLength / widestRow)};");
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
            w.Line("/// <summary>The learning rate of the next step (<see cref=\"LearningRate\"/>).</summary>");
            w.Line($"private double _learningRate = {D(opt.LearningRate)};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The learning rate of the next step (initially the declared {D(opt.LearningRate)}). Set it between steps, or let a");
            w.Line("/// <see cref=\"global::ModelGen.FitOptions.Schedule\"/> set it per epoch. A finite value of at least 0.");
            w.Line("/// </summary>");
            w.Open("public double LearningRate");
            w.Line("get => _learningRate;");
            w.Line($"set => _learningRate = {Rt}TrainingValues.CheckLearningRate(value);");
            w.Close();
            w.Line();
            w.Line("/// <summary>The largest global L2 norm of the gradients (<see cref=\"ClipGradientNorm\"/>); 0 is off.</summary>");
            w.Line("private double _clipGradientNorm;");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Gradient clipping by global norm (PyTorch <c>clip_grad_norm_</c>): when the L2 norm of all gradients together exceeds this,");
            w.Line("/// every gradient is scaled by <c>ClipGradientNorm / (norm + 1e-6)</c> before the optimizer update. 0 (the default) is off.");
            w.Line("/// </summary>");
            w.Open("public double ClipGradientNorm");
            w.Line("get => _clipGradientNorm;");
            w.Line($"set => _clipGradientNorm = {Rt}GradientClipping.CheckMaxNorm(value);");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Whether <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float})\"/> checks that the loss and every gradient are finite before it updates anything (default true).");
            w.Line("/// A step that fails the check throws <see cref=\"global::ModelGen.TrainingDivergedException\"/> and leaves the model, its running");
            w.Line("/// statistics and the optimizer as they were. Turn it off only to save the check's time (a pass over the gradients).");
            w.Line("/// </summary>");
            w.Line("public bool DetectDivergence { get; set; } = true;");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public {Rt}LossKind Loss => {Rt}LossKind.{loss};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            Attributes(w, batchForward);
            w.Open($"public {RoSpan} LastOutputs");
            w.Open("get");
            w.Open("for (int r = 0; r < _rows; r++)");
            w.Line($"global::System.Array.Copy(_y{I(last)}, r * {I(contexts[last].OutputStride)}, _lastOutputs, r * OutputSize, OutputSize);");
            w.Close();
            w.Line();
            w.Line($"return new {RoSpan}(_lastOutputs, 0, _rows * OutputSize);");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The gradients computed by the last <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float})\"/> or <see cref=\"ComputeGradients\"/>, laid out like <see cref=\"Parameters\"/>.</summary>");
            Attributes(w, batchForward);
            w.Open($"public {RoSpan} Gradients");
            w.Open("get");
            w.Line("Unpack(_gradients, _gradientsCanonical);");
            w.Line("return _gradientsCanonical;");
            w.Close();
            w.Close();
            w.Line();

            w.Line("/// <summary>");
            w.Line("/// One training step: training-mode forward pass (batch statistics, dropout), running-statistics update, loss,");
            w.Line("/// backward pass and optimizer update. Returns the loss of the batch before the update. Allocates nothing.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">Rows of <see cref=\"InputSize\"/> floats; between <see cref=\"MinBatchSize\"/> and <see cref=\"MaxBatchSize\"/> rows.</param>");
            w.Line("/// <param name=\"targets\">The same number of rows of <see cref=\"OutputSize\"/> floats.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">");
            w.Line("/// The spans do not hold a valid batch, an input is NaN or infinite, or a target is outside the loss's domain (the message names");
            w.Line("/// the row and column); nothing has changed.");
            w.Line("/// </exception>");
            Attributes(w);
            w.Open($"public float {Names.TrainStep}({RoSpan} {Names.InputsParameter}, {RoSpan} targets)");
            w.Line("int rows = CheckBatch(inputs, ref targets);");
            w.Line("// Marked as running for ConcurrencyChecks: a prediction of this model on another thread meanwhile is a bug it can report.");
            w.Line("_model._guard.EnterTraining();");
            w.Open("try");
            if (hasState)
            {
                w.Line("// The forward pass updates the running statistics: keep them, so that a diverged step can be undone.");
                w.Open("if (DetectDivergence)");
                w.Line("global::System.Array.Copy(_model._state, _stateBackup, StateCount);");
                w.Line("global::System.Array.Copy(_model._counters, _countersBackup, _countersBackup.Length);");
                w.Close();
                w.Line();
            }

            w.Line("float loss = Run(inputs, targets, rows, updateRunningStatistics: true);");
            w.Open("if (DetectDivergence)");
            w.Line("CheckDivergence(loss);");
            w.Close();
            w.Line();
            w.Open("if (_clipGradientNorm > 0)");
            w.Line($"{Rt}GradientClipping.ClipByGlobalNorm(_gradients, _clipGradientNorm);");
            w.Close();
            w.Line();
            w.Line("ApplyOptimizer();");
            w.Line("_iterations++;");
            w.Line("_model._canonicalStale = true;");
            w.Line("_model.RefreshInference();");
            w.Line("return loss;");
            w.Close();
            w.Open("finally");
            w.Line("_model._guard.ExitTraining();");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The training-mode forward and backward pass without any update: fills <see cref=\"Gradients\"/> and returns the loss.");
            w.Line("/// Running statistics and parameters stay as they are; the dropout mask is the one the next <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float})\"/> uses.");
            w.Line("/// </summary>");
            Attributes(w, batchForward);
            w.Open($"public float {Names.ComputeGradients}({RoSpan} {Names.InputsParameter}, {RoSpan} targets)");
            w.Line("int rows = CheckBatch(inputs, ref targets);");
            w.Line("return Run(inputs, targets, rows, updateRunningStatistics: false);");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Trains for <see cref=\"global::ModelGen.FitOptions.Epochs\"/> epochs over the rows, shuffled with a seed, with optional validation");
            w.Line("/// through the inference path, a learning-rate schedule, early stopping and one progress report per epoch.");
            w.Line(spec.Loss == LossKindSpec.CategoricalCrossEntropy
                ? "/// Targets are one-hot or soft rows of OutputSize floats, or class indices (one float per row)."
                : "/// Targets are rows of OutputSize floats.");
            w.Line("/// </summary>");
            w.Line("/// <returns>The report of every completed epoch, why training ended, and the best epoch with early stopping.</returns>");
            w.Line("/// <exception cref=\"global::ModelGen.FitCanceledException\">The options' cancellation token was canceled; it carries the history so far.</exception>");
            Attributes(w);
            w.Line($"public {Rt}History {Names.Fit}({RoSpan} {Names.InputsParameter}, {RoSpan} targets, {Rt}FitOptions? {Names.OptionsParameter} = null, global::System.IProgress<{Rt}EpochReport>? progress = null)");
            w.Line($"    => {Rt}FitLoop.Run(_model, this, inputs, targets, options, progress);");
            w.Line();

            if (classes)
            {
                w.Line("/// <summary>");
                w.Line("/// One training step with class-index labels: label <c>i</c> is the class of row <c>i</c> (0 to OutputSize - 1), the same");
                w.Line("/// as a one-hot target row. See <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float})\"/>.");
                w.Line("/// </summary>");
                w.Line("/// <exception cref=\"global::System.ArgumentException\">The batch is not valid, or a label is not a class index.</exception>");
                Attributes(w);
                w.Open($"public float {Names.TrainStep}({RoSpan} {Names.InputsParameter}, global::System.ReadOnlySpan<int> labels)");
                w.Open("if (labels.Length != inputs.Length / InputSize || labels.Length > MaxBatchSize)");
                w.Line("throw new global::System.ArgumentException($\"labels has {labels.Length} entries for {inputs.Length / InputSize} input rows; give one label per row, at most {MaxBatchSize} rows (raise maxBatchSize in CreateTrainer for larger batches).\", nameof(labels));");
                w.Close();
                w.Line();
                w.Line($"{Rt}ClassLabels.OneHot(labels, new {Span}(_oneHot, 0, labels.Length * OutputSize), OutputSize);");
                w.Line($"return TrainStep(inputs, new {RoSpan}(_oneHot, 0, labels.Length * OutputSize));");
                w.Close();
                w.Line();
                w.Line("/// <summary>Trains with class-index labels (one per row); see <see cref=\"Fit(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::ModelGen.FitOptions?, global::System.IProgress{global::ModelGen.EpochReport}?)\"/>.</summary>");
                w.Line("/// <returns>The report of every epoch.</returns>");
                Attributes(w);
                w.Line($"public {Rt}History {Names.Fit}({RoSpan} {Names.InputsParameter}, global::System.ReadOnlySpan<int> labels, {Rt}FitOptions? {Names.OptionsParameter} = null, global::System.IProgress<{Rt}EpochReport>? progress = null)");
                w.Line($"    => {Rt}FitLoop.Run(_model, this, inputs, {Rt}ClassLabels.OneHot(labels, OutputSize), options, progress);");
                w.Line();
            }

            w.Line(classes
                ? "/// <summary>Checks the batch; class-index targets (one per row) become one-hot rows in <c>_oneHot</c>.</summary>"
                : "/// <summary>Checks the batch: lengths, finite inputs, targets in the loss's domain.</summary>");
            w.Open($"private int CheckBatch({RoSpan} inputs, ref {RoSpan} targets)");
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
            if (classes)
            {
                w.Open("if (targets.Length == rows && rows * OutputSize != rows)");
                w.Line("// Class indices, one per row: the same as their one-hot rows.");
                w.Line($"{Rt}ClassLabels.OneHot(targets, new {Span}(_oneHot, 0, rows * OutputSize), OutputSize);");
                w.Line($"targets = new {RoSpan}(_oneHot, 0, rows * OutputSize);");
                w.Close();
                w.Open("else if (targets.Length != rows * OutputSize)");
                w.Line("throw new global::System.ArgumentException($\"targets has {targets.Length} floats; {rows} rows need {rows * OutputSize} (one-hot or soft targets, {OutputSize} per row) or {rows} (class indices, one per row).\", nameof(targets));");
                w.Close();
            }
            else
            {
                w.Open("if (targets.Length != rows * OutputSize)");
                w.Line($"throw new global::System.ArgumentException({Rt}ClassLabels.TargetLengthMessage(targets.Length, rows, OutputSize, Loss), nameof(targets));");
                w.Close();
            }

            w.Line();
            w.Line("// One NaN input would make every parameter and running statistic NaN; a target outside the loss's domain gives a meaningless loss.");
            w.Line($"{Rt}TrainingValues.Check(inputs, targets, InputSize, OutputSize, Loss);");
            w.Line("return rows;");
            w.Close();
            w.Line();

            EmitCheckDivergence(w, hasState, plan.ComputeCount);
            EmitCheckpoints(w, plan);
            EmitRun(w, plan, contexts);
            OptimizerEmitter.EmitUpdate(w, opt, plan.ComputeCount);
            w.Close();
        }


        /// <summary>SaveCheckpoint and LoadCheckpoint: the whole trainer state in one safetensors file.</summary>
        private static void EmitCheckpoints(SourceWriter w, ModelPlan plan)
        {
            var spec = plan.Spec;
            var arrays = OptimizerEmitter.StateArrays(spec.Optimizer!);
            string kind = spec.Optimizer!.KindName;
            w.Line("/// <summary>The names checkpoints give the optimizer's state arrays (PyTorch's where they mean the same).</summary>");
            w.Line(arrays.Length == 0
                ? "private static readonly string[] s_stateNames = global::System.Array.Empty<string>();"
                : $"private static readonly string[] s_stateNames = {{ {string.Join(", ", arrays.Select(a => Literal(a.Name)))} }};");
            w.Line();
            w.Line("/// <summary>The optimizer's state arrays (compute layout), in the order of <see cref=\"s_stateNames\"/>.</summary>");
            w.Line(arrays.Length == 0
                ? "private float[][] StateArrays() => global::System.Array.Empty<float[]>();"
                : $"private float[][] StateArrays() => new float[][] {{ {string.Join(", ", arrays.Select(a => a.Field))} }};");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Saves everything training needs to continue bitwise as if never stopped: the model's parameters, running statistics and");
            w.Line($"/// counters, the optimizer's state ({(arrays.Length == 0 ? "none for plain SGD" : string.Join(", ", arrays.Select(a => a.Name)))}), the step count, the learning rate and the seed. Safetensors, with the");
            w.Line("/// model's tensors under their usual names (so <c>LoadWeights</c> cannot take it by mistake: it has more tensors). Atomic, as SaveWeights.");
            w.Line("/// </summary>");
            w.Open("public void SaveCheckpoint(string path)");
            w.Line("using var memory = new global::System.IO.MemoryStream();");
            w.Line("SaveCheckpoint(memory);");
            w.Line($"{Rt}Checkpoints.WriteFile(path, memory);");
            w.Close();
            w.Line();
            w.Line("/// <summary>Writes the checkpoint of <see cref=\"SaveCheckpoint(string)\"/> to <paramref name=\"stream\"/>.</summary>");
            w.Open("public void SaveCheckpoint(global::System.IO.Stream stream)");
            w.Line("_model._guard.EnterSnapshot();");
            w.Open("try");
            w.Line("_model.SyncParameters();");
            w.Line("var arrays = StateArrays();");
            w.Line("var canonical = new float[arrays.Length][];");
            w.Open("for (int k = 0; k < arrays.Length; k++)");
            w.Line("canonical[k] = new float[ParameterCount];");
            w.Line("Unpack(arrays[k], canonical[k]);");
            w.Close();
            w.Line();
            w.Line($"{Rt}Checkpoints.WriteTrainer(stream, Tensors, _model._parameters, _model._state, _model._counters, {Literal(kind)}, s_stateNames, canonical, _iterations, _learningRate, _seed);");
            w.Close();
            w.Open("finally");
            w.Line("_model._guard.ExitSnapshot();");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Restores a checkpoint of <see cref=\"SaveCheckpoint(string)\"/> saved by a trainer of the same declaration; the next step continues");
            w.Line("/// bitwise where the saved trainer stopped. The file is checked completely before anything changes.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is not a checkpoint of this declaration and optimizer; nothing has changed.</exception>");
            w.Open("public void LoadCheckpoint(string path)");
            w.Line("using var stream = global::System.IO.File.OpenRead(path);");
            w.Line("LoadCheckpoint(stream);");
            w.Close();
            w.Line();
            w.Line("/// <summary>Restores the checkpoint in <paramref name=\"stream\"/>; see <see cref=\"LoadCheckpoint(string)\"/>.</summary>");
            w.Open("public void LoadCheckpoint(global::System.IO.Stream stream)");
            w.Line($"var saved = {Rt}Checkpoints.ReadTrainer(stream, Tensors, {Literal(kind)}, s_stateNames, ParameterCount, StateCount, _model._counters.Length);");
            w.Line("_model._guard.EnterWrite();");
            w.Open("try");
            w.Line("global::System.Array.Copy(saved.Parameters, _model._parameters, ParameterCount);");
            w.Line("global::System.Array.Copy(saved.State, _model._state, StateCount);");
            w.Line("global::System.Array.Copy(saved.Counters, _model._counters, _model._counters.Length);");
            w.Line("_model._canonicalStale = false;");
            w.Line("Pack(_model._parameters, _model._compute);");
            w.Line("_model.RefreshInference();");
            w.Line("var arrays = StateArrays();");
            w.Open("for (int k = 0; k < arrays.Length; k++)");
            w.Line("Pack(saved.Moments[k], arrays[k]);");
            w.Close();
            w.Line();
            w.Line("_iterations = saved.Iterations;");
            w.Line("_learningRate = saved.LearningRate;");
            w.Line("_seed = saved.Seed;");
            w.Close();
            w.Open("finally");
            w.Line("_model._guard.ExitWrite();");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>The divergence check of a step: runs after the backward pass and before any update.</summary>
        private static void EmitCheckDivergence(SourceWriter w, bool hasState, int computeCount)
        {
            w.Line("/// <summary>");
            w.Line("/// Throws <see cref=\"global::ModelGen.TrainingDivergedException\"/> when the loss or a gradient is not finite, after putting back the");
            w.Line("/// running statistics the forward pass changed; the parameters and the optimizer have not changed yet.");
            w.Line("/// </summary>");
            var members = w.Fork();
            w.Open("private void CheckDivergence(float loss)");
            if (computeCount >= Optimizers.OptimizerEmitter.ParallelElements)
            {
                w.Line("// As many gradients as the optimizer splits over the cores: the scan is split the same way.");
                w.Line("_nonFinite = false;");
                ParallelSplit.EmitOverElements(w, members, 1024, "FindNonFinite", "s_findNonFinite", "One thread's part of the scan in <see cref=\"CheckDivergence\"/>: the gradients from <c>start</c> to <c>end</c>.");
                w.Line();
                w.Open("if (float.IsFinite(loss) && !_nonFinite)");
                members.Line("/// <summary>Whether <see cref=\"FindNonFinite\"/> found a NaN or infinite gradient in the current step.</summary>");
                members.Line("private bool _nonFinite;");
                members.Line();
                members.Line("/// <summary>Sets <see cref=\"_nonFinite\"/> when a gradient from <paramref name=\"start\"/> to <paramref name=\"end\"/> is NaN or infinite.</summary>");
                members.Open("private void FindNonFinite(int start, int end)");
                members.Open($"if ({Rt}TrainingValues.IndexOfNonFinite(new {RoSpan}(_gradients, start, end - start)) >= 0)");
                members.Line("_nonFinite = true;");
                members.Close();
                members.Close();
                members.Line();
            }
            else
            {
                w.Open($"if (float.IsFinite(loss) && {Rt}TrainingValues.IndexOfNonFinite(_gradients) < 0)");
            }

            w.Line("return;");
            w.Close();
            w.Line();
            if (hasState)
            {
                w.Line("global::System.Array.Copy(_stateBackup, _model._state, StateCount);");
                w.Line("global::System.Array.Copy(_countersBackup, _model._counters, _countersBackup.Length);");
            }

            w.Line($"throw {Rt}TrainingDivergedException.Create(_iterations + 1, loss, Gradients, Tensors);");
            w.Close();
            w.Line();
            w.Append(members);
        }

        private static string In(LayerSpec l) => l.Source < 0 ? "x" : "y" + I(l.Source);

        private static void EmitRun(SourceWriter w, ModelPlan plan, LayerContext[] contexts)
        {
            var spec = plan.Spec;
            var layers = spec.Layers;
            int last = layers.Count - 1;
            var lastLayer = layers[last];
            bool fused = plan.Training!.FusedLoss;
            int k = spec.OutputSize;
            int ks = Limits.Pad(k);
            int zs = fused && last == 0 ? spec.InputSize : ks;
            var methods = w.Fork();
            w.Line("/// <summary>Training-mode forward pass, loss and backward pass for one batch; returns the loss.</summary>");
            w.Open($"private float Run({RoSpan} inputs, {RoSpan} targets, int rows, bool updateRunningStatistics)");
            w.Line("_rows = rows;");
            w.Line($"ref float x = ref {Mm}.GetReference(inputs);");
            w.Line($"ref float t = ref {Mm}.GetReference(targets);");
            w.Line("ref float dA = ref Data(_gradientA);");
            w.Line("ref float dB = ref Data(_gradientB);");
            for (int n = 2; n < 2 + ExtraGradientBuffers(plan); n++)
            {
                w.Line($"ref float {GradientBuffer(n)} = ref Data({GradientField(n)});");
            }

            foreach (var l in layers)
            {
                w.Line($"ref float y{I(l.Index)} = ref Data(_y{I(l.Index)});");
            }

            // One method per layer and pass keeps each method small enough for the JIT to optimize fully.
            w.Line();
            foreach (var c in contexts)
            {
                if (c.Spec.Role == InferenceRole.Merge)
                {
                    EmitMergeForward(w, methods, plan, c);
                    continue;
                }

                long work = LayerCatalog.EmitterFor(c.Spec).TrainingForwardWorkPerRow(c.Spec);
                if (work > 0)
                {
                    // Rows computed on their own: large batches split over the cores in whole blocks of rows.
                    ParallelSplit.Emit(
                        w,
                        methods,
                        ParallelSplit.WorthIt(work),
                        ParallelSplit.ReadOnlySpan(In(c.Spec), $"rows * {I(c.InputStride)}"),
                        ParallelSplit.Span($"y{c.Index}", $"rows * {I(c.OutputStride)}"),
                        "rows",
                        Planner.BlockRows,
                        $"Forward{c.Index}(ref {In(c.Spec)}, ref y{c.Index}, rows, updateRunningStatistics);",
                        Names.Trainer,
                        $"s_forward{c.Index}",
                        $"One thread's part of <see cref=\"Forward{c.Index}\"/>: the rows from <c>start</c> to <c>end</c>.",
                        "trainer, x, y, start, end",
                        $"trainer.Forward{c.Index}({ParallelSplit.Element("x", $"start * {I(c.InputStride)}")}, {ParallelSplit.Element("y", $"start * {I(c.OutputStride)}")}, end - start, false);");
                    w.Line();
                }
                else
                {
                    w.Line($"Forward{c.Index}(ref {In(c.Spec)}, ref y{c.Index}, rows, updateRunningStatistics);");
                }

                var forwardHelpers = methods.Fork();
                methods.Line($"/// <summary>Training-mode forward of layer {c.Index} ({c.Spec.KindName}) over <paramref name=\"rows\"/> rows of <paramref name=\"x\"/> into <paramref name=\"y\"/>.</summary>");
                methods.Open($"private void Forward{c.Index}(ref float x, ref float y, int rows, bool updateRunningStatistics)");
                References(methods, plan, gradients: false);
                LayerCatalog.EmitterFor(c.Spec).EmitTrainingForward(methods, forwardHelpers, c, "x", "y");
                methods.Close();
                methods.Line();
                methods.Append(forwardHelpers);
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
                    w.Line($"ref float zr = ref At(ref {z}, r * {I(zs)});");
                    w.Line($"ref float pr = ref At(ref {yl}, r * {I(ks)});");
                    w.Line($"ref float tr = ref At(ref t, r * {I(k)});");
                    w.Line($"ref float dr = ref At(ref dA, r * {I(ks)});");
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
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Open($"for (int j = 0; j < {I(k)}; j++)");
                    w.Line($"double zi = At(ref {z}, (r * {I(zs)}) + j);");
                    w.Line($"double ti = At(ref t, (r * {I(k)}) + j);");
                    w.Line("loss += global::System.Math.Max(zi, 0) - (zi * ti) + global::System.Math.Log(1 + global::System.Math.Exp(-global::System.Math.Abs(zi)));");
                    w.Line($"At(ref dA, (r * {I(ks)}) + j) = (float)((At(ref {yl}, (r * {I(ks)}) + j) - ti) / count);");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Line("loss /= count;");
                    break;
                default:
                    w.Line("// Loss: mean squared error (y - t)^2 averaged over every output; its gradient is 2 (y - t) / (rows * outputs).");
                    w.Line($"int count = rows * {I(k)};");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Open($"for (int j = 0; j < {I(k)}; j++)");
                    w.Line($"double e = (double)At(ref {yl}, (r * {I(ks)}) + j) - At(ref t, (r * {I(k)}) + j);");
                    w.Line("loss += e * e;");
                    w.Line($"At(ref dA, (r * {I(ks)}) + j) = (float)(2 * e / count);");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Line("loss /= count;");
                    break;
            }

            // Backward pass.
            if (IsGraph(spec))
            {
                EmitGraphBackward(w, methods, plan, contexts);
                w.Line();
                w.Line("return (float)loss;");
                w.Close();
                w.Line();
                w.Append(methods);
                return;
            }

            int start = fused ? last - 1 : last;
            int firstParam = plan.Training.FirstParameterLayer;
            string cur = "dA", other = "dB";
            w.Line();
            for (int i = start; firstParam >= 0 && i >= firstParam; i--)
            {
                if (EmitLayerBackward(w, methods, plan, contexts[i], In(contexts[i].Spec), cur, other, needInput: i > firstParam))
                {
                    (cur, other) = (other, cur);
                }
            }

            w.Line();
            w.Line("return (float)loss;");
            w.Close();
            w.Line();
            w.Append(methods);
        }

        /// <summary>
        /// The call to one layer's backward (reading <paramref name="x"/>, its output gradient in <paramref name="d"/>) and
        /// its method; returns whether the input gradient ended in <paramref name="e"/> (true) or in place in <paramref name="d"/>.
        /// </summary>
        private static bool EmitLayerBackward(SourceWriter w, SourceWriter methods, ModelPlan plan, LayerContext c, string x, string d, string e, bool needInput)
        {
            w.Line($"Backward{c.Index}(ref {x}, ref y{c.Index}, ref {d}, ref {e}, rows);");
            var helpers = methods.Fork();
            methods.Line($"/// <summary>");
            methods.Line($"/// Backward of layer {c.Index} ({c.Spec.KindName}) from the gradient <paramref name=\"d\"/> of its output: parameter gradients into");
            methods.Line($"/// <c>_gradients</c>{(needInput ? ", the gradient of its input into <paramref name=\"d\"/> or <paramref name=\"e\"/>" : string.Empty)}.");
            methods.Line($"/// </summary>");
            methods.Open($"private void Backward{c.Index}(ref float x, ref float y, ref float d, ref float e, int rows)");
            References(methods, plan, gradients: true);
            bool swapped = LayerCatalog.EmitterFor(c.Spec).EmitBackward(methods, helpers, c, "x", "y", "d", "e", needInput);
            methods.Close();
            methods.Line();
            methods.Append(helpers);
            return swapped;
        }

        /// <summary>Whether any layer reads something other than the previous layer's output (From, merges).</summary>
        internal static bool IsGraph(ModelSpec spec) => spec.Layers.Any(l => l.Inputs.Count != 1 || l.Inputs[0] != l.Index - 1);

        /// <summary>The gradient buffers of a graph model's backward pass beyond the pair every trainer has (<c>_gradientC</c>, ...).</summary>
        internal static int ExtraGradientBuffers(ModelPlan plan) => IsGraph(plan.Spec) ? GraphBackward(plan).Buffers - 2 : 0;

        private static string GradientBuffer(int n) => "d" + (char)('A' + n);

        private static string GradientField(int n) => "_gradient" + (char)('A' + n);

        /// <summary>The row stride of a value in the trainer: the model's input rows, or a layer's padded output rows.</summary>
        private static int StrideOf(ModelSpec spec, int value) => value < 0 ? spec.InputSize : Limits.Pad(spec.Layers[value].OutputSize);

        private static void EmitMergeForward(SourceWriter w, SourceWriter methods, ModelPlan plan, LayerContext c)
        {
            var xs = c.Spec.Inputs.Select(s => s < 0 ? "x" : "y" + I(s)).ToArray();
            var strides = c.Spec.Inputs.Select(s => StrideOf(plan.Spec, s)).ToArray();
            var parameters = Enumerable.Range(0, xs.Length).Select(k => "x" + I(k)).ToArray();
            w.Line($"Forward{c.Index}({string.Join(", ", xs.Select(x => "ref " + x))}, ref y{c.Index}, rows);");
            methods.Line($"/// <summary>Training-mode forward of layer {c.Index} ({c.Spec.KindName}) over <paramref name=\"rows\"/> rows of its {I(xs.Length)} inputs into <paramref name=\"y\"/>.</summary>");
            methods.Open($"private void Forward{c.Index}({string.Join(", ", parameters.Select(p => "ref float " + p))}, ref float y, int rows)");
            LayerCatalog.EmitterFor(c.Spec).EmitMergeForward(methods, c, parameters, strides, "y");
            methods.Close();
            methods.Line();
        }

        /// <summary>
        /// What the backward pass of a graph does, decided at generation time: which layers run a backward (those with
        /// parameters at or before them, on a path to the output), and how many gradient buffers the lifetimes need.
        /// </summary>
        private static (bool[] Needs, bool[] Reaches, int Buffers) GraphBackward(ModelPlan plan)
        {
            var layers = plan.Spec.Layers;
            var needs = new bool[layers.Count];
            var reaches = new bool[layers.Count];
            foreach (var l in layers)
            {
                needs[l.Index] = l.HasParameters || l.Inputs.Any(s => s >= 0 && needs[s]);
            }

            reaches[layers.Count - 1] = true;
            for (int i = layers.Count - 1; i >= 0; i--)
            {
                foreach (int s in layers[i].Inputs.Where(s => s >= 0 && reaches[i]))
                {
                    reaches[s] = true;
                }
            }

            int buffers = 2;
            var counter = new GradientPool();
            Walk(plan, needs, reaches, counter, null, null, null);
            buffers = System.Math.Max(buffers, counter.Count);
            return (needs, reaches, buffers);
        }

        /// <summary>Gradient buffers by lifetime: a value's gradient lives from its first contributor to its layer's backward.</summary>
        private sealed class GradientPool
        {
            private readonly List<bool> _busy = new();

            public int Count => _busy.Count;

            public int Take(int except = -1)
            {
                for (int n = 0; n < _busy.Count; n++)
                {
                    if (!_busy[n] && n != except)
                    {
                        _busy[n] = true;
                        return n;
                    }
                }

                _busy.Add(true);
                return _busy.Count - 1;
            }

            public void Take(int n, bool exact)
            {
                while (_busy.Count <= n)
                {
                    _busy.Add(false);
                }

                _busy[n] = true;
            }

            public void Free(int n) => _busy[n] = false;
        }

        /// <summary>
        /// The backward pass of a graph in reverse declaration order. Each value's gradient has a buffer from the first
        /// reader that contributes to it; a later contributor computes into a free buffer and adds, in a fixed order (the
        /// reverse of the declaration), so the sums are the same on every run. Emits the calls into <paramref name="w"/> and
        /// the methods into <paramref name="methods"/> when they are given; with nulls it only counts the buffers.
        /// </summary>
        private static void Walk(ModelPlan plan, bool[] needs, bool[] reaches, GradientPool pool, SourceWriter? w, SourceWriter? methods, LayerContext[]? contexts)
        {
            var spec = plan.Spec;
            var layers = spec.Layers;
            int last = layers.Count - 1;
            bool fused = plan.Training!.FusedLoss;
            var grad = new Dictionary<int, int>();
            int start = fused ? layers[last].Source : last;
            if (start < 0)
            {
                return;
            }

            pool.Take(0, exact: true);
            grad[start] = 0;
            for (int i = last; i >= 0; i--)
            {
                if ((fused && i == last) || !needs[i] || !reaches[i] || !grad.TryGetValue(i, out int d))
                {
                    continue;
                }

                var l = layers[i];
                string[] xs = l.Inputs.Select(s => s < 0 ? "x" : "y" + I(s)).ToArray();
                if (l.Role == InferenceRole.Merge)
                {
                    var targets = new List<(int K, int Buffer, bool Accumulate)>();
                    for (int k = 0; k < l.Inputs.Count; k++)
                    {
                        int s = l.Inputs[k];
                        if (s < 0 || !needs[s])
                        {
                            continue;
                        }

                        if (grad.TryGetValue(s, out int existing))
                        {
                            targets.Add((k, existing, true));
                        }
                        else
                        {
                            int t = pool.Take(d);
                            grad[s] = t;
                            targets.Add((k, t, false));
                        }
                    }

                    pool.Free(d);
                    if (w is not null && methods is not null && contexts is not null)
                    {
                        var c = contexts[i];
                        var parameters = Enumerable.Range(0, xs.Length).Select(k => "x" + I(k)).ToArray();
                        var strides = l.Inputs.Select(s => StrideOf(spec, s)).ToArray();
                        w.Line($"Backward{c.Index}({string.Join(", ", xs.Select(x => "ref " + x))}, ref {GradientBuffer(d)}{string.Concat(targets.Select(t => ", ref " + GradientBuffer(t.Buffer)))}, rows);");
                        methods.Line($"/// <summary>Backward of layer {c.Index} ({c.Spec.KindName}) from the gradient <paramref name=\"d\"/> of its output into the gradients of its inputs.</summary>");
                        methods.Open($"private void Backward{c.Index}({string.Join(", ", parameters.Select(p => "ref float " + p))}, ref float d{string.Concat(targets.Select(t => ", ref float t" + I(t.K)))}, int rows)");
                        foreach (var t in targets)
                        {
                            LayerCatalog.EmitterFor(c.Spec).EmitMergeBackward(methods, c, parameters, strides, "d", t.K, "t" + I(t.K), StrideOf(spec, l.Inputs[t.K]), t.Accumulate);
                        }

                        methods.Close();
                        methods.Line();
                    }

                    continue;
                }

                int source = l.Source;
                bool needInput = source >= 0 && needs[source];
                int e = pool.Take(d);
                bool swapped = false;
                if (w is not null && methods is not null && contexts is not null)
                {
                    swapped = EmitLayerBackward(w, methods, plan, contexts[i], xs[0], GradientBuffer(d), GradientBuffer(e), needInput);
                }
                else
                {
                    // Counting only: the same decision, written to a scratch writer.
                    var scratch = new SourceWriter();
                    swapped = LayerCatalog.EmitterFor(l).EmitBackward(scratch, scratch.Fork(), ModelEmitter.Contexts(plan)[i], "x", "y", "d", "e", needInput);
                }

                int result = swapped ? e : d, spare = swapped ? d : e;
                if (!needInput)
                {
                    pool.Free(d);
                    pool.Free(e);
                }
                else if (!grad.TryGetValue(source, out int existing))
                {
                    grad[source] = result;
                    pool.Free(spare);
                }
                else
                {
                    if (w is not null)
                    {
                        int f = layers[source].OutputSize, stride = StrideOf(spec, source);
                        w.Line($"// Layer {I(source)}'s output is read more than once: add layer {I(i)}'s share of its gradient.");
                        w.Open("for (int r = 0; r < rows; r++)");
                        w.Open($"for (int j = 0; j < {I(f)}; j++)");
                        w.Line($"At(ref {GradientBuffer(existing)}, (r * {I(stride)}) + j) += At(ref {GradientBuffer(result)}, (r * {I(stride)}) + j);");
                        w.Close();
                        w.Close();
                    }

                    pool.Free(d);
                    pool.Free(e);
                }
            }
        }

        private static void EmitGraphBackward(SourceWriter w, SourceWriter methods, ModelPlan plan, LayerContext[] contexts)
        {
            var (needs, reaches, _) = GraphBackward(plan);
            w.Line();
            w.Line("// Backward through the graph in reverse declaration order; a value read by several layers sums their gradients in that order.");
            Walk(plan, needs, reaches, new GradientPool(), w, methods, contexts);
        }

        /// <summary>The references a layer's training method starts with.</summary>
        private static void References(SourceWriter w, ModelPlan plan, bool gradients)
        {
            w.Line("ref float p = ref Data(_model._compute);");
            if (gradients)
            {
                w.Line("ref float g = ref Data(_gradients);");
            }

            if (plan.StateCount > 0)
            {
                w.Line("ref float s = ref Data(_model._state);");
            }
        }
    }
}
