using System;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// The generated pooling (eight outputs of a row at a time, branch-free max) against the rule written one output at a
    /// time, bit for bit, on inputs full of ties between +0 and -0, infinities and NaNs with distinct payloads: the first
    /// largest value of each window in reading order, NaN (the first one's bits) from the first NaN on; the average as
    /// the sum from 0 in window order divided by the window's size. Rows of 9 and 10 outputs cover a full group of eight
    /// and a partial one, strides 1 and 2.
    /// </summary>
    public class PoolingTests
    {
        private static readonly float[] Values =
        {
            0f, -0f, 1f, -1f, 0.5f, float.PositiveInfinity, float.NegativeInfinity,
            BitConverter.Int32BitsToSingle(0x7FC00001), BitConverter.Int32BitsToSingle(0x7FC00002), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00003)),
        };

        [Theory]
        [InlineData("PoolMaxStride2", 2, 18, 2, 2, true)]
        [InlineData("PoolMaxStride1", 1, 12, 3, 1, true)]
        [InlineData("PoolAvgStride2", 2, 18, 2, 2, false)]
        public void PoolingMatchesTheOneAtATimeRuleBitForBit(string name, int channels, int size, int window, int stride, bool max)
        {
            var model = OnnxTests.Create(name);
            int outSize = ((size - window) / stride) + 1;
            const int rows = 5;
            var rng = new DeterministicRandom(3);
            var x = new float[rows * model.InputLength];
            for (int i = 0; i < x.Length; i++)
            {
                // Mostly the special values, so most windows hold ties, infinities or NaNs.
                x[i] = rng.NextDouble() < 0.7 ? Values[rng.NextInt(Values.Length)] : rng.NextUniform(-2f, 2f);
            }

            var batch = new float[rows * model.OutputLength];
            model.PredictBatch(x, batch);
            var one = new float[model.OutputLength];
            for (int r = 0; r < rows; r++)
            {
                model.Predict(x.AsSpan(r * model.InputLength, model.InputLength), one);
                for (int c = 0; c < channels; c++)
                {
                    for (int i = 0; i < outSize; i++)
                    {
                        for (int j = 0; j < outSize; j++)
                        {
                            int at = (r * model.InputLength) + (c * size * size) + (i * stride * size) + (j * stride);
                            float z = max ? x[at] : 0f;
                            for (int u = 0; u < window; u++)
                            {
                                for (int v = 0; v < window; v++)
                                {
                                    float value = x[at + (u * size) + v];
                                    if (!max)
                                    {
                                        z += value;
                                    }
                                    else if (value > z || (float.IsNaN(value) && !float.IsNaN(z)))
                                    {
                                        z = value;
                                    }
                                }
                            }

                            if (!max)
                            {
                                z /= window * window;
                            }

                            int o = (c * outSize * outSize) + (i * outSize) + j;
                            Assert.True(
                                BitConverter.SingleToInt32Bits(z) == BitConverter.SingleToInt32Bits(one[o])
                                && BitConverter.SingleToInt32Bits(z) == BitConverter.SingleToInt32Bits(batch[(r * model.OutputLength) + o]),
                                $"{name}, row {r}, channel {c}, output ({i}, {j}): expected {BitConverter.SingleToInt32Bits(z):X8}, Predict {BitConverter.SingleToInt32Bits(one[o]):X8}, PredictBatch {BitConverter.SingleToInt32Bits(batch[(r * model.OutputLength) + o]):X8}");
                        }
                    }
                }
            }
        }
    }
}

namespace ModelGen.Tests.Models
{
    /// <summary>2 x 2 max pooling, stride 2, rows of 9 outputs.</summary>
    [Model, Input(2, 18, 18), MaxPool2D(2)]
    public partial class PoolMaxStride2
    {
    }

    /// <summary>3 x 3 max pooling, stride 1, rows of 10 outputs.</summary>
    [Model, Input(1, 12, 12), MaxPool2D(3, Stride = 1)]
    public partial class PoolMaxStride1
    {
    }

    /// <summary>2 x 2 average pooling, stride 2, rows of 9 outputs.</summary>
    [Model, Input(2, 18, 18), AvgPool2D(2)]
    public partial class PoolAvgStride2
    {
    }
}
