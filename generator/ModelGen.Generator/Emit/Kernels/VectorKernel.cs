using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Kernels
{
    /// <summary>
    /// Emits the vector loops the kernels are made of: dot products and scaled additions over a constant length, blocked
    /// for 8-float vectors with the remainder written out explicitly. The reduction order depends only on the length,
    /// which is a constant, so it is the same for every sample, batch size and batch position; a block of rows runs
    /// each row's operations exactly as one row does (<see cref="DotBlock"/> with one row is <see cref="Dot"/>).
    /// </summary>
    internal static class VectorKernel
    {
        /// <summary>The vector width in floats (Vector256&lt;float&gt;).</summary>
        public const int Lanes = 8;

        /// <summary>
        /// Declares <c>float {result}</c> = sum over i &lt; n of w[i] * x[i], where <paramref name="wRef"/> and
        /// <paramref name="xRef"/> name <c>ref float</c> locals. Up to four vector accumulators take 8-float chunks in
        /// turn; they are combined pairwise, summed horizontally in a fixed order, and the tail is added in index order.
        /// Multiply and add are separate operations (no FMA), so every platform computes the same bits.
        /// </summary>
        public static void Dot(SourceWriter w, string result, string wRef, string xRef, int n) =>
            DotBlock(w, new[] { result }, wRef, new[] { xRef }, n);

        /// <summary>
        /// The same dot product for several rows at once against one weight row: each weight chunk is loaded once and
        /// multiplied into every row's accumulators. Each row's accumulators, combination and tail are exactly those of
        /// <see cref="Dot"/>, so each row's result has the same bits as a one-row call.
        /// </summary>
        public static void DotBlock(SourceWriter w, string[] results, string wRef, string[] xRefs, int n)
        {
            int chunks = n / Lanes;
            int tail = n % Lanes;
            string Acc(int row, int a) => results.Length == 1 ? $"acc{a}" : $"acc{row}{a}";
            if (chunks == 0)
            {
                for (int k = 0; k < results.Length; k++)
                {
                    string sum = Term(wRef, xRefs[k], 0);
                    for (int i = 1; i < n; i++)
                    {
                        sum += " + " + Term(wRef, xRefs[k], i);
                    }

                    w.Line($"float {results[k]} = {sum};");
                }

                return;
            }

            int accumulators = chunks < 4 ? chunks : 4;
            int loops = chunks / accumulators;
            int rest = chunks % accumulators;
            for (int k = 0; k < results.Length; k++)
            {
                for (int a = 0; a < accumulators; a++)
                {
                    w.Line($"var {Acc(k, a)} = Zero8();");
                }
            }

            void Step(string at, int a, string chunk)
            {
                if (results.Length == 1)
                {
                    w.Line($"{Acc(0, a)} += Load8(ref {wRef}, {at}) * Load8(ref {xRefs[0]}, {at});");
                    return;
                }

                w.Line($"var {chunk} = Load8(ref {wRef}, {at});");
                for (int k = 0; k < results.Length; k++)
                {
                    w.Line($"{Acc(k, a)} += {chunk} * Load8(ref {xRefs[k]}, {at});");
                }
            }

            int step = accumulators * Lanes;
            if (loops == 1)
            {
                for (int a = 0; a < accumulators; a++)
                {
                    Step(I(a * Lanes), a, $"w{a}");
                }
            }
            else
            {
                w.Open($"for (int i = 0; i < {I(loops * step)}; i += {I(step)})");
                for (int a = 0; a < accumulators; a++)
                {
                    Step(a == 0 ? "i" : $"i + {I(a * Lanes)}", a, $"w{a}");
                }

                w.Close();
            }

            for (int r = 0; r < rest; r++)
            {
                Step(I((loops * step) + (r * Lanes)), r, $"wRest{r}");
            }

            for (int k = 0; k < results.Length; k++)
            {
                string combined = accumulators switch
                {
                    1 => Acc(k, 0),
                    2 => $"{Acc(k, 0)} + {Acc(k, 1)}",
                    3 => $"({Acc(k, 0)} + {Acc(k, 1)}) + {Acc(k, 2)}",
                    _ => $"({Acc(k, 0)} + {Acc(k, 1)}) + ({Acc(k, 2)} + {Acc(k, 3)})",
                };
                w.Line($"float {results[k]} = Sum8({combined});");
                for (int t = 0; t < tail; t++)
                {
                    w.Line($"{results[k]} += {Term(wRef, xRefs[k], (chunks * Lanes) + t)};");
                }
            }
        }

        /// <summary>Emits y[i] += a * x[i] for i &lt; n (vector main part, then the explicit tail).</summary>
        public static void AddScaled(SourceWriter w, string a, string xRef, string yRef, int n, bool declareSplat = true)
        {
            int chunks = n / Lanes;
            int tail = n % Lanes;
            if (chunks > 0)
            {
                if (declareSplat)
                {
                    w.Line($"var {a}8 = Splat8({a});");
                }

                if (chunks == 1)
                {
                    w.Line($"Store8(Load8(ref {yRef}, 0) + ({a}8 * Load8(ref {xRef}, 0)), ref {yRef}, 0);");
                }
                else
                {
                    w.Open($"for (int i = 0; i < {I(chunks * Lanes)}; i += {I(Lanes)})");
                    w.Line($"Store8(Load8(ref {yRef}, i) + ({a}8 * Load8(ref {xRef}, i)), ref {yRef}, i);");
                    w.Close();
                }
            }

            for (int t = 0; t < tail; t++)
            {
                int i = (chunks * Lanes) + t;
                w.Line($"At(ref {yRef}, {I(i)}) += {a} * At(ref {xRef}, {I(i)});");
            }
        }

        /// <summary>
        /// Emits y[i] = (((y[i] + a0 * x0[i]) + a1 * x1[i]) + ...): the scaled additions of several rows into one row,
        /// with y loaded and stored once per chunk. Each element is accumulated in row order, exactly as a sequence of
        /// <see cref="AddScaled"/> calls would, so the bits are the same.
        /// </summary>
        public static void AddScaledRows(SourceWriter w, string[] a, string[] xRefs, string yRef, int n)
        {
            int chunks = n / Lanes;
            int tail = n % Lanes;
            if (chunks > 0)
            {
                for (int k = 0; k < a.Length; k++)
                {
                    w.Line($"var {a[k]}8 = Splat8({a[k]});");
                }

                string sum = $"Load8(ref {yRef}, i)";
                for (int k = 0; k < a.Length; k++)
                {
                    sum = $"({sum} + ({a[k]}8 * Load8(ref {xRefs[k]}, i)))";
                }

                w.Open($"for (int i = 0; i < {I(chunks * Lanes)}; i += {I(Lanes)})");
                w.Line($"Store8({sum}, ref {yRef}, i);");
                w.Close();
            }

            for (int t = 0; t < tail; t++)
            {
                int i = (chunks * Lanes) + t;
                for (int k = 0; k < a.Length; k++)
                {
                    w.Line($"At(ref {yRef}, {I(i)}) += {a[k]} * At(ref {xRefs[k]}, {I(i)});");
                }
            }
        }

        /// <summary>
        /// Emits y_k[i] += a_k * x[i] for several rows k against one shared row x (loaded once per chunk); per element
        /// the same operation as <see cref="AddScaled"/>.
        /// </summary>
        public static void AddScaledShared(SourceWriter w, string[] a, string xRef, string[] yRefs, int n)
        {
            int chunks = n / Lanes;
            int tail = n % Lanes;
            if (chunks > 0)
            {
                w.Open($"for (int i = 0; i < {I(chunks * Lanes)}; i += {I(Lanes)})");
                w.Line($"var xv = Load8(ref {xRef}, i);");
                for (int k = 0; k < a.Length; k++)
                {
                    w.Line($"Store8(Load8(ref {yRefs[k]}, i) + ({a[k]}8 * xv), ref {yRefs[k]}, i);");
                }

                w.Close();
            }

            for (int t = 0; t < tail; t++)
            {
                int i = (chunks * Lanes) + t;
                for (int k = 0; k < a.Length; k++)
                {
                    w.Line($"At(ref {yRefs[k]}, {I(i)}) += {a[k]} * At(ref {xRef}, {I(i)});");
                }
            }
        }

        /// <summary>An index expression <c>offset + j</c>, folded when <paramref name="j"/> is a number.</summary>
        public static string Index(int offset, string j)
        {
            if (int.TryParse(j, out int k))
            {
                return I(offset + k);
            }

            return offset == 0 ? j : $"{I(offset)} + {j}";
        }

        private static string Term(string wRef, string xRef, int i) => $"(At(ref {wRef}, {I(i)}) * At(ref {xRef}, {I(i)}))";
    }
}
