using System;
using System.IO;

namespace ModelGen
{
    /// <summary>
    /// Replaces a file only by a complete one: the bytes go to a uniquely named temporary file in the target's folder,
    /// are flushed to the disk, and the temporary file is then renamed over the target (a rename within one folder is
    /// atomic on the file systems .NET runs on). Concurrent writers each use their own temporary file, so the target
    /// always holds one writer's complete bytes; a failed write deletes its temporary file.
    /// </summary>
    internal static class AtomicFile
    {
        public static void Write(string path, ReadOnlySpan<byte> bytes)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            if (path.Length == 0)
            {
                throw new ArgumentException("The path is empty; give the file to write.", nameof(path));
            }

            string full = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
            if (Path.GetFileName(full).Length == 0)
            {
                throw new ArgumentException($"'{path}' is a folder; give the file to write.", nameof(path));
            }

            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
            }

            // A short unique name (not the target's name plus a suffix), so a legal target name never becomes too long.
            string temporary = Path.Combine(folder, ".modelgen-" + Guid.NewGuid().ToString("N").Substring(0, 16) + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(temporary);
                throw new IOException($"Cannot write '{path}': {e.Message}", e);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
        }

        private static void TryDelete(string file)
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The original error is the one to report.
            }
        }
    }
}
