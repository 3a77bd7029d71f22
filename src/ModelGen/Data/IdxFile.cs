// Data: the IDX files of MNIST and Fashion-MNIST, plain or gzipped.
using System;
using System.IO;
using System.IO.Compression;

namespace ModelGen
{
    /// <summary>
    /// The IDX format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>, ...), plain or gzip-compressed (detected
    /// from the content, not the name): a big-endian header (two zero bytes, the element type, the number of dimensions,
    /// then each dimension as a 32-bit integer) and the elements. Unsigned bytes only, the type every MNIST-style file uses.
    /// </summary>
    public static class IdxFile
    {
        /// <summary>A file of unsigned bytes: its dimensions and its elements in row-major order.</summary>
        /// <param name="Dimensions">The dimensions, outermost first (e.g. 60000, 28, 28).</param>
        /// <param name="Data">The elements.</param>
        public sealed record Contents(int[] Dimensions, byte[] Data)
        {
            /// <summary>The first dimension (images or labels).</summary>
            public int Count => Dimensions.Length == 0 ? 1 : Dimensions[0];

            /// <summary>Elements per item (28 x 28 = 784 for an image, 1 for a label).</summary>
            public int ItemSize => Count == 0 ? 0 : Data.Length / Count;
        }

        /// <summary>Reads an IDX file of unsigned bytes.</summary>
        /// <param name="path">The file, plain or gzip-compressed.</param>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="InvalidDataException">The header is not an IDX header of unsigned bytes, or the file is shorter or longer than the header says.</exception>
        public static Contents Read(string path)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using var file = File.OpenRead(path);
            return Read(file, path);
        }

        /// <summary>Reads an IDX stream of unsigned bytes (plain or gzip-compressed).</summary>
        /// <param name="stream">The stream, read to its end.</param>
        /// <param name="name">How messages name the source.</param>
        public static Contents Read(Stream stream, string name = "the IDX stream")
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            var buffered = new BufferedStream(stream, 1 << 16);
            int b0 = buffered.ReadByte(), b1 = buffered.ReadByte();
            Stream source = buffered;
            if (b0 == 0x1f && b1 == 0x8b)
            {
                // gzip: restart on the decompressed stream (the two bytes read are part of the gzip header).
                source = new GZipStream(new PrefixStream(new byte[] { 0x1f, 0x8b }, buffered), CompressionMode.Decompress);
                b0 = source.ReadByte();
                b1 = source.ReadByte();
            }

            int type = source.ReadByte(), rank = source.ReadByte();
            if (b0 != 0 || b1 != 0 || type < 0 || rank < 0)
            {
                throw new InvalidDataException($"{name} is not an IDX file: it must start with two zero bytes, the element type and the number of dimensions.");
            }

            if (type != 0x08)
            {
                throw new InvalidDataException($"{name} holds IDX elements of type 0x{type:x2}; only unsigned bytes (0x08), as in MNIST and Fashion-MNIST, are supported.");
            }

            if (rank is 0 or > 4)
            {
                throw new InvalidDataException($"{name} declares {rank} dimensions; MNIST-style files have 1 (labels) or 3 (images), at most 4 are accepted.");
            }

            var dims = new int[rank];
            long total = 1;
            Span<byte> word = stackalloc byte[4];
            for (int i = 0; i < rank; i++)
            {
                if (ReadFully(source, word) != 4)
                {
                    throw new InvalidDataException($"{name} ends inside its header.");
                }

                long d = ((long)word[0] << 24) | ((long)word[1] << 16) | ((long)word[2] << 8) | word[3];
                total *= d;
                if (d > int.MaxValue || total > int.MaxValue)
                {
                    throw new InvalidDataException($"{name} declares dimension {i} of {d}, {total} elements in all; at most {int.MaxValue} are supported.");
                }

                dims[i] = (int)d;
            }

            // The size comes from the header: read in chunks, so a lying header costs no more memory than the data present.
            var data = new MemoryStream();
            var chunk = new byte[1 << 16];
            long remaining = total;
            while (remaining > 0)
            {
                int n = source.Read(chunk, 0, (int)Math.Min(chunk.Length, remaining));
                if (n == 0)
                {
                    throw new InvalidDataException($"{name} ends after {total - remaining} of the {total} elements its header declares ({string.Join(" x ", dims)}).");
                }

                data.Write(chunk, 0, n);
                remaining -= n;
            }

            if (source.ReadByte() >= 0)
            {
                throw new InvalidDataException($"{name} holds more than the {total} elements its header declares ({string.Join(" x ", dims)}).");
            }

            return new Contents(dims, data.ToArray());
        }

        /// <summary>
        /// Reads an image file and its label file into a <see cref="DataSet"/>: pixels scaled by 1/255 to [0, 1], labels as
        /// one-hot rows of <paramref name="classes"/>.
        /// </summary>
        /// <param name="imagesPath">The images (e.g. <c>train-images-idx3-ubyte.gz</c>).</param>
        /// <param name="labelsPath">The labels (e.g. <c>train-labels-idx1-ubyte.gz</c>).</param>
        /// <param name="classes">The number of classes (10 for MNIST and Fashion-MNIST).</param>
        /// <exception cref="InvalidDataException">The files do not match (counts), or a label is not below <paramref name="classes"/>.</exception>
        public static DataSet LoadImages(string imagesPath, string labelsPath, int classes = 10)
        {
            if (classes < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class.");
            }

            var images = Read(imagesPath);
            var labels = Read(labelsPath);
            if (labels.Dimensions.Length != 1)
            {
                throw new InvalidDataException($"{labelsPath} has {labels.Dimensions.Length} dimensions; a label file has 1.");
            }

            if (images.Count != labels.Count)
            {
                throw new InvalidDataException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Count} labels.");
            }

            int size = images.ItemSize;
            var features = new float[images.Data.Length];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = images.Data[i] / 255f;
            }

            var targets = new float[labels.Count * classes];
            for (int i = 0; i < labels.Count; i++)
            {
                int label = labels.Data[i];
                if (label >= classes)
                {
                    throw new InvalidDataException($"{labelsPath}: label {i} is {label}, not a class index below {classes}.");
                }

                targets[(i * classes) + label] = 1f;
            }

            return new DataSet(features, targets, Math.Max(size, 1), classes);
        }

        private static int ReadFully(Stream s, Span<byte> buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = s.Read(buffer.Slice(read));
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read;
        }

        /// <summary>A stream that first returns a few bytes already consumed, then the rest of another stream.</summary>
        private sealed class PrefixStream : Stream
        {
            private readonly byte[] _prefix;
            private readonly Stream _rest;
            private int _at;

            public PrefixStream(byte[] prefix, Stream rest)
            {
                _prefix = prefix;
                _rest = rest;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_at < _prefix.Length)
                {
                    int n = Math.Min(count, _prefix.Length - _at);
                    Array.Copy(_prefix, _at, buffer, offset, n);
                    _at += n;
                    return n;
                }

                return _rest.Read(buffer, offset, count);
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
