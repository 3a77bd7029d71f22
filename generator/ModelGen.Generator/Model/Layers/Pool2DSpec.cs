using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Model
{
    /// <summary>The pooling operations.</summary>
    internal enum PoolFunction
    {
        Max,
        Average,
    }

    /// <summary>
    /// 2-D pooling over each channel of a <c>[channels, height, width]</c> input without padding
    /// (<c>[MaxPool2D(size, Stride)]</c>, <c>[AvgPool2D(size, Stride)]</c>), or the mean of each channel
    /// (<c>[GlobalAvgPool]</c>, output <c>[channels]</c>).
    /// </summary>
    /// <param name="Function">Max or average.</param>
    /// <param name="Size">The window's height and width (ignored when <paramref name="Global"/>).</param>
    /// <param name="Stride">The step between windows.</param>
    /// <param name="Global">One window over the whole input.</param>
    internal sealed record Pool2DSpec(int Index, string Name, Shape Input, Shape Output, PoolFunction Function, int Size, int Stride, bool Global)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => Global ? "GlobalAvgPool" : Function == PoolFunction.Max ? "MaxPool2D" : "AvgPool2D";

        /// <summary>A producer: the output is smaller than the input, so it cannot be written over it.</summary>
        public override InferenceRole Role => InferenceRole.Producer;

        /// <summary>Input channels.</summary>
        public int Channels => Input.Rank == 3 ? Input.Dims[0] : 1;

        /// <summary>Input height.</summary>
        public int Height => Input.Rank == 3 ? Input.Dims[1] : 1;

        /// <summary>Input width.</summary>
        public int Width => Input.Rank == 3 ? Input.Dims[2] : 1;

        /// <summary>The window's height.</summary>
        public int WindowHeight => Global ? Height : Size;

        /// <summary>The window's width.</summary>
        public int WindowWidth => Global ? Width : Size;

        /// <summary>The step between windows (1 for a global pool, which has one window).</summary>
        public int Step => Global ? 1 : Stride;

        /// <summary>Output height.</summary>
        public int OutputHeight => ((Height - WindowHeight) / Step) + 1;

        /// <summary>Output width.</summary>
        public int OutputWidth => ((Width - WindowWidth) / Step) + 1;

        /// <summary>One operation per window element of every output.</summary>
        public override long WorkPerRow => (long)OutputSize * WindowHeight * WindowWidth;

        public override string? CheckInput(Shape input)
        {
            if (input.Rank != 3)
            {
                return $"{KindName} needs a [channels, height, width] input, but its input is {input}; pool before Flatten and Dense layers";
            }

            if (!Global && (input.Dims[1] < Size || input.Dims[2] < Size))
            {
                return $"its {Size} x {Size} window is larger than its {input.Dims[1]} x {input.Dims[2]} input, so it has no output; use a smaller window or pool earlier";
            }

            return null;
        }

        public override Shape InferOutput(Shape input)
        {
            if (Global)
            {
                return Shape.Vector(input.Rank == 3 ? input.Dims[0] : 1);
            }

            var shaped = this with { Input = input };
            return Shape.Of(shaped.Channels, System.Math.Max(1, shaped.OutputHeight), System.Math.Max(1, shaped.OutputWidth));
        }

        /// <summary>Reads <c>[MaxPool2D(size, Stride)]</c> or <c>[AvgPool2D(size, Stride)]</c>.</summary>
        public static System.Func<AttributeArguments, LayerSpec> Reader(PoolFunction function) => a =>
        {
            int size = a.Arg<int?>(0) ?? 2;
            int stride = a.Named<int?>("Stride") ?? 0;
            if (size <= 0)
            {
                a.Report(Descriptors.NonPositiveSize, $"The window size of {a.What}", AttributeArguments.Num(size));
                size = 1;
            }
            else if (size > 1024)
            {
                a.Report(Descriptors.ModelTooLarge, $"The window size of {a.What}", AttributeArguments.Num(size), "1024");
                size = 1;
            }

            if (!a.Check(stride >= 0 && stride <= 1024, "Stride", stride, "an integer from 1 to 1024, or 0 for the window size"))
            {
                stride = 0;
            }

            return new Pool2DSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, function, size, stride == 0 ? size : stride, Global: false);
        };

        /// <summary>Reads <c>[GlobalAvgPool]</c>.</summary>
        public static LayerSpec ReadGlobal(AttributeArguments a) =>
            new Pool2DSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, PoolFunction.Average, 1, 1, Global: true);
    }
}
