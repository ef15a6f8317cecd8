using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// Copies files and folders to and from a node over SFTP. The destination is the copy's own path (as cp
    /// SOURCE DEST with DEST not existing). Each file goes to "&lt;name&gt;.partial" first and is renamed into place, so a
    /// stopped copy never leaves a truncated file under the real name.
    /// </summary>
    public static class NodeCopy
    {
        public const int ProgressActivity = ProgressIds.NodeCopy;

        public static async Task<IReadOnlyList<NodeCopyResult>> UploadAsync(NodeSession session, string localPath, string remotePath,
            IOperationReporter reporter, CancellationToken token)
        {
            var files = LocalFiles(localPath);
            var total = Math.Max(1, files.Sum(f => f.Length));
            using var sftp = await session.OpenSftpAsync(token).ConfigureAwait(false);
            var remoteRoot = RemotePath(sftp, remotePath);
            var results = new List<NodeCopyResult>();
            long done = 0;
            var isDirectory = Directory.Exists(localPath);
            foreach (var (file, length) in files)
            {
                token.ThrowIfCancellationRequested();
                var relative = isDirectory ? file.Substring(localPath.TrimEnd('/', '\\').Length + 1).Replace('\\', '/') : string.Empty;
                var target = relative.Length == 0 ? remoteRoot : remoteRoot.TrimEnd('/') + "/" + relative;
                EnsureRemoteDirectory(sftp, ParentOf(target));
                var watch = Stopwatch.StartNew();
                var start = done;
                using (var stream = File.OpenRead(file))
                {
                    var partial = target + ".partial";
                    var report = new LateProgressGuard();

                    // SSH.NET resolves every path it is given with SFTP's realpath, so a link at the final name would
                    // be followed by a delete, an open or a rename. The predictable .partial name and the target are
                    // therefore handled by rm and mv on the node, which act on a link itself: a link that a node user
                    // planted (to make a root upload overwrite /etc/shadow) is replaced, never followed. The file is
                    // then created exclusively (SSH_FXF_EXCL), so a link that appears meanwhile fails the upload.
                    await Shell(session, "rm -f -- \"$1\"", new[] { partial }, reporter, token).ConfigureAwait(false);
                    await Task.Run(() => sftp.UploadFile(stream, partial, false, uploaded => report.Run(() =>
                        reporter.Progress(ProgressActivity, $"Uploading to {session.Name}", $"{Or(relative, Path.GetFileName(file))}: {Bytes(start + (long)uploaded)} of {Bytes(total)}", (int)((start + (long)uploaded) * 100 / total)))), token).ConfigureAwait(false);
                    report.Finish();
                    await Shell(session, "mv -f -T -- \"$1\" \"$2\"", new[] { partial, target }, reporter, token).ConfigureAwait(false);
                }

                done += length;
                results.Add(new NodeCopyResult { HostName = session.Name, Direction = "Upload", Source = file, Destination = target, Length = length, Duration = watch.Elapsed });
            }

            reporter.CompleteProgress(ProgressActivity, $"Uploading to {session.Name}");
            return results;
        }

        /// <summary>
        /// Downloads a file or folder. The names come from the node, which may be hostile (scp's CVE-2019-6111): each
        /// must be one plain name (no "/", "\\", "..", "." or NUL), and every local path must stay under the
        /// destination (RemoteNameUnsafe). Links on the node are skipped, not followed. Locally, no folder on the way
        /// may be a link or belong to another user (LocalPathUnsafe), and each file is written to a new ".partial" file
        /// (created exclusively: never through a link planted there) that is then renamed into place.
        /// </summary>
        public static async Task<IReadOnlyList<NodeCopyResult>> DownloadAsync(NodeSession session, string remotePath, string localPath,
            IOperationReporter reporter, CancellationToken token)
        {
            using var sftp = await session.OpenSftpAsync(token).ConfigureAwait(false);
            var root = RemotePath(sftp, remotePath);
            if (!sftp.Exists(root))
            {
                throw new ReleaseOpsException(ErrorIds.RemotePathNotFound, FailureCategory.ObjectNotFound, $"{session.Name}: {remotePath} does not exist.", "Check the path on the node.", remotePath);
            }

            var rootAttributes = sftp.GetAttributes(root);
            var rootIsDirectory = rootAttributes.IsDirectory;
            var files = PlanDownload(path => sftp.ListDirectory(path).Select(e => new RemoteEntry(e.Name, e.IsDirectory, e.IsRegularFile, e.IsSymbolicLink, e.Length)),
                root, rootIsDirectory, rootAttributes.Size, session.Name, reporter);
            var total = Math.Max(1, files.Sum(f => f.Length));
            long done = 0;
            var results = new List<NodeCopyResult>();
            var localRoot = Path.GetFullPath(localPath);
            foreach (var (file, relative, length) in files)
            {
                token.ThrowIfCancellationRequested();
                var target = LocalTarget(localRoot, relative, session.Name);
                PrepareLocalDirectories(localRoot, relative, rootIsDirectory);
                var partial = target + ".partial";
                var watch = Stopwatch.StartNew();
                var start = done;
                try
                {
                    // A .partial left by a stopped copy (or planted) is unlinked, never opened: the new one is created
                    // exclusively (O_EXCL), which fails rather than follow a link that appears in between.
                    Core.LocalFiles.TryDelete(partial);
                    using (var stream = Core.LocalFiles.CreateNew(partial))
                    {
                        var report = new LateProgressGuard();
                        await Task.Run(() => sftp.DownloadFile(file, stream, downloaded => report.Run(() =>
                            reporter.Progress(ProgressActivity, $"Downloading from {session.Name}", $"{file}: {Bytes(start + (long)downloaded)} of {Bytes(total)}", (int)((start + (long)downloaded) * 100 / total)))), token).ConfigureAwait(false);
                        report.Finish();
                    }

                    // rename(2) replaces the name itself: a link at the target is replaced, never written through.
                    if (Directory.Exists(target) && !Core.LocalFiles.IsLink(target))
                    {
                        throw new ReleaseOpsException(ErrorIds.LocalPathExists, FailureCategory.ResourceExists, $"{target} is a folder; the file {file} is not put in its place.",
                            "Choose another -LocalPath, or remove the folder.", target);
                    }
#if NET
                    File.Move(partial, target, overwrite: true);
#else
                    if (File.Exists(target) || Core.LocalFiles.IsLink(target))
                    {
                        File.Delete(target);
                    }

                    File.Move(partial, target);
#endif
                }
                catch
                {
                    Core.LocalFiles.TryDelete(partial);
                    throw;
                }

                done += length;
                results.Add(new NodeCopyResult { HostName = session.Name, Direction = "Download", Source = file, Destination = target, Length = length, Duration = watch.Elapsed });
            }

            if (rootIsDirectory)
            {
                PrepareLocalDirectories(localRoot, string.Empty, rootIsDirectory: true);
            }

            reporter.CompleteProgress(ProgressActivity, $"Downloading from {session.Name}");
            return results;
        }

        private static async Task Shell(NodeSession session, string script, IReadOnlyList<string> arguments, IOperationReporter reporter, CancellationToken token)
        {
            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = script, Arguments = arguments, Timeout = TimeSpan.FromMinutes(1) }, null, reporter, token).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                throw new ReleaseOpsException(ErrorIds.CopyFailed, FailureCategory.PermissionDenied, $"{session.Name}: {r.Error.Trim()}", "Check the destination folder's permissions and run the same command again.", arguments[arguments.Count - 1]);
            }
        }

        /// <summary>
        /// The files to download: (remote path, relative local path with "/" separators, length). Remote paths are built
        /// from the root the admin gave and the listed names, never from the server's idea of a full name; every name
        /// is checked (RemoteNameUnsafe), and links are skipped with a warning.
        /// </summary>
        internal static List<(string Remote, string Relative, long Length)> PlanDownload(Func<string, IEnumerable<RemoteEntry>> list, string root,
            bool rootIsDirectory, long rootLength, string node, IOperationReporter reporter)
        {
            var files = new List<(string, string, long)>();
            if (!rootIsDirectory)
            {
                files.Add((root, string.Empty, rootLength));
                return files;
            }

            void Walk(string remote, string relative)
            {
                foreach (var entry in list(remote).Where(e => e.Name != "." && e.Name != "..").OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    CheckName(entry.Name, remote, node);
                    var childRemote = remote.TrimEnd('/') + "/" + entry.Name;
                    var childRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                    if (entry.IsSymbolicLink)
                    {
                        reporter.Warning($"{node}: {childRemote} is a symbolic link; links are not followed, and it was not copied.");
                    }
                    else if (entry.IsDirectory)
                    {
                        Walk(childRemote, childRelative);
                    }
                    else if (entry.IsRegularFile)
                    {
                        files.Add((childRemote, childRelative, entry.Length));
                    }
                }
            }

            Walk(root, string.Empty);
            return files;
        }

        /// <summary>The local path of a relative download path, which must stay under the destination (RemoteNameUnsafe).</summary>
        internal static string LocalTarget(string localRoot, string relative, string node)
        {
            var root = Path.GetFullPath(localRoot);
            if (relative.Length == 0)
            {
                return root;
            }

            var parts = relative.Split('/');
            foreach (var part in parts)
            {
                CheckName(part, relative, node);
            }

            var target = Path.GetFullPath(Path.Combine(new[] { root }.Concat(parts).ToArray()));
            var under = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (!target.StartsWith(under, WindowsPaths() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                throw Unsafe(relative, node);
            }

            return target;
        }

        private static bool WindowsPaths() => Path.DirectorySeparatorChar == '\\';

        private static void CheckName(string name, string where, string node)
        {
            if (name.Length == 0 || name == "." || name == ".." || name.IndexOfAny(new[] { '/', '\\', '\0' }) >= 0
                || (Path.DirectorySeparatorChar == '\\' && (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))))
            {
                throw Unsafe(where.TrimEnd('/') + "/" + name, node);
            }
        }

        private static ReleaseOpsException Unsafe(string name, string node) =>
            new(ErrorIds.RemoteNameUnsafe, FailureCategory.SecurityError,
                $"{node} sent the name '{name.Replace("\0", "\\0")}', which would put a file outside the download's destination; nothing more is downloaded.",
                "Do not trust this node: check its SFTP server. A real file system has no such names.", node);

        /// <summary>
        /// Creates the folders from the destination down to the file's folder, refusing any that exists as a link or
        /// belongs to another user (LocalPathUnsafe): a link planted in a shared destination would take the file elsewhere.
        /// </summary>
        private static void PrepareLocalDirectories(string localRoot, string relative, bool rootIsDirectory)
        {
            if (!rootIsDirectory)
            {
                // A single file: its folder is the admin's choice, as with cp.
                Directory.CreateDirectory(Path.GetDirectoryName(localRoot)!);
                return;
            }

            var dir = localRoot;
            var parts = relative.Length == 0 ? Array.Empty<string>() : relative.Split('/');
            for (var i = -1; i < parts.Length - 1; i++)
            {
                if (i >= 0)
                {
                    dir = Path.Combine(dir, parts[i]);
                }

                if (Core.LocalFiles.IsLink(dir) || Directory.Exists(dir))
                {
                    Core.LocalFiles.CheckOwned(dir, directory: true);
                }
                else
                {
                    Directory.CreateDirectory(dir);
                    Core.LocalFiles.CheckOwned(dir, directory: true);
                }
            }
        }

        private static List<(string Path, long Length)> LocalFiles(string path)
        {
            if (File.Exists(path))
            {
                return new List<(string, long)> { (Path.GetFullPath(path), new FileInfo(path).Length) };
            }

            if (Directory.Exists(path))
            {
                return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
                    .Select(f => (f, new FileInfo(f).Length)).ToList();
            }

            throw new ReleaseOpsException(ErrorIds.LocalPathNotFound, FailureCategory.ObjectNotFound, $"{path} does not exist.", "Pass an existing file or folder.", path);
        }

        private static void EnsureRemoteDirectory(SftpClient sftp, string path)
        {
            if (path.Length == 0 || path == "/" || sftp.Exists(path))
            {
                return;
            }

            EnsureRemoteDirectory(sftp, ParentOf(path));
            sftp.CreateDirectory(path);
        }

        private static string RemotePath(SftpClient sftp, string path)
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            {
                return sftp.WorkingDirectory.TrimEnd('/') + path.Substring(1);
            }

            return path.StartsWith("/", StringComparison.Ordinal) ? path : sftp.WorkingDirectory.TrimEnd('/') + "/" + path;
        }

        private static string ParentOf(string path)
        {
            var i = path.TrimEnd('/').LastIndexOf('/');
            return i <= 0 ? "/" : path.Substring(0, i);
        }

        /// <summary>SSH.NET raises progress on the thread pool, sometimes after the transfer ended; those reports are dropped.</summary>
        private sealed class LateProgressGuard
        {
            private readonly object gate = new();
            private bool finished;

            public void Run(Action report)
            {
                lock (gate)
                {
                    if (!finished)
                    {
                        report();
                    }
                }
            }

            public void Finish()
            {
                lock (gate)
                {
                    finished = true;
                }
            }
        }

        /// <summary>A directory entry as the node listed it (its own attributes: links are not followed).</summary>
        internal readonly struct RemoteEntry
        {
            public RemoteEntry(string name, bool isDirectory, bool isRegularFile, bool isSymbolicLink, long length)
            {
                Name = name;
                IsDirectory = isDirectory;
                IsRegularFile = isRegularFile;
                IsSymbolicLink = isSymbolicLink;
                Length = length;
            }

            public string Name { get; }

            public bool IsDirectory { get; }

            public bool IsRegularFile { get; }

            public bool IsSymbolicLink { get; }

            public long Length { get; }
        }

        private static string Bytes(long n) => n < 1024 * 1024 ? $"{n / 1024.0:0.#} KB" : $"{n / 1048576.0:0.#} MB";

        private static string Or(string s, string fallback) => s.Length == 0 ? fallback : s;
    }
}
