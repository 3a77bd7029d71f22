using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Layers
{
    /// <summary>
    /// The merge layers: add, subtract, multiply, average, maximum and minimum element by element (inputs left to right,
    /// as Keras' merge layers and a chain of <c>torch</c> operations compute them), and concatenation along the first
    /// dimension (channels, or features), which in the channel-major layout is the inputs' rows one after the other.
    /// </summary>
    internal sealed class MergeEmitter : LayerEmitter
    {
        public static MergeEmitter Instance { get; } = new();

        private static MergeSpec M(LayerContext c) => (MergeSpec)c.Spec;

        public override string Describe(LayerSpec layer)
        {
            var m = (MergeSpec)layer;
            return $"{I(layer.Index)}: {m.Function.ToString().ToLowerInvariant()} of the current tensor and {string.Join(", ", m.Others.Select(o => "'" + o + "'"))} -> {layer.Output}";
        }

        public override string DescribeInference(LayerSpec layer) =>
            $"layer {I(layer.Index)}, {((MergeSpec)layer).Function.ToString().ToLowerInvariant()} of {I(layer.Inputs.Count)} inputs";

        public override string DescriptionExpression(LayerContext c) => Description(c, "MergeDescription", "global::ModelGen.MergeFunction." + M(c).Function);

        public override void EmitBatchMode(SourceWriter w, LayerContext c, string src, string dst) =>
            throw new InvalidOperationException("A graph model has no batch-mode inference (MG0020).");

        public override void EmitTrainingForward(SourceWriter w, LayerContext c, string x, string y) =>
            throw new InvalidOperationException("A merge layer's forward reads several inputs: EmitMergeForward.");

        public override bool EmitBackward(SourceWriter w, SourceWriter members, LayerContext c, string x, string y, string d, string other, bool needInput) =>
            throw new InvalidOperationException("A merge layer's backward writes several inputs: EmitMergeBackward.");

        /// <summary>The value at index <paramref name="j"/> of an element-wise merge of the rows <paramref name="srcs"/>.</summary>
        public static string Value(MergeSpec m, IReadOnlyList<string> srcs, string j)
        {
            var v = srcs.Select(s => $"At(ref {s}, {j})").ToArray();
            return m.Function switch
            {
                MergeFunction.Add => string.Join(" + ", v),
                MergeFunction.Subtract => $"{v[0]} - {v[1]}",
                MergeFunction.Multiply => string.Join(" * ", v),
                MergeFunction.Average => $"({string.Join(" + ", v)}) / {F(v.Length)}",
                MergeFunction.Maximum => v.Skip(1).Aggregate(v[0], (a, b) => $"global::System.MathF.Max({a}, {b})"),
                MergeFunction.Minimum => v.Skip(1).Aggregate(v[0], (a, b) => $"global::System.MathF.Min({a}, {b})"),
                _ => throw new InvalidOperationException("Concatenation is not element-wise."),
            };
        }

        /// <summary>
        /// One row at inference; <paramref name="dst"/> may be one of the sources of an element-wise merge (each element is
        /// read before it is written).
        /// </summary>
        public override void EmitMerge(SourceWriter w, LayerContext c, IReadOnlyList<string> srcs, string dst, IReadOnlyList<LayerContext> epilogues)
        {
            var m = M(c);
            if (!m.Elementwise)
            {
                Concatenate(w, c, srcs, dst);
                return;
            }

            int spatial = c.Spec.OutputSpatial;
            if (epilogues.Count > 0 && spatial > 1)
            {
                w.Open($"for (int ch = 0; ch < {I(c.Spec.OutputChannels)}; ch++)");
                w.Open($"for (int j = ch * {I(spatial)}, jEnd = j + {I(spatial)}; j < jEnd; j++)");
            }
            else
            {
                w.Open($"for (int j = 0; j < {I(c.Spec.OutputSize)}; j++)");
            }

            w.Line($"float z = {Value(m, srcs, "j")};");
            foreach (var e in epilogues)
            {
                w.Line(LayerCatalog.EmitterFor(e.Spec).EpilogueStatement(e, "z", spatial > 1 ? "ch" : "j"));
            }

            w.Line($"At(ref {dst}, j) = z;");
            w.Close();
            if (epilogues.Count > 0 && spatial > 1)
            {
                w.Close();
            }
        }

        public override void EmitMergeForward(SourceWriter w, LayerContext c, IReadOnlyList<string> xs, IReadOnlyList<int> strides, string y)
        {
            var m = M(c);
            w.Line($"// Layer {c.Index}, {m.Function.ToString().ToLowerInvariant()} of {I(xs.Count)} inputs per row{(m.Elementwise ? ", left to right" : " along the channels")}.");
            w.Open("for (int r = 0; r < rows; r++)");
            var rowsOf = RowRefs(w, xs, strides, "x");
            w.Line($"ref float yr = ref At(ref {y}, r * {I(c.OutputStride)});");
            if (m.Elementwise)
            {
                w.Open($"for (int j = 0; j < {I(c.Spec.OutputSize)}; j++)");
                w.Line($"At(ref yr, j) = {Value(m, rowsOf, "j")};");
                w.Close();
            }
            else
            {
                Concatenate(w, c, rowsOf, "yr");
            }

            w.Close();
        }

        public override void EmitMergeBackward(SourceWriter w, LayerContext c, IReadOnlyList<string> xs, IReadOnlyList<int> strides, string d, int k, string target, int targetStride, bool accumulate)
        {
            var m = M(c);
            int n = xs.Count;
            string op = accumulate ? "+=" : "=";
            w.Line($"// Input {I(k)}: {Rule(m.Function, k, n)}{(accumulate ? ", added to the gradient its other readers left" : string.Empty)}.");
            w.Open("for (int r = 0; r < rows; r++)");

            // Only the products and the extremes read the inputs' values.
            bool reads = m.Function is MergeFunction.Multiply or MergeFunction.Maximum or MergeFunction.Minimum;
            var rowsOf = reads ? RowRefs(w, xs, strides, "x") : Array.Empty<string>();
            w.Line($"ref float dr = ref At(ref {d}, r * {I(c.OutputStride)});");
            w.Line($"ref float tr = ref At(ref {target}, r * {I(targetStride)});");
            if (!m.Elementwise)
            {
                int offset = c.Model.Spec.Layers[c.Spec.Index].Inputs.Take(k).Sum(s => s < 0 ? c.Model.Spec.InputSize : c.Model.Spec.Layers[s].OutputSize);
                int size = Size(c, k);
                w.Open($"for (int j = 0; j < {I(size)}; j++)");
                w.Line($"At(ref tr, j) {op} At(ref dr, {I(offset)} + j);");
                w.Close();
                w.Close();
                return;
            }

            w.Open($"for (int j = 0; j < {I(c.Spec.OutputSize)}; j++)");
            switch (m.Function)
            {
                case MergeFunction.Add:
                    w.Line($"At(ref tr, j) {op} At(ref dr, j);");
                    break;
                case MergeFunction.Subtract:
                    w.Line(k == 0 ? $"At(ref tr, j) {op} At(ref dr, j);" : $"At(ref tr, j) {op} -At(ref dr, j);");
                    break;
                case MergeFunction.Average:
                    w.Line($"At(ref tr, j) {op} At(ref dr, j) / {F(n)};");
                    break;
                case MergeFunction.Multiply:
                    w.Line($"At(ref tr, j) {op} At(ref dr, j) * {string.Join(" * ", Enumerable.Range(0, n).Where(i => i != k).Select(i => $"At(ref {rowsOf[i]}, j)"))};");
                    break;
                default:
                    // Left to right: m0 = x0, m_i = max(m_(i-1), x_i). The gradient of m_i = max(a, b) goes to a where a > b, to b
                    // where b > a, and half to each where they tie (torch.maximum); input k's share is the product along the chain.
                    string cmp = m.Function == MergeFunction.Maximum ? ">" : "<";
                    string fn = m.Function == MergeFunction.Maximum ? "Max" : "Min";
                    w.Line($"float m0 = At(ref {rowsOf[0]}, j);");
                    for (int i = 1; i < n - 1; i++)
                    {
                        w.Line($"float m{I(i)} = global::System.MathF.{fn}(m{I(i - 1)}, At(ref {rowsOf[i]}, j));");
                    }

                    var factors = new List<string>();
                    for (int i = n - 1; i >= System.Math.Max(1, k); i--)
                    {
                        string a = $"m{I(i - 1)}", b = $"At(ref {rowsOf[i]}, j)";
                        factors.Add(i == k ? Share(b, a, cmp) : Share(a, b, cmp));
                    }

                    w.Line($"At(ref tr, j) {op} At(ref dr, j) * {string.Join(" * ", factors)};");
                    break;
            }

            w.Close();
            w.Close();
        }

        /// <summary>The share of <paramref name="a"/> in <c>max(a, b)</c> (or min): 1 where it wins, 0.5 on a tie, else 0.</summary>
        private static string Share(string a, string b, string cmp) => $"({a} {cmp} {b} ? 1f : {a} == {b} ? 0.5f : 0f)";

        private static string Rule(MergeFunction f, int k, int n) => f switch
        {
            MergeFunction.Add => "the output gradient",
            MergeFunction.Subtract => k == 0 ? "the output gradient" : "minus the output gradient",
            MergeFunction.Average => $"the output gradient / {I(n)}",
            MergeFunction.Multiply => "the output gradient times the other inputs",
            MergeFunction.Concatenate => "its slice of the output gradient",
            _ => "the output gradient where it is the extreme, half of it on a tie",
        };

        private static int Size(LayerContext c, int k)
        {
            int s = c.Spec.Inputs[k];
            return s < 0 ? c.Model.Spec.InputSize : c.Model.Spec.Layers[s].OutputSize;
        }

        /// <summary>Concatenation of one row: each input's floats in turn (channel-major, so its channels follow the previous input's).</summary>
        private static void Concatenate(SourceWriter w, LayerContext c, IReadOnlyList<string> srcs, string dst)
        {
            int offset = 0;
            for (int k = 0; k < srcs.Count; k++)
            {
                int size = Size(c, k);
                w.Line($"global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref {srcs[k]}, {I(size)}).CopyTo(global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref At(ref {dst}, {I(offset)}), {I(size)}));");
                offset += size;
            }
        }

        private static string[] RowRefs(SourceWriter w, IReadOnlyList<string> xs, IReadOnlyList<int> strides, string prefix)
        {
            var names = new string[xs.Count];
            for (int k = 0; k < xs.Count; k++)
            {
                names[k] = prefix + I(k) + "r";
                w.Line($"ref float {names[k]} = ref At(ref {xs[k]}, r * {I(strides[k])});");
            }

            return names;
        }
    }
}
