using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// One ReleaseOps process at a time per project's migration: Invoke-Migration, Resume-Migration, Undo-Migration
    /// and Complete-Migration take it before they touch a node, so that two runs never interleave their steps (one
    /// switching DNS while the other restores). It is an exclusive lock on a file beside the journals (flock on Linux
    /// and macOS, a sharing lock on Windows), held by the open handle: the system releases it when the process ends,
    /// however it ends, so there is no stale lock to break. Who holds it is written to a second file, for the message.
    /// </summary>
    public sealed class MigrationLock : IDisposable
    {
        private readonly FileStream stream;
        private readonly string infoPath;

        private MigrationLock(FileStream stream, string infoPath)
        {
            this.stream = stream;
            this.infoPath = infoPath;
        }

        /// <summary>Takes the lock of a project's migrations, or throws MigrationLocked naming who holds it.</summary>
        public static MigrationLock Acquire(string project, string? directory = null)
        {
            var dir = directory ?? MigrationJournal.Directory;
            LocalFiles.EnsurePrivateDirectory(dir);
            var name = "project-" + Key(project);
            var path = Path.Combine(dir, name + ".lock");
            var infoPath = Path.Combine(dir, name + ".lock.info");
            foreach (var p in new[] { path, infoPath })
            {
                if ((File.Exists(p) || System.IO.Directory.Exists(p)) && new FileInfo(p).Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    throw new ReleaseOpsException(ErrorIds.UnsafeJournalFolder, FailureCategory.SecurityError, $"{p} is a symbolic link; ReleaseOps does not follow links in its journal folder.",
                        $"Remove the link, and check who can write {dir}.", p);
                }
            }

            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                var holder = File.Exists(infoPath) ? SafeRead(infoPath) : "another ReleaseOps process";
                throw new ReleaseOpsException(ErrorIds.MigrationLocked, FailureCategory.ResourceUnavailable,
                    $"The migration of {project} is being run by {holder}. Nothing was changed.",
                    "Wait for that run to end (Get-Migration shows its progress), then run the command again.", project, ex);
            }

            var info = $"process {System.Diagnostics.Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture)} of {Environment.UserName} on {Environment.MachineName}, since {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC";
            LocalFiles.WriteAtomically(infoPath, info);
            return new MigrationLock(stream, infoPath);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            try
            {
                File.Delete(infoPath);
            }
            catch (IOException)
            {
            }

            stream.Dispose();
        }

        private static string SafeRead(string path)
        {
            try
            {
                var text = File.ReadAllText(path).Trim();
                return text.Length > 200 || text.Any(char.IsControl) ? "another ReleaseOps process" : text;
            }
            catch (IOException)
            {
                return "another ReleaseOps process";
            }
        }

        // Any project name becomes a file name that cannot leave the folder.
        private static string Key(string project)
        {
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(project ?? string.Empty)).Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
