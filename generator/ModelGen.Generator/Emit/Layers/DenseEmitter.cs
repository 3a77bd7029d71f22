using System;
using ModelGen.Generator.Emit.Kernels;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>Dense layers: <c>z = W x + b</c> through <see cref="DenseKernel"/>, with the step's epilogue fused per output.</summary>
    internal sealed class DenseEmitter : LayerEmitter
    {
        public static DenseEmitter Instance { get; } = new();

        /// <summary>Rows per block in the trainer's forward and backward passes.</summary>
        private const int TrainingBlock = 4;

        public override string Describe(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            return $"{I(l.Index)}: dense \"{l.Name}\" {I(l.InputSize)} -> {I(l.OutputSize)}{(l.UseBias ? string.Empty : " (no bias)")}";
        }

        public override string DescribeInference(LayerSpec layer)
        {
            var l = (DenseSpec)layer;
            return $"layer {I(l.Index)}, dense \"{l.Name}\" {I(l.InputSize)} -> {I(l.OutputSize)}: z = W x{(l.UseBias ? " + b" : string.Empty)}";
        }

        public override string DescriptionExpression(LayerContext c)
        {
            var l = (DenseSpec)c.Spec;
            return Description(c, "DenseDescription", $"Units: {I(l.Units)}, UseBias: {(l.UseBias ? "true" : "false")}, WeightOffset: {I(c.Plan.Offset("weight"))}, BiasOffset: {(l.UseBias ? I(c.Plan.Offset("bias")) : "null")}");
        }

        public override void EmitInitialization(SourceWriter w, LayerContext c)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize;
            bool he = c.Plan.HeInitialization;
            double limit = he ? Math.Sqrt(6.0 / n) : Math.Sqrt(6.0 / (n + f));
            string rule = he ? $"He uniform, limit sqrt(6 / {I(n)})" : $"Glorot uniform, limit sqrt(6 / ({I(n)} + {I(f)}))";
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\": weight [{I(f)}, {I(n)}] {rule}{(l.UseBias ? "; bias 0" : string.Empty)}.");
            w.Open($"for (int i = 0; i < {I(n * f)}; i++)");
            w.Line($"_parameters[{VectorKernel.Index(c.Plan.Offset("weight"), "i")}] = random.NextUniform({F(-limit)}, {F(limit)});");
            w.Close();
            w.Line();
        }

        public override void EmitProducerRow(SourceWriter w, LayerContext c, string src, string dst, Epilogue epilogue)
        {
            var l = (DenseSpec)c.Spec;
            void Epilogue(string z, string j)
            {
                Bias(w, c, z, j);
                epilogue(z, j);
                w.Line($"At(ref {dst}, {j}) = {z};");
            }

            if (DenseKernel.Unrolls(l.InputSize, l.OutputSize))
            {
                DenseKernel.OutputsUnrolled(w, c.Plan.Offset("weight"), l.InputSize, l.OutputSize, src, Epilogue);
            }
            else
            {
                DenseKernel.Outputs(w, c.Plan.Offset("weight"), l.InputSize, l.OutputSize, src, Epilogue);
            }
        }

        public override bool SharesLoadsAcrossRows(LayerSpec layer) => DenseKernel.SharesLoads(layer.InputSize);

        public override void EmitProducerBlock(SourceWriter w, LayerContext c, string[] srcs, string[] dsts, Epilogue epilogue)
        {
            var l = (DenseSpec)c.Spec;
            DenseKernel.OutputsForRows(w, c.Plan.Offset("weight"), l.InputSize, l.OutputSize, srcs, (zs, j) =>
            {
                for (int k = 0; k < zs.Length; k++)
                {
                    Bias(w, c, zs[k], j);
                    epilogue(zs[k], j);
                    w.Line($"At(ref {dsts[k]}, {j}) = {zs[k]};");
                }
            });
        }

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize;
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\" {I(n)} -> {I(f)}: z = W x{(l.UseBias ? " + b" : string.Empty)}, row by row.");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {src}, r * {I(n)});");
            DenseKernel.Outputs(w, c.Plan.Offset("weight"), n, f, "xr", (z, j) =>
            {
                Bias(w, c, z, j);
                w.Line($"At(ref {dst}, (r * {I(f)}) + {j}) = {z};");
            });
            w.Close();
        }

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y)
        {
            var l = (DenseSpec)c.Spec;
            int n = l.InputSize, f = l.OutputSize;
            bool block = DenseKernel.SharesLoads(n);
            w.Line($"// Layer {c.Index}, dense \"{l.Name}\" {I(n)} -> {I(f)}: y[r, j] = W[j, :] . x[r, :]{(l.UseBias ? " + b[j]" : string.Empty)}{(block ? ";" : ".")}");
            if (block)
            {
                w.Line($"// blocks of {I(TrainingBlock)} rows share each weight load, the remaining rows go one by one (same arithmetic per row).");
            }

            DenseKernel.ForwardRows(w, c.Plan.Offset("weight"), BiasOffset(c), n, f, x, y, TrainingBlock);
        }

        public override bool EmitBackward(SourceWriter w, LayerContext c, string x, string y, string d, string other, bool needInput)
        {
            var l = (DenseSpec)c.Spec;
            w.Line($"// Backward, layer {c.Index} dense \"{l.Name}\": dW[j, :] += d[r, j] * x[r, :]{(l.UseBias ? ", db[j] += d[r, j]" : string.Empty)}{(needInput ? ", dx[r, :] = sum over j of d[r, j] * W[j, :]" : string.Empty)};");
            if (DenseKernel.SharesLoads(l.InputSize))
            {
                w.Line($"// blocks of {I(TrainingBlock)} rows load each gradient and weight row once; every element still accumulates rows in order.");
            }

            DenseKernel.BackwardRows(w, c.Plan.Offset("weight"), BiasOffset(c), l.InputSize, l.OutputSize, x, d, other, needInput, TrainingBlock);
            return needInput;
        }

        private static int? BiasOffset(LayerContext c) => ((DenseSpec)c.Spec).UseBias ? c.Plan.Offset("bias") : null;

        private static void Bias(SourceWriter w, LayerContext c, string z, string j)
        {
            if (BiasOffset(c) is { } b)
            {
                w.Line($"{z} += At(ref p, {VectorKernel.Index(b, j)});");
            }
        }
    }
}
