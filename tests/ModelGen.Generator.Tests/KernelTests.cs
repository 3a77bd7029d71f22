using System;
using System.Linq;
using System.Reflection;
using System.Text;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Emit.Kernels;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// The dense kernel on its own. For many shapes, the code it emits is compiled and run in both variants (512-bit, run
    /// emulated where the machine lacks it, and 256-bit), for one row and for a block of 6 rows, and compared bit for bit
    /// with a plain scalar statement of the one fact about the reduction order: output j of a row is
    /// <c>z = fma(w[j, k], x[k], z)</c> for k = 0, 1, ... from 0 (<see cref="MathF.FusedMultiplyAdd"/>). The gradient kernels
    /// (the weight gradient also with its columns copied first; the convolution's input gradient, the forward kernel on
    /// the weights <c>TransposePanels</c> transposed) are checked the same way against their scalar statements.
    /// </summary>
    public class KernelTests
    {
        private static readonly (int N, int M)[] Shapes = { (1, 1), (2, 3), (3, 17), (7, 16), (8, 31), (9, 33), (16, 8), (17, 64), (31, 65), (40, 100), (64, 10), (100, 129) };

        private const int Block = 6;

        private static readonly float[] Hostile = { 1e30f, -1e30f, 1e-30f, 3.4e38f, float.Epsilon, -0f, 1e-40f };

        [Fact]
        public void BothVariantsOfEveryKernelComputeTheScalarChainsBitForBit()
        {
            var sb = new StringBuilder("using static global::ModelGen.GeneratedCodeSupport;\npublic static class K\n{\n");
            foreach (var (n, m) in Shapes)
            {
                foreach (var (variant, width) in new[] { ("Wide", Width.Wide), ("Narrow", Width.Narrow) })
                {
                    var w = new SourceWriter();
                    foreach (int rows in new[] { 1, Block })
                    {
                        w.Open($"public static void Forward{variant}{rows}_{n}_{m}(float[] weights, float[] input, float[] output)");
                        w.Line("ref float p = ref Data(weights);");
                        var srcs = Enumerable.Range(0, rows).Select(r => "s" + r).ToArray();
                        for (int r = 0; r < rows; r++)
                        {
                            w.Line($"ref float s{r} = ref At(ref Data(input), {r * n});");
                            w.Line($"ref float d{r} = ref At(ref Data(output), {r * m});");
                        }

                        DenseKernel.ForwardVariant(w, width, 0, n, m, srcs, lastPanelApart: true, (v, accs, row, panel) =>
                        {
                            for (int h = 0; h < accs.Length; h++)
                            {
                                int valid = Math.Min(v.Lanes, Math.Max(0, panel.Valid - (h * 8)));
                                string lane = h == 0 ? panel.Lane : $"{panel.Lane} + 8";
                                w.Line(valid == v.Lanes ? $"Store{v.S}({accs[h]}, ref d{row}, {lane});" : valid > 0 ? $"StorePartial{v.S}({accs[h]}, ref d{row}, {lane}, {valid});" : "// nothing to store");
                            }
                        });
                        w.Close();
                    }

                    int stride = (m + 15) / 16 * 16;
                    w.Open($"public static void WeightGradient{variant}_{n}_{m}(float[] weights, float[] input, float[] gradients, float[] gradient, int rows, int first, int end)");
                    w.Line("ref float x = ref Data(input);");
                    w.Line("ref float dd = ref Data(gradients);");
                    w.Line("ref float g = ref Data(gradient);");
                    DenseKernel.WeightGradientVariant(w, width, 0, n, m, "x", n.ToString(), "dd", stride, "first", "end");
                    w.Close();

                    w.Open($"public static void CopiedWeightGradient{variant}_{n}_{m}(float[] weights, float[] input, float[] gradients, float[] gradient, int rows, int first, int end)");
                    w.Line("ref float x = ref Data(input);");
                    w.Line("ref float dd = ref Data(gradients);");
                    w.Line("ref float g = ref Data(gradient);");
                    DenseKernel.WeightGradientVariant(w, width, 0, n, m, "x", n.ToString(), "dd", stride, "first", "end", copyColumns: true);
                    w.Close();

                    // The convolution's form: rows in blocks of 2 (each chain continued from the stored value), inputs in a range.
                    w.Open($"public static void BlockedWeightGradient{variant}_{n}_{m}(float[] weights, float[] input, float[] gradients, float[] gradient, int rows, int kFirst, int kEnd)");
                    w.Line("ref float x = ref Data(input);");
                    w.Line("ref float dd = ref Data(gradients);");
                    w.Line("ref float g = ref Data(gradient);");
                    w.Line($"int first = 0, end = {(m + 15) / 16};");
                    w.Open("for (int r0 = 0; r0 < rows; r0 += 2)");
                    w.Line("int r1 = global::System.Math.Min(rows, r0 + 2);");
                    DenseKernel.WeightGradientVariant(w, width, 0, n, m, "x", n.ToString(), "dd", stride, "first", "end", "kFirst", "kEnd", blocked: true);
                    w.Close();
                    w.Close();
                    w.Open($"public static void InputGradient{variant}_{n}_{m}(float[] weights, float[] gradients, float[] dx, int rows)");
                    w.Line("ref float p = ref Data(weights);");
                    w.Line("ref float dd = ref Data(gradients);");
                    w.Line("ref float e = ref Data(dx);");
                    DenseKernel.InputGradientVariant(w, width, 0, n, m, "dd", stride, "e", n);
                    w.Close();
                    sb.Append(w.ToString());
                }
            }

            // The convolution's input gradient: the forward kernel over the filters, on the weights TransposePanels transposed.
            foreach (var (n, m) in Shapes)
            {
                var w = new SourceWriter();
                w.Open($"public static void TransposedProduct_{n}_{m}(float[] transposed, float[] gradients, float[] dx, int rows)");
                w.Line("ref float p = ref Data(transposed);");
                w.Line("ref float d = ref Data(gradients);");
                w.Line("ref float e = ref Data(dx);");
                DenseKernel.TransposedProduct(w, m, n, (m + 15) / 16 * 16, (n + 15) / 16 * 16, Block);
                w.Close();
                sb.Append(w.ToString());
            }

            sb.Append("}\n");
            var result = GeneratorHarness.Run(sb.ToString());
            Assert.Empty(result.CompileErrors.Select(d => d.ToString()));
            var (assembly, context) = GeneratorHarness.Load(result);
            try
            {
                var type = assembly.GetType("K")!;
                var rng = new DeterministicRandom(17);
                foreach (var (n, m) in Shapes)
                {
                    int panels = (m + 15) / 16, stride = panels * 16;
                    for (int trial = 0; trial < 6; trial++)
                    {
                        float Value() => trial % 3 == 2 && rng.NextDouble() < 0.2 ? Hostile[rng.NextInt(Hostile.Length)] : rng.NextUniform(-2f, 2f) * (1 << rng.NextInt(12));
                        var weights = new float[m, n];
                        var packed = new float[panels * n * 16];
                        for (int j = 0; j < m; j++)
                        {
                            for (int k = 0; k < n; k++)
                            {
                                weights[j, k] = Value();
                                packed[((j / 16) * n * 16) + (k * 16) + (j % 16)] = weights[j, k];
                            }
                        }

                        var input = Enumerable.Range(0, Block * n).Select(_ => Value()).ToArray();
                        var d = new float[Block * stride];
                        for (int r = 0; r < Block; r++)
                        {
                            for (int j = 0; j < stride; j++)
                            {
                                // The padding lanes hold junk, as the trainer's reused buffers can: the kernels must ignore it.
                                d[(r * stride) + j] = j < m ? Value() : float.NaN;
                            }
                        }

                        foreach (string variant in new[] { "Wide", "Narrow" })
                        {
                            var one = new float[m];
                            var block = new float[Block * m];
                            Invoke(type, $"Forward{variant}1_{n}_{m}", packed, input, one);
                            Invoke(type, $"Forward{variant}{Block}_{n}_{m}", packed, input, block);
                            for (int r = 0; r < Block; r++)
                            {
                                for (int j = 0; j < m; j++)
                                {
                                    float z = 0f;
                                    for (int k = 0; k < n; k++)
                                    {
                                        z = MathF.FusedMultiplyAdd(weights[j, k], input[(r * n) + k], z);
                                    }

                                    Assert.True(Same(z, block[(r * m) + j]), $"{variant} forward {n}x{m}, block row {r}, output {j}: {block[(r * m) + j]} vs {z}");
                                    if (r == 0)
                                    {
                                        Assert.True(Same(z, one[j]), $"{variant} forward {n}x{m}, one row, output {j}: {one[j]} vs {z}");
                                    }
                                }
                            }

                            // In two parts split at a panel group, as the trainer's threads run it; NaN marks what no part wrote.
                            var gradient = Enumerable.Repeat(float.NaN, panels * n * 16).ToArray();
                            int split = Math.Min(panels, DenseKernel.PanelGranularity);
                            Invoke(type, $"WeightGradient{variant}_{n}_{m}", packed, input, d, gradient, Block, 0, split);
                            Invoke(type, $"WeightGradient{variant}_{n}_{m}", packed, input, d, gradient, Block, split, panels);
                            for (int j = 0; j < stride; j++)
                            {
                                for (int k = 0; k < n; k++)
                                {
                                    float z = 0f;
                                    for (int r = 0; r < Block && j < m; r++)
                                    {
                                        z = MathF.FusedMultiplyAdd(d[(r * stride) + j], input[(r * n) + k], z);
                                    }

                                    Assert.True(Same(z, gradient[((j / 16) * n * 16) + (k * 16) + (j % 16)]), $"{variant} weight gradient {n}x{m}, [{j}, {k}]");
                                }
                            }

                            // Blocked over rows and split over inputs at a multiple of the input granularity, as convolutions run it.
                            var blocked = Enumerable.Repeat(float.NaN, panels * n * 16).ToArray();
                            int inputSplit = n / (2 * DenseKernel.InputGranularity) * DenseKernel.InputGranularity;
                            Invoke(type, $"BlockedWeightGradient{variant}_{n}_{m}", packed, input, d, blocked, Block, 0, inputSplit);
                            Invoke(type, $"BlockedWeightGradient{variant}_{n}_{m}", packed, input, d, blocked, Block, inputSplit, n);
                            for (int i = 0; i < gradient.Length; i++)
                            {
                                Assert.True(Same(gradient[i], blocked[i]), $"{variant} blocked weight gradient {n}x{m}, element {i}: {blocked[i]} vs {gradient[i]}");
                            }

                            var dx = new float[Block * n];
                            Invoke(type, $"InputGradient{variant}_{n}_{m}", packed, d, dx, Block);
                            for (int r = 0; r < Block; r++)
                            {
                                for (int k = 0; k < n; k++)
                                {
                                    var lanes = new float[16];
                                    for (int q = 0; q < panels; q++)
                                    {
                                        for (int l = 0; l < 16; l++)
                                        {
                                            int j = (q * 16) + l;
                                            float dj = j < m ? d[(r * stride) + j] : 0f;
                                            lanes[l] = MathF.FusedMultiplyAdd(j < m ? weights[j, k] : 0f, dj, lanes[l]);
                                        }
                                    }

                                    float expected = Sum16(lanes);
                                    Assert.True(Same(expected, dx[(r * n) + k]), $"{variant} input gradient {n}x{m}, [{r}, {k}]: {dx[(r * n) + k]} vs {expected}");
                                }
                            }

                            // With the columns of d copied row after row first (as dense layers with power-of-two strides run it).
                            var copied = Enumerable.Repeat(float.NaN, panels * n * 16).ToArray();
                            Invoke(type, $"CopiedWeightGradient{variant}_{n}_{m}", packed, input, d, copied, Block, 0, split);
                            Invoke(type, $"CopiedWeightGradient{variant}_{n}_{m}", packed, input, d, copied, Block, split, panels);
                            for (int i = 0; i < gradient.Length; i++)
                            {
                                Assert.True(Same(gradient[i], copied[i]), $"{variant} copied weight gradient {n}x{m}, element {i}: {copied[i]} vs {gradient[i]}");
                            }
                        }

                        // The convolution's input gradient, 2 blocks and 1 row (13 rows): the transposed weights hold exactly W's
                        // values (0 in the padding lanes), and each dx[r, k] is one chain over the outputs: z = fma(W[j, k], d[r, j], z).
                        var transposed = Enumerable.Repeat(float.NaN, ((n + 15) / 16 * 16) * m).ToArray();
                        global::ModelGen.GeneratedCodeSupport.TransposePanels(packed, 0, n, m, transposed);
                        for (int k = 0; k < (n + 15) / 16 * 16; k++)
                        {
                            for (int j = 0; j < m; j++)
                            {
                                float expected = k < n ? weights[j, k] : 0f;
                                Assert.True(Same(expected, transposed[((k / 16) * m * 16) + (j * 16) + (k % 16)]), $"transposed {n}x{m}, [{j}, {k}]");
                            }
                        }

                        const int Rows = (2 * Block) + 1;
                        int es = (n + 15) / 16 * 16;
                        var many = Enumerable.Range(0, Rows * stride).Select(i => i % stride < m ? Value() : float.NaN).ToArray();
                        var product = new float[Rows * es];
                        Invoke(type, $"TransposedProduct_{n}_{m}", transposed, many, product, Rows);
                        for (int r = 0; r < Rows; r++)
                        {
                            for (int k = 0; k < n; k++)
                            {
                                float z = 0f;
                                for (int j = 0; j < m; j++)
                                {
                                    z = MathF.FusedMultiplyAdd(weights[j, k], many[(r * stride) + j], z);
                                }

                                Assert.True(Same(z, product[(r * es) + k]), $"transposed product {n}x{m}, [{r}, {k}]: {product[(r * es) + k]} vs {z}");
                            }
                        }
                    }
                }
            }
            finally
            {
                context.Unload();
            }
        }

        /// <summary>Sum16's order, written out: lanes i and i + 8, then i and i + 4, then (0 + 2) + (1 + 3).</summary>
        private static float Sum16(float[] v)
        {
            var s8 = Enumerable.Range(0, 8).Select(i => v[i] + v[i + 8]).ToArray();
            var s4 = Enumerable.Range(0, 4).Select(i => s8[i] + s8[i + 4]).ToArray();
            return (s4[0] + s4[2]) + (s4[1] + s4[3]);
        }

        private static void Invoke(Type type, string name, params object[] arguments) => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments);

        private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
    }
}
