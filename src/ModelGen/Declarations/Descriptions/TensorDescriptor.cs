// Declarations/Descriptions: one named tensor of a generated model (PyTorch state_dict name, shape, where it
// lives); every generated model lists its tensors with these, and weight files, checkpoints and ONNX use them.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelGen
{
    /// <summary>Describes one named tensor of a generated model: its PyTorch <c>state_dict</c> name, shape and location.</summary>
    public sealed class TensorDescriptor
    {
        /// <summary>Creates a descriptor.</summary>
        /// <param name="name">The tensor name, e.g. <c>fc1.weight</c>.</param>
        /// <param name="shape">The shape as PyTorch stores it (Linear weight <c>[out, in]</c>; <c>[]</c> for a scalar).</param>
        /// <param name="storage">The buffer that holds the values.</param>
        /// <param name="offset">The index of the first element in that buffer.</param>
        public TensorDescriptor(string name, int[] shape, TensorStorage storage, int offset)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Shape = shape ?? throw new ArgumentNullException(nameof(shape));
            Storage = storage;
            Offset = offset;
            long count = 1;
            foreach (int d in shape)
            {
                count *= d;
            }

            Length = checked((int)count);
        }

        /// <summary>The tensor name.</summary>
        public string Name { get; }

        /// <summary>The tensor shape.</summary>
        public int[] Shape { get; }

        /// <summary>The buffer that holds the values.</summary>
        public TensorStorage Storage { get; }

        /// <summary>The index of the first element in its buffer.</summary>
        public int Offset { get; }

        /// <summary>The number of elements (the product of the shape).</summary>
        public int Length { get; }

        /// <summary>The safetensors dtype of the tensor: <c>F32</c>, or <c>I64</c> for counters.</summary>
        public string DType => Storage == TensorStorage.Counters ? "I64" : "F32";

        /// <summary>The shape written like <c>[5, 200]</c>.</summary>
        public string ShapeText => FormatShape(Shape);

        internal static string FormatShape(IReadOnlyList<long> shape)
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < shape.Count; i++)
            {
                sb.Append(i == 0 ? string.Empty : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }

            return sb.Append(']').ToString();
        }

        internal static string FormatShape(int[] shape)
        {
            var longs = new long[shape.Length];
            for (int i = 0; i < shape.Length; i++)
            {
                longs[i] = shape[i];
            }

            return FormatShape(longs);
        }
    }
}
