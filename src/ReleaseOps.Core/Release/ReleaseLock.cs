using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// Keeps two releases of one repository from running at once: a file in the git directory holding the process
    /// id, the host and the start time. A lock whose process no longer runs on this host is stale and is broken with a
    /// warning; a lock from another host, or a live one, is broken only when asked.
    /// </summary>
    public sealed class ReleaseLock : IDisposable
    {
        private readonly string path;

        private ReleaseLock(string path) => this.path = path;

        public static ReleaseLock Acquire(string gitDirectory, bool breakLock, IOperationReporter reporter)
        {
            var path = Path.Combine(gitDirectory, "releaseops-release.lock");
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    using var stream = LocalFiles.CreateNew(path); // O_EXCL, mode 0600: never through a planted link
                    using var writer = new StreamWriter(stream);
                    writer.Write(string.Join("\n", new[]
                    {
                        "pid=" + Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture),
                        "host=" + Environment.MachineName,
                        "started=" + DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                    }) + "\n");
                    return new ReleaseLock(path);
                }
                catch (IOException) when (LocalFiles.IsLink(path))
                {
                    // Never read, break or write through a link planted at the lock's name.
                    throw LocalFiles.Unsafe(path, "is a symbolic link");
                }
                catch (IOException) when (File.Exists(path) && attempt == 0)
                {
                    var text = SafeRead(path);
                    var pid = Field(text, "pid");
                    var host = Field(text, "host");
                    var stale = host == Environment.MachineName && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !IsRunning(id);
                    if (!stale && !breakLock)
                    {
                        throw new ReleaseOpsException(ErrorIds.ReleaseLocked, FailureCategory.ResourceUnavailable,
                            $"Another release of this repository is running (process {pid} on {host}, since {Field(text, "started")}); lock: {path}.",
                            "Wait for it to finish. If that process is gone, run again with -BreakLock.", path);
                    }

                    reporter.Warning(stale
                        ? $"Broke a stale release lock: process {pid} on {host} no longer runs."
                        : $"Broke the release lock of process {pid} on {host}, as -BreakLock asked.");
                    File.Delete(path);
                }
            }

            throw new ReleaseOpsException(ErrorIds.ReleaseLocked, FailureCategory.ResourceUnavailable, $"Could not take the release lock {path}.", "Run again.", path);
        }

        public void Dispose()
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
        }

        private static bool IsRunning(int pid)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                return !p.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static string SafeRead(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (IOException)
            {
                return string.Empty;
            }
        }

        private static string Field(string text, string name) =>
            text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(name + "=", StringComparison.Ordinal)).Select(l => l.Substring(name.Length + 1)).FirstOrDefault() ?? "?";
    }
}
