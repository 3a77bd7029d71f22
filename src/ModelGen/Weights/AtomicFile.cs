// Weights: whole-file replacement by write-then-rename, so a save that is killed or races another never leaves a torn
// file; every save of weights and checkpoints goes through it.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace ModelGen
{
    /// <summary>
    /// Replaces a file only by a complete one: the bytes go to a uniquely named temporary file in the target's folder,
    /// are flushed to the disk, and the temporary file is then renamed over the target (a rename within one folder is
    /// atomic on the file systems .NET runs on). Concurrent writers each use their own temporary file, so the target
    /// always holds one writer's complete bytes; a failed write deletes its temporary file. A write that was killed
    /// leaves its temporary file behind; the next completed write in the folder deletes every such orphan (a temporary
    /// file named for this machine and a process that no longer runs).
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

            // A short unique name (not the target's name plus a suffix), so a legal target name never becomes too long. It
            // names the machine and the process, so a later write can tell an orphan from a write in progress.
            string temporary = Path.Combine(folder, OwnPrefix + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
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

            RemoveOrphans(folder);
        }

        /// <summary>The prefix of the temporary files: <c>.modelgen-</c>, a hash of the machine name, then a process id.</summary>
        private static string Prefix(int processId) =>
            string.Create(CultureInfo.InvariantCulture, $".modelgen-{Host}-{processId}-");

        private static readonly string Host = HostHash();

        private static readonly string OwnPrefix = Prefix(Environment.ProcessId);

        /// <summary>
        /// Deletes the temporary files of writes that were killed: those of this machine whose process no longer runs.
        /// Another machine's files (a shared folder) and a live process's files are left alone. Never throws: the write it
        /// follows has succeeded.
        /// </summary>
        private static void RemoveOrphans(string folder)
        {
            try
            {
                string machine = string.Create(CultureInfo.InvariantCulture, $".modelgen-{Host}-");
                foreach (string file in Directory.EnumerateFiles(folder, machine + "*.tmp"))
                {
                    string name = Path.GetFileName(file);
                    int dash = name.IndexOf('-', machine.Length);
                    if (dash < 0 || !int.TryParse(name.AsSpan(machine.Length, dash - machine.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                    {
                        continue;
                    }

                    if (pid != Environment.ProcessId && !IsRunning(pid))
                    {
                        TryDelete(file);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException or NotSupportedException)
            {
                // Cleaning up is a courtesy; the write succeeded.
            }
        }

        private static bool IsRunning(int processId)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                // Cannot tell: treat it as running, so nothing in progress is deleted.
                return true;
            }
        }

        /// <summary>A stable 32-bit FNV-1a hash of the machine name, in hex (string.GetHashCode differs per process).</summary>
        private static string HostHash()
        {
            string machine;
            try
            {
                machine = Environment.MachineName;
            }
            catch (InvalidOperationException)
            {
                machine = string.Empty;
            }

            uint hash = 2166136261;
            foreach (char c in machine)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash.ToString("x8", CultureInfo.InvariantCulture);
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
