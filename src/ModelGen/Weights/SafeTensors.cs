// Weights: the safetensors format, read and written; the generated SaveWeights and LoadWeights call it, checkpoints
// (Checkpoints, Training/FitCheckpoint) are safetensors files too.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace ModelGen
{
    /// <summary>
    /// Reads and writes model weights in the safetensors format (an 8-byte little-endian header length, a JSON header
    /// naming each tensor's dtype, shape and byte range, then the raw little-endian data), the format of the Python
    /// <c>safetensors</c> package, so <c>safetensors.torch.save_file(model.state_dict(), path)</c> loads directly.
    /// </summary>
    public static class SafeTensors
    {
        /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
        public const int MaxHeaderLength = 100_000_000;

        /// <summary>Writes the described tensors to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; it is not closed.</param>
        /// <param name="tensors">The tensors to write, in this order.</param>
        /// <param name="parameters">The model's parameter buffer.</param>
        /// <param name="state">The model's float state buffer.</param>
        /// <param name="counters">The model's counter buffer.</param>
        /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>.</param>
        public static void Write(
            Stream stream,
            IReadOnlyList<TensorDescriptor> tensors,
            ReadOnlySpan<float> parameters,
            ReadOnlySpan<float> state,
            ReadOnlySpan<long> counters,
            IReadOnlyDictionary<string, string>? metadata = null)
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (tensors is null)
            {
                throw new ArgumentNullException(nameof(tensors));
            }

            var headerBuffer = new MemoryStream();
            long dataLength = 0;
            using (var json = new Utf8JsonWriter(headerBuffer))
            {
                json.WriteStartObject();
                if (metadata is { Count: > 0 })
                {
                    json.WriteStartObject("__metadata__");
                    foreach (var pair in metadata)
                    {
                        json.WriteString(pair.Key, pair.Value);
                    }

                    json.WriteEndObject();
                }

                foreach (var t in tensors)
                {
                    long bytes = (long)t.Length * (t.Storage == TensorStorage.Counters ? 8 : 4);
                    json.WriteStartObject(t.Name);
                    json.WriteString("dtype", t.DType);
                    json.WriteStartArray("shape");
                    foreach (int d in t.Shape)
                    {
                        json.WriteNumberValue(d);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(dataLength);
                    json.WriteNumberValue(dataLength + bytes);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    dataLength += bytes;
                }

                json.WriteEndObject();
            }

            // Pad the header with spaces to a multiple of 8 bytes so the data that follows is aligned.
            while (headerBuffer.Length % 8 != 0)
            {
                headerBuffer.WriteByte((byte)' ');
            }

            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)headerBuffer.Length);
            stream.Write(prefix);
            headerBuffer.Position = 0;
            headerBuffer.CopyTo(stream);

            var chunk = new byte[8 * 1024];
            foreach (var t in tensors)
            {
                int filled = 0;
                for (int i = 0; i < t.Length; i++)
                {
                    if (filled + 8 > chunk.Length)
                    {
                        stream.Write(chunk, 0, filled);
                        filled = 0;
                    }

                    switch (t.Storage)
                    {
                        case TensorStorage.Parameters:
                            BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(filled), parameters[t.Offset + i]);
                            filled += 4;
                            break;
                        case TensorStorage.State:
                            BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(filled), state[t.Offset + i]);
                            filled += 4;
                            break;
                        default:
                            BinaryPrimitives.WriteInt64LittleEndian(chunk.AsSpan(filled), counters[t.Offset + i]);
                            filled += 8;
                            break;
                    }
                }

                stream.Write(chunk, 0, filled);
            }
        }

        /// <summary>
        /// Reads a safetensors stream into the given buffers, all or nothing: the file is checked completely (the layout
        /// the safetensors format requires, every described tensor present with its dtype and shape and no other, every
        /// value finite, variances and counters not negative) before any buffer is written. Any problem throws
        /// <see cref="InvalidDataException"/> naming the tensor and what was expected, and the buffers stay as they were.
        /// Memory use is bounded by the bytes actually present and the size of the described tensors, whatever the
        /// header claims.
        /// </summary>
        /// <param name="stream">A readable stream positioned at the start of the file; it is not closed. It must end where the file ends.</param>
        /// <param name="tensors">The tensors the model expects.</param>
        /// <param name="parameters">Receives the parameters.</param>
        /// <param name="state">Receives the float state.</param>
        /// <param name="counters">Receives the counters.</param>
        /// <returns>The <c>__metadata__</c> entries of the file (empty when it has none).</returns>
        public static IReadOnlyDictionary<string, string> Read(
            Stream stream,
            IReadOnlyList<TensorDescriptor> tensors,
            Span<float> parameters,
            Span<float> state,
            Span<long> counters)
        {
            var loaded = Load(stream, tensors);
            loaded.CopyTo(parameters, state, counters);
            return loaded.Metadata;
        }

        /// <summary>
        /// Reads and checks a safetensors stream completely (see <see cref="Read"/>) and returns its values without
        /// touching any model, so a model can swap them in at once. The generated <c>LoadWeights</c> uses it.
        /// </summary>
        /// <param name="stream">A readable stream positioned at the start of the file; it is not closed. It must end where the file ends.</param>
        /// <param name="tensors">The tensors the model expects.</param>
        /// <exception cref="InvalidDataException">The file is not a valid safetensors file or does not match the tensors.</exception>
        public static LoadedTensors Load(Stream stream, IReadOnlyList<TensorDescriptor> tensors)
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (tensors is null)
            {
                throw new ArgumentNullException(nameof(tensors));
            }

            Span<byte> prefix = stackalloc byte[8];
            if (ReadFully(stream, prefix) != 8)
            {
                throw new InvalidDataException("Not a safetensors file: it is shorter than the 8-byte header length.");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength < 2 || headerLength > MaxHeaderLength)
            {
                throw new InvalidDataException(
                    $"Not a safetensors file: the header length is {headerLength} bytes (expected 2 to {MaxHeaderLength}).");
            }

            // Allocate only for bytes that are there: a header length is a claim of the file, not a fact.
            var header = ReadBounded(stream, (int)headerLength, out int got);
            if (got != (int)headerLength)
            {
                throw new InvalidDataException($"The safetensors file is truncated: the header should be {headerLength} bytes but only {got} are present.");
            }

            var entries = ParseHeader(header, out var metadata);
            CheckNames(entries, tensors);

            // Check dtypes, shapes and sizes, then the layout: the ranges, in order, must tile the data from byte 0.
            var layout = new List<(long Begin, long End, string Name)>(tensors.Count);
            foreach (var t in tensors)
            {
                var e = entries[t.Name];
                if (e.DType != t.DType)
                {
                    throw new InvalidDataException($"Tensor '{t.Name}' has dtype {e.DType} in the file; the model expects {t.DType}.");
                }

                if (!SameShape(e.Shape, t.Shape))
                {
                    throw new InvalidDataException(
                        $"Tensor '{t.Name}' has shape {TensorDescriptor.FormatShape(e.Shape)} in the file; the model expects {t.ShapeText}.");
                }

                long bytes = (long)t.Length * ElementSize(t);
                if (e.End < e.Begin || e.End - e.Begin != bytes)
                {
                    throw new InvalidDataException(
                        $"Tensor '{t.Name}' has data offsets [{e.Begin}, {e.End}] in the file, which do not hold {bytes} bytes for shape {t.ShapeText} {t.DType}.");
                }

                layout.Add((e.Begin, e.End, t.Name));
            }

            layout.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : string.CompareOrdinal(a.Name, b.Name));
            long end = 0;
            string previous = string.Empty;
            foreach (var (begin, stop, name) in layout)
            {
                if (begin < end)
                {
                    throw new InvalidDataException(
                        $"Tensor '{name}' (bytes {begin} to {stop}) overlaps tensor '{previous}' (which ends at byte {end}): in a safetensors file every tensor has its own bytes.");
                }

                if (begin > end)
                {
                    throw new InvalidDataException(previous.Length == 0
                        ? $"The data has a gap: the first tensor, '{name}', starts at byte {begin}, not 0; a safetensors file has no unused bytes."
                        : $"The data has a gap of {begin - end} bytes between tensor '{previous}' and tensor '{name}'; a safetensors file has no unused bytes.");
                }

                end = stop;
                previous = name;
            }

            // The total is the sum of the model's own tensor sizes, so this allocation is bounded by the model, and it grows
            // only as bytes arrive.
            if (end > int.MaxValue)
            {
                throw new InvalidDataException($"The tensor data ({end} bytes) is too large.");
            }

            var data = ReadBounded(stream, (int)end, out got);
            if (got != (int)end)
            {
                throw new InvalidDataException(
                    $"The safetensors file is truncated: the header describes {end} bytes of tensor data but only {got} are present.");
            }

            long trailing = CountTrailing(stream);
            if (trailing > 0)
            {
                throw new InvalidDataException(
                    $"The safetensors file has {(trailing == long.MaxValue ? "more" : trailing.ToString(CultureInfo.InvariantCulture))} bytes after the end of the tensor data its header describes; the file is damaged or is not one safetensors file.");
            }

            var loaded = new LoadedTensors(tensors, metadata);
            foreach (var t in tensors)
            {
                var e = entries[t.Name];
                loaded.Decode(t, data.AsSpan((int)e.Begin, (int)(e.End - e.Begin)));
            }

            return loaded;
        }

        /// <summary>
        /// Reads every tensor of a safetensors stream whose tensors are not known in advance (F32 and I64 only), with the
        /// checks of <see cref="Load"/>: the format's layout rules and finite values. Used for checkpoints, whose tensors
        /// depend on the optimizer and the training run. Reads the stream into memory first (bounded by the bytes present).
        /// </summary>
        internal static (Dictionary<string, TensorDescriptor> Tensors, LoadedTensors Values) ReadAll(Stream stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
            if (bytes.Length < 8)
            {
                throw new InvalidDataException("Not a safetensors file: it is shorter than the 8-byte header length.");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (headerLength < 2 || headerLength > MaxHeaderLength || headerLength > (ulong)(bytes.Length - 8))
            {
                throw new InvalidDataException($"Not a safetensors file, or a truncated one: the header length is {headerLength} bytes and the file has {bytes.Length}.");
            }

            var entries = ParseHeader(bytes.Slice(8, (int)headerLength).ToArray(), out _);
            var descriptors = new List<TensorDescriptor>();
            int floats = 0, longs = 0;
            foreach (var pair in entries)
            {
                var e = pair.Value;
                var shape = new int[e.Shape.Length];
                long count = 1;
                for (int i = 0; i < shape.Length; i++)
                {
                    if (e.Shape[i] > int.MaxValue)
                    {
                        throw new InvalidDataException($"Tensor '{pair.Key}' has a dimension of {e.Shape[i]}, too large.");
                    }

                    shape[i] = (int)e.Shape[i];
                    count *= shape[i];
                    if (count > int.MaxValue)
                    {
                        throw new InvalidDataException($"Tensor '{pair.Key}' has too many elements.");
                    }
                }

                var storage = e.DType switch
                {
                    "F32" => TensorStorage.Parameters,
                    "I64" => TensorStorage.Counters,
                    _ => throw new InvalidDataException($"Tensor '{pair.Key}' has dtype {e.DType}; checkpoints hold F32 and I64 tensors only."),
                };
                int offset = storage == TensorStorage.Parameters ? floats : longs;
                if (storage == TensorStorage.Parameters)
                {
                    floats = checked(floats + (int)count);
                }
                else
                {
                    longs = checked(longs + (int)count);
                }

                descriptors.Add(new TensorDescriptor(pair.Key, shape, storage, offset));
            }

            copy.Position = 0;
            var values = Load(copy, descriptors);
            var byName = new Dictionary<string, TensorDescriptor>(StringComparer.Ordinal);
            foreach (var d in descriptors)
            {
                byName[d.Name] = d;
            }

            return (byName, values);
        }

        /// <summary>Throws unless the file's tensor names are exactly the model's.</summary>
        private static void CheckNames(Dictionary<string, Entry> entries, IReadOnlyList<TensorDescriptor> tensors)
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            var missing = new List<string>();
            foreach (var t in tensors)
            {
                expected.Add(t.Name);
                if (!entries.ContainsKey(t.Name))
                {
                    missing.Add(t.Name);
                }
            }

            if (missing.Count > 0)
            {
                throw new InvalidDataException(
                    $"The weights file is missing tensor(s) {string.Join(", ", missing)}; the model expects {Describe(tensors)}.");
            }

            var unexpected = new List<string>();
            foreach (var name in entries.Keys)
            {
                if (!expected.Contains(name))
                {
                    unexpected.Add(name);
                }
            }

            if (unexpected.Count > 0)
            {
                unexpected.Sort(StringComparer.Ordinal);
                throw new InvalidDataException(
                    $"The weights file has tensor(s) this model does not have: {string.Join(", ", unexpected)}; the model expects {Describe(tensors)}. Check that the file was saved from the same declaration (layer names and order).");
            }
        }

        internal static int ElementSize(TensorDescriptor t) => t.Storage == TensorStorage.Counters ? 8 : 4;

        /// <summary>
        /// Reads up to <paramref name="length"/> bytes into an array that grows as bytes arrive (doubling from 16 KB), so
        /// a stream shorter than claimed never costs more than twice what it holds. A seekable stream is asked its
        /// length first.
        /// </summary>
        private static byte[] ReadBounded(Stream stream, int length, out int got)
        {
            if (stream.CanSeek)
            {
                long remaining = Math.Max(0, stream.Length - stream.Position);
                if (remaining < length)
                {
                    got = (int)remaining;
                    return Array.Empty<byte>();
                }

                var exact = new byte[length];
                got = ReadFully(stream, exact);
                return exact;
            }

            var buffer = new byte[Math.Min(length, 16 * 1024)];
            got = 0;
            while (true)
            {
                got += ReadFully(stream, buffer.AsSpan(got));
                if (got < buffer.Length || buffer.Length == length)
                {
                    return buffer;
                }

                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }
        }

        /// <summary>The number of bytes left in the stream (<see cref="long.MaxValue"/> for "some" when it cannot tell).</summary>
        private static long CountTrailing(Stream stream)
        {
            if (stream.CanSeek)
            {
                return Math.Max(0, stream.Length - stream.Position);
            }

            return stream.ReadByte() >= 0 ? long.MaxValue : 0;
        }

        /// <summary>
        /// Writes the described tensors to <paramref name="path"/> atomically: the bytes go to a uniquely named temporary
        /// file in the same folder, are flushed to the disk, and the temporary file is renamed over the target. An
        /// existing file is replaced only by a complete one; concurrent saves to one path leave one saver's complete file;
        /// a failed save leaves no temporary file; errors name <paramref name="path"/>.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
        /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
        public static void WriteFile(
            string path,
            IReadOnlyList<TensorDescriptor> tensors,
            ReadOnlySpan<float> parameters,
            ReadOnlySpan<float> state,
            ReadOnlySpan<long> counters,
            IReadOnlyDictionary<string, string>? metadata = null)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            using var memory = new MemoryStream();
            Write(memory, tensors, parameters, state, counters, metadata);
            AtomicFile.Write(path, memory.GetBuffer().AsSpan(0, (int)memory.Length));
        }

        /// <summary>
        /// The same as <see cref="Read"/> (kept for existing callers): the buffers change only when every check has passed.
        /// </summary>
        public static IReadOnlyDictionary<string, string> ReadInto(
            Stream stream,
            IReadOnlyList<TensorDescriptor> tensors,
            Span<float> parameters,
            Span<float> state,
            Span<long> counters) => Read(stream, tensors, parameters, state, counters);

        private static string Describe(IReadOnlyList<TensorDescriptor> tensors)
        {
            var sb = new StringBuilder();
            foreach (var t in tensors)
            {
                sb.Append(sb.Length == 0 ? string.Empty : ", ").Append(t.Name).Append(' ').Append(t.ShapeText);
            }

            return sb.ToString();
        }

        private static bool SameShape(long[] a, int[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int ReadFully(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer.Slice(total));
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        private sealed class Entry
        {
            public string DType = string.Empty;
            public long[] Shape = Array.Empty<long>();
            public long Begin = -1;
            public long End = -1;
        }

        private static Dictionary<string, Entry> ParseHeader(byte[] header, out IReadOnlyDictionary<string, string> metadata)
        {
            var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            metadata = meta;
            try
            {
                var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
                Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "the header is not a JSON object");
                bool sawMetadata = false;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    Expect(reader.TokenType == JsonTokenType.PropertyName, "expected a tensor name");
                    string name = reader.GetString()!;
                    Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, $"the entry '{name}' is not an object");
                    if (name == "__metadata__")
                    {
                        Expect(!sawMetadata, "__metadata__ appears twice");
                        sawMetadata = true;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            string key = reader.GetString()!;
                            Expect(!meta.ContainsKey(key), $"the metadata key '{key}' appears twice");
                            Expect(reader.Read() && reader.TokenType == JsonTokenType.String, $"metadata '{key}' is not a string");
                            meta[key] = reader.GetString()!;
                        }

                        continue;
                    }

                    Expect(!result.ContainsKey(name), $"tensor '{name}' appears twice");
                    var entry = new Entry();
                    var fields = new HashSet<string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        string field = reader.GetString()!;
                        Expect(fields.Add(field), $"the field '{field}' of '{name}' appears twice");
                        reader.Read();
                        switch (field)
                        {
                            case "dtype":
                                Expect(reader.TokenType == JsonTokenType.String, $"the dtype of '{name}' is not a string");
                                entry.DType = reader.GetString()!;
                                break;
                            case "shape":
                                entry.Shape = ReadLongs(ref reader, name, field).ToArray();
                                break;
                            case "data_offsets":
                                var offsets = ReadLongs(ref reader, name, field);
                                Expect(offsets.Count == 2, $"the data_offsets of '{name}' do not have two entries");
                                entry.Begin = offsets[0];
                                entry.End = offsets[1];
                                break;
                            default:
                                reader.Skip();
                                break;
                        }
                    }

                    Expect(fields.Contains("dtype") && fields.Contains("shape") && fields.Contains("data_offsets"), $"the entry '{name}' lacks a dtype, shape or data_offsets");
                    result[name] = entry;
                }

                // Only the padding may follow the object: JSON whitespace (writers pad with spaces to 8 bytes).
                Expect(reader.TokenType == JsonTokenType.EndObject, "the header object is not closed");
                var rest = header.AsSpan((int)reader.BytesConsumed);
                Expect(rest.TrimStart(" \t\r\n"u8).IsEmpty, $"{rest.Length} bytes after the JSON object are not padding");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"The safetensors header is not valid JSON: {ex.Message}", ex);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidDataException($"The safetensors header is malformed: {ex.Message}", ex);
            }

            return result;
        }

        private static List<long> ReadLongs(ref Utf8JsonReader reader, string name, string field)
        {
            Expect(reader.TokenType == JsonTokenType.StartArray, $"the {field} of '{name}' is not an array");
            var list = new List<long>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) && v >= 0, $"the {field} of '{name}' holds a value that is not a non-negative integer");
                list.Add(reader.GetInt64());
            }

            return list;
        }

        private static void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidDataException($"The safetensors header is malformed: {problem}.");
            }
        }
    }
}
