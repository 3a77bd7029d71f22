using System;
using System.Collections.Generic;
using System.Linq;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Kernels
{
    /// <summary>
    /// The two vector widths the dense kernels are emitted for: 512-bit (one <c>Vector512</c> per 16-float panel, taken where
    /// <c>GeneratedCodeSupport.Wide</c>) and 256-bit (two <c>Vector256</c> halves per panel). Each comes with the register
    /// tile that fits its register file; the arithmetic of every lane is the same in both.
    /// </summary>
    internal sealed class Width
    {
        public static readonly Width Wide = new(16, subs: 1, rowGroup: 8, blockGroup: 4, gradientInputs: 6, gradientGroup: 4, inputGradientInputs: 8);

        public static readonly Width Narrow = new(8, subs: 2, rowGroup: 4, blockGroup: 1, gradientInputs: 6, gradientGroup: 1, inputGradientInputs: 4);

        private Width(int lanes, int subs, int rowGroup, int blockGroup, int gradientInputs, int gradientGroup, int inputGradientInputs)
        {
            Lanes = lanes;
            Subs = subs;
            RowGroup = rowGroup;
            BlockGroup = blockGroup;
            GradientInputs = gradientInputs;
            GradientGroup = gradientGroup;
            InputGradientInputs = inputGradientInputs;
        }

        /// <summary>Floats per vector: 16 or 8.</summary>
        public int Lanes { get; }

        /// <summary>Vectors per 16-float panel: 1 or 2.</summary>
        public int Subs { get; }

        /// <summary>Panels one row computes at once (independent chains to hide the FMA latency).</summary>
        public int RowGroup { get; }

        /// <summary>Panels a block of rows computes at once (the register tile is rows x this).</summary>
        public int BlockGroup { get; }

        /// <summary>Inputs of the weight-gradient tile.</summary>
        public int GradientInputs { get; }

        /// <summary>Panels of the weight-gradient tile.</summary>
        public int GradientGroup { get; }

        /// <summary>Inputs of the input-gradient tile.</summary>
        public int InputGradientInputs { get; }

        /// <summary>The suffix of the helpers: <c>Load16</c>, <c>Fma8</c>, ...</summary>
        public string S => I(Lanes);

        /// <summary>The name suffix of sub-vector <paramref name="h"/> of a panel: none, or <c>l</c> and <c>h</c>.</summary>
        public string Sub(int h) => Subs == 1 ? string.Empty : h == 0 ? "l" : "h";
    }

    /// <summary>Where a panel's lanes start, as generated code writes it, and whether it is the padded last panel.</summary>
    /// <param name="Lane">The index expression of the panel's first output (or input gradient).</param>
    /// <param name="Valid">Lanes of the panel that are real outputs: 16, or fewer for the last panel.</param>
    internal readonly record struct PanelAt(string Lane, int Valid);

    /// <summary>
    /// The dense arithmetic, emitted in one place for inference (one row, blocks of rows), batch-mode inference and training
    /// (forward, weight, bias and input gradients). Weights are read in the compute layout: panels of 16 outputs, each the
    /// 16 weights of input 0, then of input 1, ... . Output <c>j</c> of a row is one chain of fused multiply-adds over the
    /// inputs in order, <c>z = fma(w[j, k], x[k], z)</c> for k = 0, 1, ..., n - 1 starting from 0: every lane on its own, so
    /// its bits depend on nothing but the row and the weights: not on the variant (512 or 256 bits), the tile, the row's
    /// position or the batch. That is the one fact about the reduction order, and <c>KernelTests</c> checks it.
    /// </summary>
    internal static class DenseKernel
    {
        /// <summary>
        /// Forward for the rows whose inputs start at <paramref name="srcs"/> (one name per row, a <c>ref float</c>):
        /// for each panel, the sums of its 16 outputs, then <paramref name="epilogue"/> writes bias, fused operations and the
        /// store. Both variants are emitted, the 512-bit one taken where <c>Wide</c>.
        /// </summary>
        /// <param name="w">The writer.</param>
        /// <param name="weights">Compute-layout offset of the weight panels in <c>p</c>.</param>
        /// <param name="inputs">Inputs per row.</param>
        /// <param name="outputs">Outputs per row.</param>
        /// <param name="srcs">The rows' input references.</param>
        /// <param name="lastPanelApart">Emit the padded last panel outside the loop (its stores are partial).</param>
        /// <param name="epilogue">Writes the epilogue of one row's panel: (width, accumulator names, row, panel).</param>
        /// <param name="first">With <paramref name="end"/>, names of ints in scope: compute only the panels from <c>first</c> (a
        /// multiple of <see cref="RowPanelGranularity"/>) to <c>end</c>, a group of panels in the range of its first panel
        /// (one thread's part of a row). Null: every panel.</param>
        /// <param name="end">One past the last panel of the range.</param>
        public static void Forward(SourceWriter w, int weights, int inputs, int outputs, string[] srcs, bool lastPanelApart, Action<Width, string[], int, PanelAt> epilogue, string? first = null, string? end = null)
        {
            w.Line("// Every output is one chain of fused multiply-adds over the inputs in order: z = fma(w[j, k], x[k], z) from z = 0.");
            w.Line("// Panels of 16 outputs: one 512-bit vector each where Wide, else two 256-bit halves; the lanes compute the same either way.");
            w.Open("if (Wide)");
            ForwardVariant(w, Width.Wide, weights, inputs, outputs, srcs, lastPanelApart, epilogue, first, end);
            w.Close();
            w.Open("else");
            ForwardVariant(w, Width.Narrow, weights, inputs, outputs, srcs, lastPanelApart, epilogue, first, end);
            w.Close();
        }

        /// <summary>
        /// A one-row forward split over threads gives each part a range of panels starting at a multiple of this (the widest
        /// variant's row group), so every variant's groups fall whole into one part.
        /// </summary>
        public static int RowPanelGranularity => Width.Wide.RowGroup;

        /// <summary>The same for a block of rows: the widest variant's block group.</summary>
        public static int BlockPanelGranularity => Width.Wide.BlockGroup;

        internal static void ForwardVariant(SourceWriter w, Width v, int weights, int n, int m, string[] srcs, bool lastPanelApart, Action<Width, string[], int, PanelAt> epilogue, string? first = null, string? end = null)
        {
            int group = srcs.Length == 1 ? v.RowGroup : v.BlockGroup;
            var groups = Groups(Panels(m), group, lastPanelApart && m % 16 != 0).ToList();
            bool ranged = first is not null && end is not null;
            foreach (var (start, count, loop) in groups)
            {
                string g = loop ? "pg" : I(start);
                bool scope = loop || groups.Count > 1 || ranged;
                if (loop || ranged)
                {
                    OpenGroup(w, start, count, loop, group, ranged ? first : null, end);
                }
                else if (scope)
                {
                    w.Open();
                }

                int panels = loop ? group : count;
                w.Line($"ref float w = ref At(ref p, {Affine(weights, g, n * 16)});");
                var accs = new List<string>();
                for (int r = 0; r < srcs.Length; r++)
                {
                    for (int c = 0; c < panels; c++)
                    {
                        for (int h = 0; h < v.Subs; h++)
                        {
                            accs.Add(Acc(r, c, h, v));
                        }
                    }
                }

                w.Line(string.Join(" ", accs.Select(a => $"var {a} = Zero{v.S}();")));
                w.Open($"for (int k = 0; k < {I(n)}; k++)");
                w.Line("int o = k * 16;");
                for (int c = 0; c < panels; c++)
                {
                    for (int h = 0; h < v.Subs; h++)
                    {
                        w.Line($"var w{I(c)}{v.Sub(h)} = Load{v.S}(ref w, {Plus("o", (c * n * 16) + (h * 8))});");
                    }
                }

                for (int r = 0; r < srcs.Length; r++)
                {
                    var fmas = new List<string> { $"var x{I(r)} = Splat{v.S}(ref {srcs[r]}, k);" };
                    for (int c = 0; c < panels; c++)
                    {
                        for (int h = 0; h < v.Subs; h++)
                        {
                            fmas.Add($"{Acc(r, c, h, v)} = Fma{v.S}(w{I(c)}{v.Sub(h)}, x{I(r)}, {Acc(r, c, h, v)});");
                        }
                    }

                    w.Line(string.Join(" ", fmas));
                }

                w.Close();
                for (int r = 0; r < srcs.Length; r++)
                {
                    for (int c = 0; c < panels; c++)
                    {
                        int panel = start + c;
                        int valid = loop || panel < Panels(m) - 1 || m % 16 == 0 ? 16 : m % 16;
                        epilogue(v, Enumerable.Range(0, v.Subs).Select(h => Acc(r, c, h, v)).ToArray(), r, new PanelAt(Affine(0, g, 16, c * 16), valid));
                    }
                }

                if (scope)
                {
                    w.Close();
                }
            }
        }

        /// <summary>
        /// Weight gradients in the compute layout: <c>dW[j, k] = sum over rows r of d[r, j] * x[r, k]</c>, one chain of fused
        /// multiply-adds over the rows in order per weight, written (not added) into <c>g</c>. Lanes of <paramref name="d"/>
        /// past the last output are read as 0, so the padding of the panels stays 0.
        /// </summary>
        /// <param name="w">The writer.</param>
        /// <param name="weights">Compute-layout offset of the weight panels in <c>g</c>.</param>
        /// <param name="inputs">Inputs per row.</param>
        /// <param name="outputs">Outputs per row.</param>
        /// <param name="x">The input rows.</param>
        /// <param name="xStride">Their stride (an expression).</param>
        /// <param name="d">The output-gradient rows.</param>
        /// <param name="dStride">Their stride.</param>
        /// <param name="first">The first panel of the part (a name in scope).</param>
        /// <param name="end">One past its last panel.</param>
        /// <param name="inputFirst">With <paramref name="inputEnd"/>, names of ints in scope: only the inputs from
        /// <c>inputFirst</c> (a multiple of <see cref="InputGranularity"/>) to <c>inputEnd</c>, for a split over inputs.</param>
        /// <param name="inputEnd">One past the last input of the part.</param>
        /// <param name="rowBlock">
        /// When positive, the rows go in blocks of this many: each block runs every tile, continuing each weight's chain
        /// from the value the previous block stored (a stored float reloads exactly, so the chain and its bits are the
        /// same), so a block of inputs stays in cache for all the tiles instead of every tile streaming all the rows.
        /// </param>
        /// <param name="copyColumns">
        /// Whether each whole group of panels first copies its columns of <paramref name="d"/> row after row into a per-thread
        /// scratch (see <see cref="CopiesColumns"/>); the values and every chain are the same.
        /// </param>
        public static void WeightGradient(SourceWriter w, int weights, int inputs, int outputs, string x, string xStride, string d, int dStride, string first, string end, string? inputFirst = null, string? inputEnd = null, int rowBlock = 0, bool copyColumns = false)
        {
            if (rowBlock > 0)
            {
                w.Line($"// Rows in blocks of {I(rowBlock)}: each weight's chain continues from the value the previous block stored.");
                w.Open($"for (int r0 = 0; r0 < rows; r0 += {I(rowBlock)})");
                w.Line($"int r1 = global::System.Math.Min(rows, r0 + {I(rowBlock)});");
            }

            w.Open("if (Wide)");
            WeightGradientVariant(w, Width.Wide, weights, inputs, outputs, x, xStride, d, dStride, first, end, inputFirst, inputEnd, rowBlock > 0, copyColumns);
            w.Close();
            w.Open("else");
            WeightGradientVariant(w, Width.Narrow, weights, inputs, outputs, x, xStride, d, dStride, first, end, inputFirst, inputEnd, rowBlock > 0, copyColumns);
            w.Close();
            if (rowBlock > 0)
            {
                w.Close();
            }
        }

        /// <summary>
        /// Whether a dense weight gradient copies its output-gradient columns first: when the rows of <c>d</c> are a multiple
        /// of 512 bytes apart, the kernel's column of a group (one cache line per row, read again for every input tile) falls
        /// into a few of the first-level cache's sets and evicts itself; row after row in a scratch, it stays. Worth it from 64
        /// inputs (the copy is then at most 1/64 of the kernel's work). On the benchmark MLP's first layer (rows 1 KiB apart)
        /// a one-thread TrainStep(64) took about 3% less time (docs/benchmarks.md).
        /// </summary>
        public static bool CopiesColumns(int inputs, int dStride) => inputs >= 64 && (dStride * 4) % 512 == 0;

        /// <summary>A weight-gradient part split over inputs starts at a multiple of this (every variant's input tile).</summary>
        public static int InputGranularity => Width.Wide.GradientInputs;

        /// <summary>
        /// The panels a weight-gradient part may be given start at a multiple of this (the widest variant's panel group), so
        /// every variant's groups fall whole into one part.
        /// </summary>
        public static int PanelGranularity => Width.Wide.GradientGroup;

        /// <summary>
        /// One variant of <see cref="WeightGradient"/> for the panels from <paramref name="first"/> (a multiple of
        /// <see cref="PanelGranularity"/>) to <paramref name="end"/>, both names of ints in scope: a group of panels runs in
        /// the part its first panel belongs to.
        /// </summary>
        internal static void WeightGradientVariant(SourceWriter w, Width v, int weights, int n, int m, string x, string xStride, string d, int dStride, string first, string end, string? inputFirst = null, string? inputEnd = null, bool blocked = false, bool copyColumns = false)
        {
            foreach (var (start, count, loop) in Groups(Panels(m), v.GradientGroup, m % 16 != 0))
            {
                string g = loop ? "pg" : I(start);
                OpenGroup(w, start, count, loop, v.GradientGroup, first, end);

                int panels = loop ? v.GradientGroup : count;
                // Where the kernel reads d: d itself, or the group's columns copied row after row (see CopiesColumns).
                bool copied = copyColumns && loop && !blocked;
                string source = copied ? "dc" : d;
                int sourceStride = copied ? panels * 16 : dStride;
                if (copied)
                {
                    int width = sourceStride;
                    w.Line($"// The group's {I(width)} columns of {d}, row after row: {d}'s rows are {I(dStride * 4)} bytes apart, and as a column they would");
                    w.Line("// fall into a few cache sets and evict each other between input tiles. Same values, same chains.");
                    w.Line($"ref float dc = ref Data(GradientColumns(rows * {I(width)}));");
                    w.Open("for (int r = 0; r < rows; r++)");
                    w.Open($"for (int c = 0; c < {I(width)}; c += 8)");
                    w.Line($"Store8(Load8(ref {d}, (r * {I(dStride)}) + {Affine(0, g, 16)} + c), ref dc, (r * {I(width)}) + c);");
                    w.Close();
                    w.Close();
                    w.Line();
                }

                foreach (var (kStart, kCount, kLoop) in Groups(n, v.GradientInputs, false))
                {
                    string k = kLoop ? "k" : I(kStart);
                    if (inputFirst is not null && inputEnd is not null)
                    {
                        w.Open(kLoop
                            ? $"for (int k = {inputFirst}, kStop = global::System.Math.Min({inputEnd}, {I(kCount)}); k < kStop; k += {I(v.GradientInputs)})"
                            : $"if ({inputFirst} <= {I(kStart)} && {I(kStart)} < {inputEnd})");
                    }
                    else if (kLoop)
                    {
                        w.Open($"for (int k = 0; k < {I(kCount)}; k += {I(v.GradientInputs)})");
                    }
                    else
                    {
                        w.Open();
                    }

                    int ks = kLoop ? v.GradientInputs : kCount;
                    var accs = new List<string>();
                    for (int kk = 0; kk < ks; kk++)
                    {
                        for (int c = 0; c < panels; c++)
                        {
                            for (int h = 0; h < v.Subs; h++)
                            {
                                accs.Add(Acc(kk, c, h, v));
                            }
                        }
                    }

                    // Where each accumulator's weights live: panel (g + c), input (k + kk): weights + (g + c) * n * 16 + (k + kk) * 16 + h * 8.
                    string At(int kk, int c, int h)
                    {
                        int fixedPart = weights + (c * n * 16) + (kk * 16) + (h * 8);
                        return kLoop ? $"{Affine(fixedPart, g, n * 16)} + (k * 16)" : Affine(fixedPart + (kStart * 16), g, n * 16);
                    }

                    if (blocked)
                    {
                        var inits = new List<string>();
                        for (int kk = 0; kk < ks; kk++)
                        {
                            for (int c = 0; c < panels; c++)
                            {
                                for (int h = 0; h < v.Subs; h++)
                                {
                                    inits.Add($"var {Acc(kk, c, h, v)} = r0 == 0 ? Zero{v.S}() : Load{v.S}(ref g, {At(kk, c, h)});");
                                }
                            }
                        }

                        foreach (var line in inits)
                        {
                            w.Line(line);
                        }

                        w.Open("for (int r = r0; r < r1; r++)");
                    }
                    else
                    {
                        w.Line(string.Join(" ", accs.Select(a => $"var {a} = Zero{v.S}();")));
                        w.Open("for (int r = 0; r < rows; r++)");
                    }

                    w.Line($"int dr = r * {I(sourceStride)};");
                    w.Line($"int xr = (r * {xStride}) + {k};");
                    for (int c = 0; c < panels; c++)
                    {
                        for (int h = 0; h < v.Subs; h++)
                        {
                            int valid = Valid(m, loop ? -1 : start + c, h, v);
                            string lane = copied ? I((c * 16) + (h * 8)) : Affine(0, g, 16, (c * 16) + (h * 8));
                            string at = lane == "0" ? "dr" : $"dr + {lane}";
                            w.Line(valid == v.Lanes ? $"var d{I(c)}{v.Sub(h)} = Load{v.S}(ref {source}, {at});" : valid <= 0 ? $"var d{I(c)}{v.Sub(h)} = Zero{v.S}();" : $"var d{I(c)}{v.Sub(h)} = LoadMasked{v.S}(ref {source}, {at}, {I(valid)});");
                        }
                    }

                    for (int kk = 0; kk < ks; kk++)
                    {
                        var fmas = new List<string> { $"var x{I(kk)} = Splat{v.S}(ref {x}, {Plus("xr", kk)});" };
                        for (int c = 0; c < panels; c++)
                        {
                            for (int h = 0; h < v.Subs; h++)
                            {
                                fmas.Add($"{Acc(kk, c, h, v)} = Fma{v.S}(d{I(c)}{v.Sub(h)}, x{I(kk)}, {Acc(kk, c, h, v)});");
                            }
                        }

                        w.Line(string.Join(" ", fmas));
                    }

                    w.Close();
                    for (int kk = 0; kk < ks; kk++)
                    {
                        for (int c = 0; c < panels; c++)
                        {
                            for (int h = 0; h < v.Subs; h++)
                            {
                                // Panel (g + c), input (k + kk): weights + (g + c) * n * 16 + (k + kk) * 16 + h * 8.
                                w.Line($"Store{v.S}({Acc(kk, c, h, v)}, ref g, {At(kk, c, h)});");
                            }
                        }
                    }

                    w.Close();
                }

                w.Close();
            }
        }

        /// <summary>
        /// Bias gradients: <c>db[j] = sum over rows of d[r, j]</c>, rows in order, 8 outputs at a time (lanes past the last
        /// output read as 0), written into <c>g</c>.
        /// </summary>
        public static void BiasGradient(SourceWriter w, int bias, int outputs, string d, int dStride)
        {
            w.Open($"for (int j = 0; j < {I(Panels(outputs) * 16)}; j += 8)");
            w.Line("var sum = Zero8();");
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"sum += LoadMasked8(ref {d}, (r * {I(dStride)}) + j, {I(outputs)} - j);");
            w.Close();
            w.Line($"Store8(sum, ref g, {Plus(I(bias), 0)} + j);");
            w.Close();
        }

        /// <summary>
        /// The body of an input-gradient part on weights transposed into <c>p</c> (panels of 16 inputs, each output's 16
        /// weights): the forward kernel with the outputs as its inputs, <c>e[r, k] = sum over j, in order, of d[r, j] * W[j, k]</c>,
        /// one chain of fused multiply-adds per (row, input) and no horizontal sums; rows of <c>d</c> and <c>e</c> in blocks of
        /// <paramref name="block"/>, then one by one. The bits of a row depend on nothing but the row.
        /// </summary>
        public static void TransposedProduct(SourceWriter w, int outputs, int inputs, int dStride, int eStride, int block)
        {
            w.Line("int e0 = 0;");
            foreach (int rowsAtOnce in new[] { block, 1 })
            {
                w.Open(rowsAtOnce == 1 ? "for (; e0 < rows; e0++)" : $"for (; e0 + {I(rowsAtOnce)} <= rows; e0 += {I(rowsAtOnce)})");
                var srcs = Enumerable.Range(0, rowsAtOnce).Select(i => "s" + I(i)).ToArray();
                var dsts = Enumerable.Range(0, rowsAtOnce).Select(i => "t" + I(i)).ToArray();
                for (int i = 0; i < rowsAtOnce; i++)
                {
                    w.Line($"ref float {srcs[i]} = ref At(ref d, (e0 + {I(i)}) * {I(dStride)});");
                    w.Line($"ref float {dsts[i]} = ref At(ref e, (e0 + {I(i)}) * {I(eStride)});");
                }

                Forward(w, 0, outputs, inputs, srcs, lastPanelApart: false, (width, accs, row, panel) =>
                {
                    for (int h = 0; h < accs.Length; h++)
                    {
                        w.Line($"Store{width.S}({accs[h]}, ref {dsts[row]}, {(h == 0 ? panel.Lane : Plus(panel.Lane, 8))});");
                    }
                });
                w.Close();
                w.Line();
            }
        }

        /// <summary>
        /// Input gradients: <c>dx[r, k] = sum over outputs j of d[r, j] * W[j, k]</c>: per 16-output panel a fused multiply-add
        /// into 16 lanes, panels in order, then the lanes summed in <c>Sum16</c>'s fixed order. Lanes of <paramref name="d"/>
        /// past the last output read as 0.
        /// </summary>
        public static void InputGradient(SourceWriter w, int weights, int inputs, int outputs, string d, int dStride, string dx, int dxStride)
        {
            w.Open("if (Wide)");
            InputGradientVariant(w, Width.Wide, weights, inputs, outputs, d, dStride, dx, dxStride);
            w.Close();
            w.Open("else");
            InputGradientVariant(w, Width.Narrow, weights, inputs, outputs, d, dStride, dx, dxStride);
            w.Close();
        }

        internal static void InputGradientVariant(SourceWriter w, Width v, int weights, int n, int m, string d, int dStride, string dx, int dxStride)
        {
            int panels = Panels(m);
            w.Open("for (int r = 0; r < rows; r++)");
            w.Line($"int dr = r * {I(dStride)};");
            foreach (var (kStart, kCount, kLoop) in Groups(n, v.InputGradientInputs, false))
            {
                string k = kLoop ? "k" : I(kStart);
                if (kLoop)
                {
                    w.Open($"for (int k = 0; k < {I(kCount)}; k += {I(v.InputGradientInputs)})");
                }
                else
                {
                    w.Open();
                }

                int ks = kLoop ? v.InputGradientInputs : kCount;
                var accs = new List<string>();
                for (int kk = 0; kk < ks; kk++)
                {
                    for (int h = 0; h < v.Subs; h++)
                    {
                        accs.Add(Acc(kk, 0, h, v));
                    }
                }

                w.Line(string.Join(" ", accs.Select(a => $"var {a} = Zero{v.S}();")));
                void Panel(string q, int valid)
                {
                    w.Line($"ref float wq = ref At(ref p, {Affine(weights, q, n * 16)});");
                    for (int h = 0; h < v.Subs; h++)
                    {
                        int lanes = Math.Min(v.Lanes, Math.Max(0, valid - (h * 8)));
                        string at = $"dr + ({q} * 16){(h == 0 ? string.Empty : " + 8")}";
                        w.Line(lanes == v.Lanes ? $"var dq{v.Sub(h)} = Load{v.S}(ref {d}, {at});" : lanes == 0 ? $"var dq{v.Sub(h)} = Zero{v.S}();" : $"var dq{v.Sub(h)} = LoadMasked{v.S}(ref {d}, {at}, {I(lanes)});");
                    }

                    for (int kk = 0; kk < ks; kk++)
                    {
                        var fmas = new List<string>();
                        for (int h = 0; h < v.Subs; h++)
                        {
                            fmas.Add($"{Acc(kk, 0, h, v)} = Fma{v.S}(Load{v.S}(ref wq, ({k} * 16) + {I((kk * 16) + (h * 8))}), dq{v.Sub(h)}, {Acc(kk, 0, h, v)});");
                        }

                        w.Line(string.Join(" ", fmas));
                    }
                }

                int whole = m % 16 == 0 ? panels : panels - 1;
                if (whole > 0)
                {
                    w.Open($"for (int q = 0; q < {I(whole)}; q++)");
                    Panel("q", 16);
                    w.Close();
                }

                if (whole < panels)
                {
                    w.Open();
                    Panel(I(whole), m % 16);
                    w.Close();
                }

                for (int kk = 0; kk < ks; kk++)
                {
                    string sum = v.Subs == 1 ? $"Sum16({Acc(kk, 0, 0, v)})" : $"Sum16({Acc(kk, 0, 0, v)}, {Acc(kk, 0, 1, v)})";
                    w.Line($"At(ref {dx}, (r * {I(dxStride)}) + {Plus(k, kk)}) = {sum};");
                }

                w.Close();
            }

            w.Close();
        }

        /// <summary>
        /// Opens a group of panels from <see cref="Groups"/>: the loop over whole groups (<c>pg</c> from 0, or over
        /// <c>[first, min(end, count))</c> with a range), or a constant group, which with a range runs only in the part its
        /// first panel belongs to.
        /// </summary>
        private static void OpenGroup(SourceWriter w, int start, int count, bool loop, int group, string? first, string? end)
        {
            if (loop)
            {
                w.Open(first is null
                    ? $"for (int pg = 0; pg < {I(count)}; pg += {I(group)})"
                    : $"for (int pg = {first}, pgEnd = global::System.Math.Min({end}, {I(count)}); pg < pgEnd; pg += {I(group)})");
            }
            else
            {
                w.Open($"if ({first} <= {I(start)} && {I(start)} < {end})");
            }
        }

        /// <summary>Panels of 16 for <paramref name="outputs"/> outputs.</summary>
        public static int Panels(int outputs) => (outputs + 15) / 16;

        /// <summary>
        /// Splits <paramref name="total"/> items into groups of <paramref name="size"/>: a loop over the whole groups (its
        /// count of items), then constant groups for the rest; with <paramref name="lastApart"/>, the last item always in a
        /// constant group.
        /// </summary>
        private static IEnumerable<(int Start, int Count, bool Loop)> Groups(int total, int size, bool lastApart)
        {
            int loopable = lastApart ? total - 1 : total;
            int whole = loopable / size;
            int start = 0;
            if (whole >= 2)
            {
                yield return (0, whole * size, true);
                start = whole * size;
            }

            while (start < total)
            {
                int count = Math.Min(size, total - start);
                yield return (start, count, false);
                start += count;
            }
        }

        private static int Valid(int outputs, int panel, int h, Width v)
        {
            if (panel < 0 || panel < Panels(outputs) - 1 || outputs % 16 == 0)
            {
                return v.Lanes;
            }

            return Math.Min(v.Lanes, Math.Max(0, (outputs % 16) - (h * 8)));
        }

        private static string Acc(int row, int panel, int h, Width v) => $"a{I(row)}_{I(panel)}{v.Sub(h)}";

        /// <summary><c>offset + g * factor + extra</c>, folded when <paramref name="g"/> is a number.</summary>
        private static string Affine(int offset, string g, int factor, int extra = 0)
        {
            if (int.TryParse(g, out int constant))
            {
                return I(offset + (constant * factor) + extra);
            }

            string term = factor == 1 ? g : $"({g} * {I(factor)})";
            int c = offset + extra;
            return c == 0 ? term : $"{I(c)} + {term}";
        }

        /// <summary><c>expression + constant</c>, folded when the expression is a number.</summary>
        internal static string Plus(string expression, int constant)
        {
            if (int.TryParse(expression, out int value))
            {
                return I(value + constant);
            }

            return constant == 0 ? expression : $"{expression} + {I(constant)}";
        }
    }
}
