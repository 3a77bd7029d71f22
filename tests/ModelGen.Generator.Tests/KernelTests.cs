using System;
using System.Linq;
using System.Text;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Emit.Kernels;
using Xunit;

namespace ModelGen.Generator.Tests
{
    /// <summary>
    /// The dense kernel on its own: for many input lengths, the code it emits for one row, for a row written out without
    /// loops, and for a block of rows is compiled and run; every row of a block and the unrolled row must give the one-row
    /// code's bits. The reduction order of an output is one fact of the kernel, whichever form it is emitted in.
    /// </summary>
    public class KernelTests
    {
        private static readonly int[] Lengths = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 63, 64, 65, 96, 100, 127, 128, 129, 257, 300 };

        private const int Outputs = 5;
        private const int Rows = 4;

        [Fact]
        public void EveryRowOfABlockAndTheUnrolledRowHaveTheOneRowBits()
        {
            var sb = new StringBuilder("using static global::ModelGen.GeneratedCodeSupport;\npublic static class K\n{\n");
            foreach (int n in Lengths)
            {
                var w = new SourceWriter();
                w.Open($"public static void Row{n}(float[] parameters, float[] input, float[] output)");
                w.Line("ref float p = ref Data(parameters);");
                w.Line("ref float x = ref Data(input);");
                w.Line("ref float y = ref Data(output);");
                DenseKernel.Outputs(w, 0, n, Outputs, "x", (z, j) => w.Line($"At(ref y, {j}) = {z};"));
                w.Close();
                w.Open($"public static void Unrolled{n}(float[] parameters, float[] input, float[] output)");
                w.Line("ref float p = ref Data(parameters);");
                w.Line("ref float x = ref Data(input);");
                w.Line("ref float y = ref Data(output);");
                DenseKernel.OutputsUnrolled(w, 0, n, Outputs, "x", (z, j) => w.Line($"At(ref y, {j}) = {z};"));
                w.Close();
                w.Open($"public static void Block{n}(float[] parameters, float[] input, float[] output)");
                w.Line("ref float p = ref Data(parameters);");
                w.Line("ref float y = ref Data(output);");
                for (int k = 0; k < Rows; k++)
                {
                    w.Line($"ref float x{k} = ref At(ref Data(input), {k * n});");
                }

                DenseKernel.OutputsForRows(w, 0, n, Outputs, Enumerable.Range(0, Rows).Select(k => "x" + k).ToArray(), (zs, j) =>
                {
                    for (int k = 0; k < zs.Length; k++)
                    {
                        w.Line($"At(ref y, {k * Outputs} + {j}) = {zs[k]};");
                    }
                });
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
                float[] hostile = { 1e30f, -1e30f, 1e-30f, 3.4e38f, float.Epsilon, -0f };
                foreach (int n in Lengths)
                {
                    for (int trial = 0; trial < 20; trial++)
                    {
                        var parameters = Enumerable.Range(0, n * Outputs).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
                        var input = Enumerable.Range(0, Rows * n).Select(i => trial % 4 == 3 && i % 5 == 0 ? hostile[rng.NextInt(hostile.Length)] : rng.NextUniform(-2f, 2f) * (1 << rng.NextInt(20))).ToArray();
                        var block = new float[Rows * Outputs];
                        type.GetMethod("Block" + n)!.Invoke(null, new object[] { parameters, input, block });
                        for (int k = 0; k < Rows; k++)
                        {
                            var row = new float[Outputs];
                            var unrolled = new float[Outputs];
                            var x = input.AsSpan(k * n, n).ToArray();
                            type.GetMethod("Row" + n)!.Invoke(null, new object[] { parameters, x, row });
                            type.GetMethod("Unrolled" + n)!.Invoke(null, new object[] { parameters, x, unrolled });
                            Assert.True(Same(row, block.AsSpan(k * Outputs, Outputs)), $"n = {n}, row {k} of the block");
                            Assert.True(Same(row, unrolled), $"n = {n}, unrolled");
                        }
                    }
                }
            }
            finally
            {
                context.Unload();
            }
        }

        private static bool Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                {
                    return false;
                }
            }

            return a.Length == b.Length;
        }
    }
}
