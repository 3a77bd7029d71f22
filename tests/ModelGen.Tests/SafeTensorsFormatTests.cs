using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>
    /// Findings 3 and 4 of issue 12: the loader allocates only what the file holds, and rejects every layout the safetensors
    /// format rejects (the reference implementation's <c>validate</c>: ranges contiguous from 0, no overlap, no gap, the
    /// data ends where the file ends, the header is one JSON object).
    /// </summary>
    public class SafeTensorsFormatTests
    {
        /// <summary>One tensor entry of a hand-made header.</summary>
        internal sealed record FileEntry(string Name, string DType, int[] Shape, long Begin, long End)
        {
            public string Json => $"\"{Name}\":{{\"dtype\":\"{DType}\",\"shape\":[{string.Join(",", Shape)}],\"data_offsets\":[{Begin},{End}]}}";
        }

        /// <summary>The entries of <see cref="BnMlp"/> laid out contiguously in <see cref="BnMlp.Tensors"/> order.</summary>
        internal static List<FileEntry> Entries()
        {
            var list = new List<FileEntry>();
            long at = 0;
            foreach (var t in BnMlp.Tensors)
            {
                long bytes = (long)t.Length * (t.DType == "I64" ? 8 : 4);
                list.Add(new FileEntry(t.Name, t.DType, t.Shape, at, at + bytes));
                at += bytes;
            }

            return list;
        }

        /// <summary>The data section ModelGen writes for <paramref name="model"/> (the same layout as <see cref="Entries"/>).</summary>
        internal static byte[] Data(BnMlp model)
        {
            var stream = new MemoryStream();
            model.SaveWeights(stream);
            var bytes = stream.ToArray();
            long header = BitConverter.ToInt64(bytes, 0);
            return bytes.AsSpan(8 + (int)header).ToArray();
        }

        /// <summary>A safetensors file from a header text (padded with spaces to 8 bytes) and data bytes.</summary>
        internal static byte[] Compose(string header, byte[] data)
        {
            var json = Encoding.UTF8.GetBytes(header).ToList();
            while (json.Count % 8 != 0)
            {
                json.Add((byte)' ');
            }

            return BitConverter.GetBytes((long)json.Count).Concat(json).Concat(data).ToArray();
        }

        internal static string Header(IEnumerable<FileEntry> entries) => "{" + string.Join(",", entries.Select(e => e.Json)) + "}";

        internal static float[] State(BnMlp m) => BnMlp.Tensors.SelectMany(t => m.GetTensor(t.Name)).ToArray();

        private static void AssertRejected(byte[] file, params string[] messageParts)
        {
            var model = new BnMlp(5);
            var before = State(model);
            var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(new MemoryStream(file)));
            foreach (var part in messageParts)
            {
                Assert.Contains(part, e.Message);
            }

            Assert.True(TestData.SameBits(before, State(model)), "a failed load changed the model");
        }

        [Fact]
        public void TheHandMadeLayoutLoads()
        {
            var source = new BnMlp(3);
            var model = new BnMlp(5);
            model.LoadWeights(new MemoryStream(Compose(Header(Entries()), Data(source))));
            Assert.True(TestData.SameBits(State(source), State(model)));
        }

        [Fact]
        public void AliasedAndOverlappingRangesAreRejected()
        {
            var data = Data(new BnMlp(3));
            var entries = Entries();
            int weight = entries.FindIndex(e => e.Name == "bn1.weight");
            int bias = entries.FindIndex(e => e.Name == "bn1.bias");

            // bn1.bias reads the bytes of bn1.weight (same size, same range).
            var aliased = entries.ToList();
            aliased[bias] = aliased[bias] with { Begin = entries[weight].Begin, End = entries[weight].End };
            AssertRejected(Compose(Header(aliased), data), "bn1.bias", "bn1.weight", "overlap");

            // bn1.bias starts 4 bytes inside bn1.weight.
            var overlapping = entries.ToList();
            overlapping[bias] = overlapping[bias] with { Begin = entries[bias].Begin - 4, End = entries[bias].End - 4 };
            AssertRejected(Compose(Header(overlapping), data), "overlap");
        }

        [Fact]
        public void GapsAreRejected()
        {
            var data = Data(new BnMlp(3));
            var entries = Entries();

            // 8 unused bytes between fc1.bias and bn1.weight.
            int split = entries.FindIndex(e => e.Name == "bn1.weight");
            var gapped = entries.Select((e, i) => i < split ? e : e with { Begin = e.Begin + 8, End = e.End + 8 }).ToList();
            var gappedData = data.Take((int)entries[split].Begin).Concat(new byte[8]).Concat(data.Skip((int)entries[split].Begin)).ToArray();
            AssertRejected(Compose(Header(gapped), gappedData), "gap", "bn1.weight");

            // The data does not start at byte 0.
            var shifted = entries.Select(e => e with { Begin = e.Begin + 8, End = e.End + 8 }).ToList();
            AssertRejected(Compose(Header(shifted), new byte[8].Concat(data).ToArray()), "gap", "fc1.weight");
        }

        [Fact]
        public void TrailingBytesAreRejected()
        {
            var data = Data(new BnMlp(3));
            AssertRejected(Compose(Header(Entries()), data.Concat(new byte[4]).ToArray()), "4 bytes", "after");
        }

        [Fact]
        public void TextAfterTheJsonHeaderIsRejected()
        {
            var data = Data(new BnMlp(3));
            AssertRejected(Compose(Header(Entries()) + "{}", data), "after the JSON object");
            AssertRejected(Compose(Header(Entries()) + " x", data), "after the JSON object");
        }

        [Fact]
        public void RepeatedFieldsAreRejected()
        {
            var data = Data(new BnMlp(3));
            string header = Header(Entries());
            AssertRejected(Compose(header.Replace("{\"dtype\":\"F32\",", "{\"dtype\":\"F32\",\"dtype\":\"F32\","), data), "dtype", "twice");
            AssertRejected(Compose(header.Replace("\"data_offsets\":[0,", "\"shape\":[32,20],\"data_offsets\":[0,"), data), "shape", "twice");
            AssertRejected(Compose("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}," + header.Substring(1), data), "metadata", "twice");
        }

        /// <summary>
        /// Finding 3: a file of a few KB whose offsets say its data ends at 2e9 made the loader allocate 1.9 GB before it
        /// found the file too short; a header length of 99,999,999 allocated 100 MB for a 1 KB file. The loader now
        /// allocates from numbers it has checked against the model and the bytes present: at most 64 KB here (bound: the
        /// scratch needed for this 4 KB file's header and checks, with room to spare; the failure allocated 2e9 bytes).
        /// </summary>
        [Fact]
        public void HugeOffsetsAndHeaderLengthsAllocateNothingLarge()
        {
            var data = Data(new BnMlp(3));
            var entries = Entries();
            var last = entries[^1];
            entries[^1] = last with { Begin = 2_000_000_000 - (last.End - last.Begin), End = 2_000_000_000 };
            AssertBounded(Compose(Header(entries), data));

            var file = new byte[1024];
            BitConverter.GetBytes(99_999_999L).CopyTo(file, 0);
            AssertBounded(file);

            // Also when the stream cannot tell its length.
            AssertBounded(file, seekable: false);
            AssertBounded(Compose(Header(entries), data), seekable: false);
        }

        private static void AssertBounded(byte[] file, bool seekable = true)
        {
            var model = new BnMlp(5);
            Stream stream = seekable ? new MemoryStream(file) : new ForwardOnlyStream(file);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => model.LoadWeights(stream));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64 * 1024, $"loading a {file.Length}-byte file allocated {allocated} bytes");
        }

        /// <summary>A stream that cannot seek and returns at most 1000 bytes per read, like a network stream.</summary>
        internal sealed class ForwardOnlyStream : Stream
        {
            private readonly byte[] _bytes;
            private int _position;

            public ForwardOnlyStream(byte[] bytes) => _bytes = bytes;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = Math.Min(Math.Min(count, 1000), _bytes.Length - _position);
                Array.Copy(_bytes, _position, buffer, offset, n);
                _position += n;
                return n;
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
