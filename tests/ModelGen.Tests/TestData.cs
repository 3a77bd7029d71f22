using System;

namespace ModelGen.Tests
{
    /// <summary>Seeded random data for tests.</summary>
    internal static class TestData
    {
        public static float[] Uniform(int count, int seed, float low = -1f, float high = 1f)
        {
            var rng = new DeterministicRandom(seed);
            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = rng.NextUniform(low, high);
            }

            return values;
        }

        /// <summary>Rows of one-hot targets (classification) or soft targets.</summary>
        public static float[] Targets(int rows, int width, int seed, bool oneHot)
        {
            var rng = new DeterministicRandom(seed);
            var t = new float[rows * width];
            for (int r = 0; r < rows; r++)
            {
                if (oneHot)
                {
                    t[(r * width) + rng.NextInt(width)] = 1f;
                }
                else
                {
                    for (int j = 0; j < width; j++)
                    {
                        t[(r * width) + j] = rng.NextSingle();
                    }
                }
            }

            return t;
        }

        public static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
