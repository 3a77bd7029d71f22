using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelGen.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests
{
    /// <summary>
    /// Issue 12: thousands of mutated safetensors files (bit flips, truncations, appended bytes, header-length, offset and
    /// header-text mutations) are loaded into a model. Every load either succeeds or throws
    /// <see cref="InvalidDataException"/> (anything else is a crash); a failed load leaves the model bitwise unchanged;
    /// no load allocates more than 4 times the file size plus 64 KB (the file's data and the decoded values are each
    /// about the file's size, the parsed header a few KB); the whole run finishes within two minutes (no hang).
    /// </summary>
    public class SafeTensorsFuzzTests
    {
        private const int Iterations = 6000;

        private readonly ITestOutputHelper _output;

        public SafeTensorsFuzzTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task MutatedFilesNeverCrashHangChangeTheModelOrAllocateUnboundedly()
        {
            var task = Task.Run(Fuzz);
            var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(2)));
            Assert.True(finished == task, "the fuzz run did not finish in two minutes: a load hangs");
            var (loaded, rejected, failures) = await task;
            _output.WriteLine($"{Iterations} mutated files: {loaded} loaded, {rejected} rejected with InvalidDataException, {failures.Count} failures");
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(10)));
            Assert.True(rejected > Iterations / 2, $"only {rejected} of {Iterations} mutations were rejected: the mutations are too mild to test anything");
            Assert.True(loaded > 0, "no mutated file loaded: the mutations never leave a valid file, so the success path is untested");
        }

        private static (int Loaded, int Rejected, List<string> Failures) Fuzz()
        {
            var original = Save(new BnMlp(3));
            var random = new Random(12);
            var failures = new List<string>();
            int loaded = 0, rejected = 0;
            var model = new BnMlp(5);
            var pristine = SafeTensorsFormatTests.State(model);
            var pristineFile = Save(model);
            for (int i = 0; i < Iterations; i++)
            {
                var (kind, file) = Mutate(original, random, i);
                var stream = new MemoryStream(file);
                long before = GC.GetAllocatedBytesForCurrentThread();
                long allocated;
                try
                {
                    model.LoadWeights(stream);
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    loaded++;
                    model.LoadWeights(new MemoryStream(pristineFile));
                }
                catch (InvalidDataException)
                {
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    rejected++;
                    if (!TestData.SameBits(pristine, SafeTensorsFormatTests.State(model)))
                    {
                        failures.Add($"#{i} ({kind}): a failed load changed the model");
                        model = new BnMlp(5);
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"#{i} ({kind}): {e.GetType().Name}: {e.Message}");
                    model = new BnMlp(5);
                    continue;
                }

                long bound = (4L * Math.Max(file.Length, pristineFile.Length)) + (64 * 1024);
                if (allocated > bound)
                {
                    failures.Add($"#{i} ({kind}): loading a {file.Length}-byte file allocated {allocated} bytes (bound {bound})");
                }
            }

            return (loaded, rejected, failures);
        }

        private static byte[] Save(BnMlp model)
        {
            var stream = new MemoryStream();
            model.SaveWeights(stream);
            return stream.ToArray();
        }

        private static (string Kind, byte[] File) Mutate(byte[] original, Random random, int i)
        {
            var file = (byte[])original.Clone();
            int headerLength = (int)BitConverter.ToInt64(file, 0);
            switch (i % 8)
            {
                case 0:
                    // Bit flips anywhere.
                    for (int k = 1 + random.Next(8); k > 0; k--)
                    {
                        int at = random.Next(file.Length);
                        file[at] ^= (byte)(1 << random.Next(8));
                    }

                    return ("bit flips", file);
                case 1:
                    // Bit flips in the header only.
                    for (int k = 1 + random.Next(4); k > 0; k--)
                    {
                        int at = 8 + random.Next(headerLength);
                        file[at] ^= (byte)(1 << random.Next(8));
                    }

                    return ("header bit flips", file);
                case 2:
                    return ("truncation", file.AsSpan(0, random.Next(file.Length)).ToArray());
                case 3:
                    return ("appended bytes", file.Concat(Enumerable.Range(0, 1 + random.Next(64)).Select(_ => (byte)random.Next(256))).ToArray());
                case 4:
                    // The header length: random, off by a little, or huge.
                    long length = random.Next(3) switch
                    {
                        0 => headerLength + random.Next(-16, 17),
                        1 => random.NextInt64(),
                        _ => random.Next(int.MaxValue),
                    };
                    BitConverter.GetBytes(length).CopyTo(file, 0);
                    return ("header length", file);
                case 5:
                    return ("numbers in the header", EditHeader(file, headerLength, random, text =>
                    {
                        // Replace one number of the header (a shape or an offset) with another.
                        var numbers = System.Text.RegularExpressions.Regex.Matches(text, "[0-9]+").ToList();
                        var m = numbers[random.Next(numbers.Count)];
                        string replacement = random.Next(4) switch
                        {
                            0 => (long.Parse(m.Value) + random.Next(-8, 9)).ToString(),
                            1 => random.NextInt64().ToString(),
                            2 => "2000000000",
                            _ => "-1",
                        };
                        return text.Substring(0, m.Index) + replacement + text.Substring(m.Index + m.Length);
                    }));
                case 6:
                    return ("header text", EditHeader(file, headerLength, random, text =>
                    {
                        // Delete, insert or duplicate a piece of the header text.
                        int at = random.Next(text.Length);
                        int span = 1 + random.Next(Math.Min(40, text.Length - at));
                        return random.Next(3) switch
                        {
                            0 => text.Remove(at, span),
                            1 => text.Insert(at, "{}[]\",:0-e.x"[random.Next(12)].ToString()),
                            _ => text.Insert(at, text.Substring(at, span)),
                        };
                    }));
                default:
                    // Swap the offsets of two tensors, or point one at another's range.
                    return ("tensor ranges", EditHeader(file, headerLength, random, text =>
                    {
                        var ranges = System.Text.RegularExpressions.Regex.Matches(text, "\"data_offsets\":\\[[0-9]+,[0-9]+\\]").ToList();
                        var a = ranges[random.Next(ranges.Count)];
                        var b = ranges[random.Next(ranges.Count)];
                        return text.Substring(0, a.Index) + b.Value + text.Substring(a.Index + a.Length);
                    }));
            }
        }

        private static byte[] EditHeader(byte[] file, int headerLength, Random random, Func<string, string> edit)
        {
            string text = Encoding.UTF8.GetString(file, 8, headerLength).TrimEnd(' ');
            var header = Encoding.UTF8.GetBytes(edit(text)).ToList();
            while (header.Count % 8 != 0)
            {
                header.Add((byte)' ');
            }

            return BitConverter.GetBytes((long)header.Count).Concat(header).Concat(file.Skip(8 + headerLength)).ToArray();
        }
    }
}
