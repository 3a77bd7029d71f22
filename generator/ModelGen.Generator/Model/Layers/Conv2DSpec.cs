using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Model
{
    /// <summary>
    /// A 2-D convolution over a <c>[channels, height, width]</c> input (<c>[Conv2D(filters, kernelSize, Stride, Padding,
    /// PaddingMode, Dilation, UseBias)]</c>), NCHW as <c>torch.nn.Conv2d</c>. Computed as a dense layer over each output
    /// position's patch of <see cref="PatchSize"/> inputs (zeros outside the input), so it runs on the dense kernels.
    /// </summary>
    /// <param name="Filters">Output channels.</param>
    /// <param name="Kernel">The kernel's height and width.</param>
    /// <param name="Stride">The step between output positions.</param>
    /// <param name="Padding">Declared zeros on every side (explicit mode).</param>
    /// <param name="Same">PaddingMode.Same: pad so the output keeps the input's height and width (stride 1).</param>
    /// <param name="Dilation">The spacing between kernel taps.</param>
    /// <param name="UseBias">Whether there is a bias.</param>
    internal sealed record Conv2DSpec(int Index, string Name, Shape Input, Shape Output, int Filters, int Kernel, int Stride, int Padding, bool Same, int Dilation, bool UseBias)
        : LayerSpec(Index, Name, Input, Output)
    {
        public override string KindName => "Conv2D";

        public override InferenceRole Role => InferenceRole.Producer;

        /// <summary>Input channels.</summary>
        public int Channels => Input.Rank == 3 ? Input.Dims[0] : 1;

        /// <summary>Input height.</summary>
        public int Height => Input.Rank == 3 ? Input.Dims[1] : 1;

        /// <summary>Input width.</summary>
        public int Width => Input.Rank == 3 ? Input.Dims[2] : 1;

        /// <summary>Rows or columns the kernel spans: <c>dilation * (kernel - 1) + 1</c>.</summary>
        public int Extent => (Dilation * (Kernel - 1)) + 1;

        /// <summary>Zeros before the first row (and before the first column).</summary>
        public int PadBefore => Same ? Dilation * (Kernel - 1) / 2 : Padding;

        /// <summary>Zeros in all along one axis (before and after).</summary>
        public int PadTotal => Same ? Dilation * (Kernel - 1) : 2 * Padding;

        /// <summary>Output height.</summary>
        public int OutputHeight => ((Height + PadTotal - Extent) / Stride) + 1;

        /// <summary>Output width.</summary>
        public int OutputWidth => ((Width + PadTotal - Extent) / Stride) + 1;

        /// <summary>Output positions per channel.</summary>
        public int Positions => OutputHeight * OutputWidth;

        /// <summary>Inputs per output position: <c>channels * kernel * kernel</c>, ordered (channel, kernel row, kernel column) as the weight.</summary>
        public int PatchSize => Channels * Kernel * Kernel;

        /// <summary><c>weight [filters, channels, kernel, kernel]</c> (read by the kernels in panels of 16 filters), then <c>bias [filters]</c>.</summary>
        public override EquatableArray<TensorSpec> Tensors => UseBias
            ? new[] { Weight, new TensorSpec("bias", new[] { Filters }.ToEquatableArray(), TensorStorageKind.Parameters) }.ToEquatableArray()
            : new[] { Weight }.ToEquatableArray();

        private TensorSpec Weight => new("weight", new[] { Filters, Channels, Kernel, Kernel }.ToEquatableArray(), TensorStorageKind.Parameters, Panels: true);

        /// <summary>Every weight and bias at every output position.</summary>
        public override long WorkPerRow => ParameterCount * Positions;

        public override string? CheckInput(Shape input)
        {
            if (input.Rank != 3)
            {
                return $"Conv2D needs a [channels, height, width] input, but its input is {input}; declare [Input(channels, height, width)] and keep Flatten and Dense layers after the convolutions";
            }

            var shaped = this with { Input = input };
            if (shaped.Height + shaped.PadTotal < shaped.Extent || shaped.Width + shaped.PadTotal < shaped.Extent)
            {
                return $"its kernel spans {shaped.Extent} x {shaped.Extent} (kernel {Kernel}, dilation {Dilation}), more than the padded input of {shaped.Height + shaped.PadTotal} x {shaped.Width + shaped.PadTotal}; use a smaller kernel, more padding, or a larger input";
            }

            long size = (long)Filters * shaped.OutputHeight * shaped.OutputWidth;
            if (size > Limits.MaxWidth)
            {
                return $"its output of {Filters} x {shaped.OutputHeight} x {shaped.OutputWidth} = {size} floats per sample is above the supported maximum of {Limits.MaxWidth}; use fewer filters, a stride, or pool before it";
            }

            return null;
        }

        public override Shape InferOutput(Shape input)
        {
            var shaped = this with { Input = input };
            return Shape.Of(Filters, System.Math.Max(1, shaped.OutputHeight), System.Math.Max(1, shaped.OutputWidth));
        }

        /// <summary>Reads <c>[Conv2D(filters, kernelSize, ...)]</c>.</summary>
        public static LayerSpec Read(AttributeArguments a)
        {
            int filters = a.Arg<int>(0);
            int kernel = a.Arg<int>(1);
            int stride = a.Named<int?>("Stride") ?? 1;
            int padding = a.Named<int?>("Padding") ?? 0;
            int mode = a.Named<int?>("PaddingMode") ?? 0;
            int dilation = a.Named<int?>("Dilation") ?? 1;
            if (filters <= 0)
            {
                a.Report(Descriptors.NonPositiveSize, $"The filters of {a.What}", AttributeArguments.Num(filters));
                filters = 1;
            }
            else if (filters > Limits.MaxWidth)
            {
                a.Report(Descriptors.ModelTooLarge, $"The filters of {a.What}", AttributeArguments.Num(filters), AttributeArguments.Num(Limits.MaxWidth));
                filters = 1;
            }

            if (kernel <= 0)
            {
                a.Report(Descriptors.NonPositiveSize, $"The kernel size of {a.What}", AttributeArguments.Num(kernel));
                kernel = 1;
            }
            else if (kernel > 1024)
            {
                a.Report(Descriptors.ModelTooLarge, $"The kernel size of {a.What}", AttributeArguments.Num(kernel), "1024");
                kernel = 1;
            }

            if (!a.Check(stride >= 1 && stride <= 1024, "Stride", stride, "an integer from 1 to 1024"))
            {
                stride = 1;
            }

            if (!a.Check(dilation >= 1 && dilation <= 1024, "Dilation", dilation, "an integer from 1 to 1024"))
            {
                dilation = 1;
            }

            if (!a.Check(padding >= 0 && padding <= 1024, "Padding", padding, "an integer from 0 to 1024"))
            {
                padding = 0;
            }

            if (mode is not (0 or 1 or 2))
            {
                a.Report(Descriptors.InvalidHyperParameter, $"The PaddingMode of {a.What}", AttributeArguments.Num(mode), "PaddingMode.Explicit, PaddingMode.Valid or PaddingMode.Same");
                mode = 0;
            }

            if (mode != 0 && padding != 0)
            {
                a.Report(Descriptors.InvalidHyperParameter, $"The Padding of {a.What}", AttributeArguments.Num(padding), $"0 with PaddingMode.{(mode == 1 ? "Valid" : "Same")}, which decides the padding itself (remove Padding or the PaddingMode)");
                padding = 0;
            }

            if (mode == 2 && stride != 1)
            {
                a.Report(Descriptors.InvalidHyperParameter, $"The Stride of {a.What}", AttributeArguments.Num(stride), "1 with PaddingMode.Same (as in PyTorch; use an explicit Padding with a stride)");
                stride = 1;
            }

            return new Conv2DSpec(a.Index, a.Name, AttributeArguments.Unknown, AttributeArguments.Unknown, filters, kernel, stride, padding, mode == 2, dilation, a.Named<bool?>("UseBias") ?? true);
        }
    }
}
