using System;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>The IDX reader on small files written here: plain and gzip, and every malformed shape it must reject.</summary>
    public sealed class IdxFileTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("modelgen-idx-").FullName;

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private static byte[] Idx(byte type, int[] dims, byte[] data, int extra = 0)
        {
            var s = new MemoryStream();
            s.Write(new byte[] { 0, 0, type, (byte)dims.Length });
            foreach (int d in dims)
            {
                s.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
            }

            s.Write(data);
            s.Write(new byte[extra]);
            return s.ToArray();
        }

        private string File(string name, byte[] bytes, bool gzip = false)
        {
            string path = Path.Combine(_dir, name);
            if (gzip)
            {
                using var f = System.IO.File.Create(path);
                using var z = new GZipStream(f, CompressionLevel.Fastest);
                z.Write(bytes);
            }
            else
            {
                System.IO.File.WriteAllBytes(path, bytes);
            }

            return path;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ReadsImagesAndLabelsPlainOrGzip(bool gzip)
        {
            var pixels = new byte[3 * 2 * 2];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(i * 20);
            }

            string images = File("images", Idx(8, new[] { 3, 2, 2 }, pixels), gzip);
            string labels = File("labels", Idx(8, new[] { 3 }, new byte[] { 2, 0, 1 }), gzip);
            var contents = IdxFile.Read(images);
            Assert.Equal(new[] { 3, 2, 2 }, contents.Dimensions);
            Assert.Equal(pixels, contents.Data);
            Assert.Equal(4, contents.ItemSize);

            var set = IdxFile.LoadImages(images, labels, classes: 3);
            Assert.Equal(3, set.Rows);
            Assert.Equal(4, set.FeatureLength);
            Assert.Equal(20 / 255f, set.Features[1]);
            Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, set.Targets);
        }

        [Fact]
        public void RejectsMalformedFilesWithMessagesThatSayWhy()
        {
            Assert.Contains("ends after 3 of the 4 elements", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("short", Idx(8, new[] { 4 }, new byte[3])))).Message);
            Assert.Contains("more than the 4 elements", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("long", Idx(8, new[] { 4 }, new byte[4], extra: 1)))).Message);
            Assert.Contains("type 0x0d", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("float", Idx(0x0d, new[] { 4 }, new byte[16])))).Message);
            Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("text", "hello world"u8.ToArray()))).Message);
            Assert.Contains("ends inside its header", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("header", new byte[] { 0, 0, 8, 1, 0, 0 }))).Message);
            Assert.Contains("at most 2147483647", Assert.Throws<InvalidDataException>(() => IdxFile.Read(File("huge", Idx(8, new[] { 65536, 65536 }, Array.Empty<byte>())))).Message);
        }

        [Fact]
        public void RejectsMismatchedImagesAndLabels()
        {
            string images = File("images", Idx(8, new[] { 2, 2, 2 }, new byte[8]));
            Assert.Contains("2 images but", Assert.Throws<InvalidDataException>(() => IdxFile.LoadImages(images, File("labels3", Idx(8, new[] { 3 }, new byte[3])))).Message);
            Assert.Contains("label 1 is 10", Assert.Throws<InvalidDataException>(() => IdxFile.LoadImages(images, File("labels", Idx(8, new[] { 2 }, new byte[] { 0, 10 })))).Message);
            Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(_dir, "missing")));
        }
    }
}
