using static ModelGen.Generator.Emit.SourceWriter;

namespace ModelGen.Generator.Emit.Kernels
{
    /// <summary>Small facts and helpers shared by the element-wise kernels (the optimizer's vector loops).</summary>
    internal static class VectorKernel
    {
        /// <summary>The vector width of the element-wise loops in floats (Vector256&lt;float&gt;).</summary>
        public const int Lanes = 8;

        /// <summary>An index expression <c>offset + j</c>, folded when <paramref name="j"/> is a number.</summary>
        public static string Index(int offset, string j)
        {
            if (int.TryParse(j, out int k))
            {
                return I(offset + k);
            }

            return offset == 0 ? j : $"{I(offset)} + {j}";
        }
    }
}
