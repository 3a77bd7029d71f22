using System;
using System.Linq;
using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Kernels
{
    /// <summary>
    /// The dense arithmetic, emitted in one place for inference (one row and blocks of rows), batch-mode inference and
    /// training (forward and backward). Weights are row-major <c>[outputs, inputs]</c> in the parameter buffer <c>p</c>,
    /// so output <c>j</c> is the dot product of weight row <c>j</c> with the input row (<see cref="VectorKernel.Dot"/>).
    /// Every caller computes an output's sum with the same <see cref="VectorKernel.DotBlock"/> scheme, so the reduction
    /// order of an output is one fact: it depends on the input length only, never on the caller, the row or the block.
    /// </summary>
    internal static class DenseKernel
    {
        /// <summary>Whether blocks of rows share weight loads (the input is at least one vector long).</summary>
        public static bool SharesLoads(int inputs) => inputs >= VectorKernel.Lanes;

        /// <summary>Whether one row's outputs are written out one by one, without loops (fewer than 8 inputs, at most 64 weights).</summary>
        public static bool Unrolls(int inputs, int outputs) => inputs < VectorKernel.Lanes && inputs * outputs <= 64;

        /// <summary>
        /// For each output <c>j</c> of one row: <c>float z</c> = weight row <c>j</c> . <paramref name="x"/>, then
        /// <paramref name="epilogue"/>(<c>"z"</c>, <c>j</c>) writes the bias, fused operations and the store.
        /// </summary>
        public static void Outputs(SourceWriter w, int weightOffset, int inputs, int outputs, string x, Action<string, string> epilogue)
        {
            w.Open($"for (int j = 0; j < {I(outputs)}; j++)");
            w.Line($"ref float w = ref At(ref p, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
            VectorKernel.Dot(w, "z", "w", x, inputs);
            epilogue("z", "j");
            w.Close();
        }

        /// <summary>The same outputs written out one by one (see <see cref="Unrolls"/>), each in its own block.</summary>
        public static void OutputsUnrolled(SourceWriter w, int weightOffset, int inputs, int outputs, string x, Action<string, string> epilogue)
        {
            for (int j = 0; j < outputs; j++)
            {
                string jj = I(j);
                w.Line($"// Output {jj}, fully unrolled.");
                w.Open();
                w.Line($"ref float w = ref At(ref p, {I(weightOffset + (j * inputs))});");
                VectorKernel.Dot(w, "z", "w", x, inputs);
                epilogue("z", jj);
                w.Close();
            }
        }

        /// <summary>
        /// For each output <c>j</c> of several rows <paramref name="xs"/>: each weight chunk loaded once for all rows, each
        /// row's sum computed exactly as <see cref="Outputs"/> computes it; then <paramref name="epilogue"/>(sums, <c>j</c>).
        /// </summary>
        public static void OutputsForRows(SourceWriter w, int weightOffset, int inputs, int outputs, string[] xs, Action<string[], string> epilogue)
        {
            w.Open($"for (int j = 0; j < {I(outputs)}; j++)");
            w.Line($"ref float w = ref At(ref p, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
            var zs = Enumerable.Range(0, xs.Length).Select(k => "z" + I(k)).ToArray();
            VectorKernel.DotBlock(w, zs, "w", xs, inputs);
            epilogue(zs, "j");
            w.Close();
        }

        /// <summary>
        /// Training forward over <c>rows</c> rows: <c>y[r, j] = W[j, :] . x[r, :] (+ b[j])</c>, in blocks of
        /// <paramref name="block"/> rows sharing weight loads when <see cref="SharesLoads"/>, the remaining rows one by one.
        /// </summary>
        public static void ForwardRows(SourceWriter w, int weightOffset, int? biasOffset, int inputs, int outputs, string x, string y, int block)
        {
            w.Open();
            w.Line("int r = 0;");
            if (SharesLoads(inputs))
            {
                w.Open($"for (; r + {I(block)} <= rows; r += {I(block)})");
                for (int k = 0; k < block; k++)
                {
                    w.Line($"ref float bx{I(k)} = ref At(ref {x}, (r + {I(k)}) * {I(inputs)});");
                    w.Line($"ref float by{I(k)} = ref At(ref {y}, (r + {I(k)}) * {I(outputs)});");
                }

                OutputsForRows(w, weightOffset, inputs, outputs, Enumerable.Range(0, block).Select(k => "bx" + I(k)).ToArray(), (zs, j) =>
                {
                    for (int k = 0; k < zs.Length; k++)
                    {
                        w.Line(biasOffset is { } b ? $"At(ref by{I(k)}, {j}) = {zs[k]} + At(ref p, {VectorKernel.Index(b, j)});" : $"At(ref by{I(k)}, {j}) = {zs[k]};");
                    }
                });
                w.Close();
                w.Line();
            }

            w.Open("for (; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {x}, r * {I(inputs)});");
            w.Line($"ref float yr = ref At(ref {y}, r * {I(outputs)});");
            Outputs(w, weightOffset, inputs, outputs, "xr", (z, j) =>
            {
                if (biasOffset is { } b)
                {
                    w.Line($"{z} += At(ref p, {VectorKernel.Index(b, j)});");
                }

                w.Line($"At(ref yr, {j}) = {z};");
            });
            w.Close();
            w.Close();
        }

        /// <summary>
        /// Training backward over <c>rows</c> rows from the output gradient <paramref name="d"/>: accumulates
        /// <c>dW[j, :] += d[r, j] * x[r, :]</c> and <c>db[j] += d[r, j]</c> into <c>g</c>, and when
        /// <paramref name="needInput"/> writes <c>dx[r, :] = sum over j of d[r, j] * W[j, :]</c> into <paramref name="dx"/>.
        /// Blocks of <paramref name="block"/> rows load each gradient and weight row once; every element still accumulates
        /// the rows in order, so the result does not depend on the blocking.
        /// </summary>
        public static void BackwardRows(SourceWriter w, int weightOffset, int? biasOffset, int inputs, int outputs, string x, string d, string dx, bool needInput, int block)
        {
            string Mm = "global::System.Runtime.InteropServices.MemoryMarshal";
            w.Open();
            w.Line("int r = 0;");
            if (SharesLoads(inputs))
            {
                w.Open($"for (; r + {I(block)} <= rows; r += {I(block)})");
                var ks = Enumerable.Range(0, block).Select(k => I(k)).ToArray();
                foreach (var k in ks)
                {
                    w.Line($"ref float bx{k} = ref At(ref {x}, (r + {k}) * {I(inputs)});");
                    w.Line($"ref float bd{k} = ref At(ref {d}, (r + {k}) * {I(outputs)});");
                    if (needInput)
                    {
                        w.Line($"ref float be{k} = ref At(ref {dx}, (r + {k}) * {I(inputs)});");
                        w.Line($"{Mm}.CreateSpan(ref be{k}, {I(inputs)}).Clear();");
                    }
                }

                w.Open($"for (int j = 0; j < {I(outputs)}; j++)");
                foreach (var k in ks)
                {
                    w.Line($"float dz{k} = At(ref bd{k}, j);");
                }

                if (biasOffset is { } bias)
                {
                    foreach (var k in ks)
                    {
                        w.Line($"At(ref g, {VectorKernel.Index(bias, "j")}) += dz{k};");
                    }
                }

                w.Line($"ref float gw = ref At(ref g, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
                var dzs = ks.Select(k => "dz" + k).ToArray();
                VectorKernel.AddScaledRows(w, dzs, ks.Select(k => "bx" + k).ToArray(), "gw", inputs);
                if (needInput)
                {
                    w.Line($"ref float w = ref At(ref p, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
                    VectorKernel.AddScaledShared(w, dzs, "w", ks.Select(k => "be" + k).ToArray(), inputs);
                }

                w.Close();
                w.Close();
                w.Line();
            }

            w.Open("for (; r < rows; r++)");
            w.Line($"ref float xr = ref At(ref {x}, r * {I(inputs)});");
            w.Line($"ref float dr = ref At(ref {d}, r * {I(outputs)});");
            if (needInput)
            {
                w.Line($"ref float er = ref At(ref {dx}, r * {I(inputs)});");
                w.Line($"{Mm}.CreateSpan(ref er, {I(inputs)}).Clear();");
            }

            w.Open($"for (int j = 0; j < {I(outputs)}; j++)");
            w.Line("float dz = At(ref dr, j);");
            if (biasOffset is { } b2)
            {
                w.Line($"At(ref g, {VectorKernel.Index(b2, "j")}) += dz;");
            }

            w.Line($"ref float gw = ref At(ref g, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
            VectorKernel.AddScaled(w, "dz", "xr", "gw", inputs);
            if (needInput)
            {
                w.Line($"ref float w = ref At(ref p, {VectorKernel.Index(weightOffset, $"(j * {I(inputs)})")});");
                VectorKernel.AddScaled(w, "dz", "w", "er", inputs, declareSplat: false);
            }

            w.Close();
            w.Close();
            w.Close();
        }
    }
}
