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
        public const int ProgressActivity = 4300;

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

        public static async Task<IReadOnlyList<NodeCopyResult>> DownloadAsync(NodeSession session, string remotePath, string localPath,
            IOperationReporter reporter, CancellationToken token)
        {
            using var sftp = await session.OpenSftpAsync(token).ConfigureAwait(false);
            var root = RemotePath(sftp, remotePath);
            if (!sftp.Exists(root))
            {
                throw new ReleaseOpsException("RemotePathNotFound", FailureCategory.ObjectNotFound, $"{session.Name}: {remotePath} does not exist.", "Check the path on the node.", remotePath);
            }

            var files = new List<(string Path, long Length)>();
            var rootIsDirectory = sftp.GetAttributes(root).IsDirectory;
            CollectRemote(sftp, root, files);
            var total = Math.Max(1, files.Sum(f => f.Length));
            long done = 0;
            var results = new List<NodeCopyResult>();
            foreach (var (file, length) in files)
            {
                token.ThrowIfCancellationRequested();
                var relative = rootIsDirectory ? file.Substring(root.TrimEnd('/').Length + 1) : string.Empty;
                var target = relative.Length == 0 ? localPath : Path.Combine(localPath, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                var partial = target + ".partial";
                var watch = Stopwatch.StartNew();
                var start = done;
                try
                {
                    using (var stream = File.Create(partial))
                    {
                        var report = new LateProgressGuard();
                        await Task.Run(() => sftp.DownloadFile(file, stream, downloaded => report.Run(() =>
                            reporter.Progress(ProgressActivity, $"Downloading from {session.Name}", $"{file}: {Bytes(start + (long)downloaded)} of {Bytes(total)}", (int)((start + (long)downloaded) * 100 / total)))), token).ConfigureAwait(false);
                        report.Finish();
                    }

                    if (File.Exists(target))
                    {
                        File.Delete(target);
                    }

                    File.Move(partial, target);
                }
                catch
                {
                    File.Delete(partial);
                    throw;
                }

                done += length;
                results.Add(new NodeCopyResult { HostName = session.Name, Direction = "Download", Source = file, Destination = Path.GetFullPath(target), Length = length, Duration = watch.Elapsed });
            }

            if (rootIsDirectory)
            {
                Directory.CreateDirectory(localPath);
            }

            reporter.CompleteProgress(ProgressActivity, $"Downloading from {session.Name}");
            return results;
        }

        private static async Task Shell(NodeSession session, string script, IReadOnlyList<string> arguments, IOperationReporter reporter, CancellationToken token)
        {
            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = script, Arguments = arguments, Timeout = TimeSpan.FromMinutes(1) }, null, reporter, token).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                throw new ReleaseOpsException("CopyFailed", FailureCategory.PermissionDenied, $"{session.Name}: {r.Error.Trim()}", "Check the destination folder's permissions and run the same command again.", arguments[arguments.Count - 1]);
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

            throw new ReleaseOpsException("LocalPathNotFound", FailureCategory.ObjectNotFound, $"{path} does not exist.", "Pass an existing file or folder.", path);
        }

        private static void CollectRemote(SftpClient sftp, string path, List<(string, long)> files)
        {
            var attributes = sftp.GetAttributes(path);
            if (!attributes.IsDirectory)
            {
                files.Add((path, attributes.Size));
                return;
            }

            foreach (var entry in sftp.ListDirectory(path).Where(e => e.Name != "." && e.Name != "..").OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry.IsDirectory)
                {
                    CollectRemote(sftp, entry.FullName, files);
                }
                else if (entry.IsRegularFile)
                {
                    files.Add((entry.FullName, entry.Length));
                }
            }
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

        private static string Bytes(long n) => n < 1024 * 1024 ? $"{n / 1024.0:0.#} KB" : $"{n / 1048576.0:0.#} MB";

        private static string Or(string s, string fallback) => s.Length == 0 ? fallback : s;
    }
}
