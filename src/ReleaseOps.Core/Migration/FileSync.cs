using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// Makes a folder on one node equal to a folder on another, rsync style, streamed node to node through the admin's
    /// machine. Both folders are listed (type, size, mtime, mode: rsync's quick check); only entries that are new or
    /// differ are sent, as one tar stream (tar -c on the source, tar -x on the target, through a fixed buffer);
    /// entries the source no longer has are deleted on the target (unless KeepDeleted). Then the sha256 of every
    /// file is compared on both nodes. A second run after a few changes sends only those changes.
    /// </summary>
    public static class FileSync
    {
        public const int ProgressActivity = ProgressIds.FileSync;

        // Every script enters the folder only when no part of its path is a symbolic link (exit 5): a link planted by
        // an app container with a bind mount (uploads -> /) must not turn the delete step on the node's root.
        private const string Enter = "cd -P -- \"$1\" 2>/dev/null || { echo \"releaseops: no folder $1\" >&2; exit 4; }; [ \"$(pwd -P)\" = \"$1\" ] || { echo \"releaseops: $1 is reached through a symbolic link ($(pwd -P))\" >&2; exit 5; }; ";

        internal const string ListScript = Enter + "\n"
            + "find . -mindepth 1 \\( -type f -o -type l -o -type d \\) -printf '%y\\t%s\\t%T@\\t%m\\t%P\\t%l\\0'";

        internal const string HashScript = Enter + "find . -type f -print0 | xargs -0 -r sha256sum -z --";

        private const string ListFileScript = "f=$(mktemp \"${TMPDIR:-/tmp}/releaseops-list.XXXXXX\") && cat > \"$f\" && printf '%s' \"$f\"";

        // The list of entries to send is a file (written just before), since standard input carries the stream's credits.
        private const string SendScript = Enter + "tar --create --file=- --no-recursion --null --verbatim-files-from --files-from=\"$2\"; s=$?; rm -f -- \"$2\"; exit $s";

        private const string ReceiveScript = "mkdir -p -- \"$1\" || exit 4; " + Enter + "tar --extract --file=- --preserve-permissions --same-owner --numeric-owner";

        // The free bytes of the file system that holds the folder (or its nearest existing parent).
        private const string FreeScript = "d=$1; while [ ! -d \"$d\" ]; do d=$(dirname -- \"$d\"); done; df -Pk -- \"$d\" | awk 'NR==2 {printf \"%.0f\\n\", $4 * 1024}'";

        // Deletes and marks act on each entry from inside its own folder, entered with cd -P and checked with pwd -P, so
        // that a folder that an app container turns into a link after the listing (uploads/a -> /etc) is refused (exit 5)
        // rather than followed: "rm -rf ./a/keep" would follow such a link, the name in a checked folder never does.
        private const string MarkScript = Enter + EachFolderHead + "touch -h -c -d @0 --" + EachFolderTail;

        private const string DeleteScript = Enter + EachFolderHead + "rm -rf --" + EachFolderTail;

        // The command (no single quotes) runs on each entry's last name, inside the entry's folder; the folder is entered
        // in a subshell of the checked top folder (a link swapped above it later changes nothing), and a folder already
        // gone (deleted with its parent) is skipped. xargs turns a child's exit 255 into 124.
        private const string EachFolderHead = "top=$(pwd -P && echo .); top=${top%??}; xargs -0 -r sh -c '"
            + "top=$1; shift; for p; do d=${p%/*}; b=${p##*/}; want=$top${d#.}; "
            + "( cd -P -- \"$d\" 2>/dev/null || exit 0; here=$(pwd -P && echo .); [ \"${here%??}\" = \"$want\" ] || exit 9; ";

        private const string EachFolderTail = " \"$b\" ); s=$?; "
            + "if [ $s = 9 ]; then echo \"releaseops: ${d#./} is reached through a symbolic link\" >&2; exit 255; fi; [ $s = 0 ] || exit 1; done' each \"$top\"; "
            + "s=$?; [ $s = 124 ] && exit 5; exit $s";

        /// <summary>The default of <see cref="FileSyncRequest.MaxDelete"/>.</summary>
        public const int DefaultMaxDelete = 1000;

        // Folders whose contents a sync must never replace or delete: the system's own, and the roots of the places
        // where data lives (a sync names a folder inside them, such as /srv/cortico/uploads).
        private static readonly HashSet<string> SystemFolders = new(StringComparer.Ordinal)
        {
            "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root",
            "/run", "/sbin", "/snap", "/srv", "/sys", "/tmp", "/usr", "/var", "/boot/efi", "/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec",
            "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/sbin", "/usr/share", "/usr/src", "/usr/include", "/var/backups", "/var/cache",
            "/var/lib", "/var/local", "/var/log", "/var/mail", "/var/opt", "/var/spool", "/var/tmp", "/var/www", "/var/lib/docker",
            "/var/lib/docker/volumes", "/var/lib/postgresql", "/var/lib/dpkg", "/var/lib/apt", "/etc/ssh", "/etc/sudoers.d",
        };

        /// <summary>
        /// Checks a folder path before any node is touched and returns it in normal form (no trailing '/'): absolute,
        /// without control characters, without '.' or '..' segments (which once turned /srv/.. into a delete over the
        /// node's root), and neither the root nor a system folder.
        /// </summary>
        public static string Normalize(string path, string what)
        {
            static ReleaseOpsException Invalid(string? path, string what, string why) => new(ErrorIds.InvalidSyncPath, FailureCategory.InvalidArgument,
                $"The {what} '{path}' {why}.", "Pass the absolute path of the folder to sync, such as /srv/cortico/uploads.", path);

            if (string.IsNullOrEmpty(path) || path[0] != '/')
            {
                throw Invalid(path, what, "is not an absolute path");
            }

            if (path.Length > 4096 || path.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator))
            {
                throw Invalid(path, what, "holds a control or invisible character, or is longer than 4096 characters");
            }

            // Look-alikes of '/' and '.' (fullwidth, division and fraction slashes) make a path read as another one.
            if (path.Any(c => "\u2215\u2044\u29F8\u2571\uFF0F\uFF0E\u2024\u3002\uFE52".IndexOf(c) >= 0)
                || path.Normalize(NormalizationForm.FormKC).Count(c => c == '/' || c == '.') != path.Count(c => c == '/' || c == '.'))
            {
                throw Invalid(path, what, "holds a character that looks like '/' or '.'; write the folder's path in plain characters");
            }

            var segments = path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            if (segments.Any(s => s == "." || s == ".."))
            {
                throw Invalid(path, what, "has a '.' or '..' segment; write the folder's own path");
            }

            var normal = "/" + string.Join("/", segments);
            if (segments.Length == 0 || SystemFolders.Contains(normal))
            {
                throw Invalid(path, what, $"is {(segments.Length == 0 ? "the root" : "a system folder")}; a sync would replace what the node runs on. Name the folder inside it that holds the data");
            }

            return normal;
        }

        /// <summary>Throws InvalidSyncPath for a path that <see cref="Normalize"/> refuses.</summary>
        public static void Validate(string path, string what) => Normalize(path, what);

        /// <summary>The commands, per node, as the admin would read them (for -WhatIf).</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Plan(FileSyncRequest request, string source, string target)
        {
            var s = ShellQuote.Quote(request.Path);
            var t = ShellQuote.Quote(request.TargetPathOrSame);
            var delete = request.KeepDeleted ? string.Empty : $" --delete --max-delete={request.MaxDelete.ToString(CultureInfo.InvariantCulture)}";
            var steps = new List<KeyValuePair<string, string>>
            {
                new(source, $"cd {s} && find . -mindepth 1 -printf '%y %s %T@ %m %P %l'   (list: type, size, mtime, mode)"),
                new(target, $"cd {t} && find . -mindepth 1 -printf '%y %s %T@ %m %P %l'   (list)"),
            };
            if (request.Direct)
            {
                steps.AddRange(DirectRsync.Plan(request, source, target, delete));
            }
            else
            {
                steps.Add(new(source, $"cd {s} && rsync --server --sender -logDtprHe.<the receiver's capabilities> --numeric-ids . ./   (rsync's sender; its protocol relayed through this machine, both ways)"));
                steps.Add(new(target, $"mkdir -p {t} && cd {t} && rsync -aH --numeric-ids{delete} --out-format='%i %n%L' -e <the relay> source:./ ./   (rsync's receiver; only deltas travel)"));
            }

            steps.Add(new($"{source}, {target}", "(without rsync on either node: tar --create on the source, through this machine, tar --extract on the target, then rm -rf of what the source lacks)"));
            if (!request.NoVerify)
            {
                steps.Add(new(source, $"cd {s} && xargs -0 -r sha256sum -z -- <<< (the files rsync moved, and {SampleFiles} others at random{(request.Direct ? "; those listed as changed while rsync sends them" : string.Empty)})"));
                steps.Add(new(target, request.Direct
                    ? $"cd {t} && sha256 of each file rsync received, as the next one arrives, and of the same sample, while rsync runs (python3; a file whose hash differs is hashed again after rsync; without python3, xargs -0 -r sha256sum -z -- after it)"
                    : $"cd {t} && xargs -0 -r sha256sum -z -- <<< (the same files)"));
            }

            return steps;
        }

        /// <summary>
        /// TargetDiskFull before a byte is sent when the target's file system cannot hold the changes (less what the
        /// replaced files free): a half-written upload is worse than none, and the message says how much is missing.
        /// </summary>
        private static async Task EnsureSpaceAsync(NodeSession target, string targetPath, IReadOnlyList<FileEntry> changed, IReadOnlyDictionary<string, FileEntry> dst,
            IOperationReporter reporter, CancellationToken token, Task<NodeCommandResult>? asked = null)
        {
            var needed = changed.Where(e => e.Type == 'f').Sum(e => e.Size - (dst.TryGetValue(e.Path, out var d) && d.Type == 'f' ? d.Size : 0));
            var r = await (asked ?? FreeAsync(target, targetPath, reporter, token)).ConfigureAwait(false);
            if (r.ExitCode != 0 || !long.TryParse(r.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var free))
            {
                reporter.Verbose($"{target.Name}: the free space of {targetPath} is unknown ({r.Error.Trim()}); sending anyway.");
                return;
            }

            // tar needs a little more than the data (headers, directories); keep 1 MB of slack.
            if (free < needed + (1L << 20))
            {
                throw new ReleaseOpsException(ErrorIds.TargetDiskFull, FailureCategory.ResourceUnavailable,
                    $"{target.Name}: the disk of {targetPath} has {DatabaseSync.Megabytes(free)} free, and the files to send need {DatabaseSync.Megabytes(needed)} (No space left on device). Nothing was sent.",
                    "Free space on the target (or grow its disk), then run the same command again.", targetPath);
            }
        }

        // The free bytes of the target's file system, asked while both folders are listed (a direct sync's round trips add up).
        private static Task<NodeCommandResult> FreeAsync(NodeSession target, string targetPath, IOperationReporter reporter, CancellationToken token) =>
            NodeCommandRunner.RunAsync(target, new NodeCommandRequest { Command = FreeScript, Arguments = new[] { targetPath }, Sudo = true }, null, reporter, token);

        public static async Task<FileSyncResult> SyncAsync(NodeSession source, NodeSession target, FileSyncRequest request, IOperationReporter reporter, CancellationToken token)
        {
            request = new FileSyncRequest
            {
                Path = Normalize(request.Path, "source path"),
                TargetPath = Normalize(request.TargetPathOrSame, "target path"),
                KeepDeleted = request.KeepDeleted,
                NoVerify = request.NoVerify,
                MaxDelete = request.MaxDelete,
                Preview = request.Preview,
                Direct = request.Direct,
                DirectAddress = request.DirectAddress,
                DirectFrom = request.DirectFrom.Select(DirectPath.ParseFrom).ToList(),
                DirectTag = request.DirectTag,
            };
            if (request.Direct)
            {
                // A bad address is refused before any node is touched.
                _ = DirectRsync.AddressOf(source, request.DirectAddress);
            }

            var watch = Stopwatch.StartNew();
            var activity = $"Sync-NodeFile {request.Path}: {source.Name} -> {target.Name}";
            reporter.Progress(ProgressActivity, activity, "Listing both folders", -1);
            var listSource = ListAsync(source, request.Path, true, reporter, token);
            var listTarget = ListAsync(target, request.TargetPathOrSame, false, reporter, token);
            var probe = request.Preview ? Task.FromResult(new RsyncProbe()) : ProbeAsync(source, target, reporter, token);

            // The direct path's key is made on the target, and its line added on the source, while both folders are listed;
            // whatever happens next, the line and the key's folder are removed before this returns (during the checksums
            // when all went well).
            var prepare = request.Direct && !request.Preview ? DirectRsync.PrepareAsync(source, target, request, reporter, token) : null;
            var ready = prepare is null ? null : InstallAsync(prepare, probe, request, reporter, token);
            var free = request.Preview ? null : FreeAsync(target, request.TargetPathOrSame, reporter, token);
            Task<IReadOnlyList<string>>? cleanup = null;
            Task<IReadOnlyList<string>> Cleanup() => cleanup ??= CleanupDirectAsync(prepare!, ready!, reporter);
            var succeeded = false;
            try
            {
                var r = await SyncCoreAsync(source, target, request, listSource, listTarget, probe, ready, free, ready is null ? null : Cleanup, watch, activity, reporter, token).ConfigureAwait(false);
                succeeded = true;
                return r;
            }
            finally
            {
                if (free is not null)
                {
                    await Task.WhenAny(free).ConfigureAwait(false);
                }

                if (prepare is not null)
                {
                    var left = await Cleanup().ConfigureAwait(false);
                    if (left.Count > 0)
                    {
                        var what = $"The direct sync's temporary key could not be removed: {string.Join("; ", left)}. The line allows only rsync's sender in the synced folder, from the new node; the next run of the same sync removes it, as does any run after ten minutes.";
                        if (succeeded)
                        {
                            throw new ReleaseOpsException(ErrorIds.NodeCommandFailed, FailureCategory.InvalidResult, what,
                                "Run the same command again (it removes the leftover first), or remove the line by hand.", request.Path);
                        }

                        reporter.Warning(what);
                    }
                }
            }
        }

        // The key is made (prepare) and rsync's sender arguments are known (probe): the line goes on the source. Null when
        // a node lacks rsync (the tar stream then goes through this machine).
        private static async Task<DirectRsync?> InstallAsync(Task<DirectRsync> prepare, Task<RsyncProbe> probe, FileSyncRequest request, IOperationReporter reporter, CancellationToken token)
        {
            var direct = await prepare.ConfigureAwait(false);
            var rsync = await probe.ConfigureAwait(false);
            if (rsync.ServerArguments is null)
            {
                return null;
            }

            await direct.InstallAsync(request, rsync.ServerArguments, reporter, token).ConfigureAwait(false);
            return direct;
        }

        // Waits for the install to end (a line being added when the run fails is still removed), then removes the line and
        // the folder; returns what could not be removed.
        private static async Task<IReadOnlyList<string>> CleanupDirectAsync(Task<DirectRsync> prepare, Task<DirectRsync?> ready, IOperationReporter reporter)
        {
            DirectRsync direct;
            try
            {
                direct = await prepare.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Nothing was installed on the source; the target's script removed its own folder on failure.
                return Array.Empty<string>();
            }

            await Task.WhenAny(ready).ConfigureAwait(false);
            var left = await direct.CleanupAsync(reporter).ConfigureAwait(false);
            if (left.Count == 0)
            {
                reporter.Verbose("Direct sync: the temporary key's line and folder are removed.");
            }

            return left;
        }

        private static async Task<FileSyncResult> SyncCoreAsync(NodeSession source, NodeSession target, FileSyncRequest request,
            Task<IReadOnlyDictionary<string, FileEntry>> listSource, Task<IReadOnlyDictionary<string, FileEntry>> listTarget, Task<RsyncProbe> probe, Task<DirectRsync?>? prepare,
            Task<NodeCommandResult>? free, Func<Task<IReadOnlyList<string>>>? cleanup, Stopwatch watch, string activity, IOperationReporter reporter, CancellationToken token)
        {
            var targetPath = request.TargetPathOrSame;
            await Task.WhenAll(listSource, listTarget, probe).ConfigureAwait(false);
            var src = await listSource.ConfigureAwait(false);
            var dst = await listTarget.ConfigureAwait(false);
            var changed = src.Values.Where(e => !dst.TryGetValue(e.Path, out var d) || !e.SameAs(d)).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();

            // A path that changes type (a file that became a folder) must go before the new one arrives.
            var deleted = request.KeepDeleted
                ? new List<string>()
                : dst.Values.Where(d => !src.TryGetValue(d.Path, out var e) || (e.Type != d.Type && !(e.Type == 'd' && d.Type == 'd'))).Select(d => d.Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
            var totalBytes = src.Values.Where(e => e.Type == 'f').Sum(e => e.Size);
            var result = new FileSyncResult
            {
                Source = source.Name,
                Target = target.Name,
                Path = request.Path,
                TargetPath = targetPath,
                Files = src.Values.Count(e => e.Type == 'f'),
                TotalBytes = totalBytes,
                ChangedFiles = changed.Count(e => e.Type != 'd'),
                DeletedFiles = deleted.Count,
                Changed = changed.Where(e => e.Type != 'd').Select(e => e.Path).ToList(),
                Deleted = deleted,
            };

            if (request.Preview)
            {
                result.Bytes = changed.Sum(e => e.Type == 'f' ? e.Size : 0);
                result.Duration = watch.Elapsed;
                reporter.CompleteProgress(ProgressActivity, activity);
                return result;
            }

            if (deleted.Count > request.MaxDelete)
            {
                reporter.CompleteProgress(ProgressActivity, activity);
                throw new ReleaseOpsException(ErrorIds.TooManyDeletions, FailureCategory.LimitsExceeded,
                    $"{target.Name}:{targetPath} has {deleted.Count} entries that {source.Name}:{request.Path} lacks, more than the {request.MaxDelete} one sync may delete. Nothing was changed.",
                    $"Check that the paths are right (-WhatIf shows the numbers). If the deletions are meant, raise -MaxDelete to at least {deleted.Count}, or pass -KeepDeleted.", targetPath);
            }

            var rsync = await probe.ConfigureAwait(false);
            if (rsync.ServerArguments is null)
            {
                reporter.Warning($"{rsync.Reason}{(prepare is null ? string.Empty : " (-Direct needs rsync on both nodes)")}: the files go as a tar stream through this machine, at a third of rsync's speed or less, and every file is compared by sha256. Install rsync on both nodes (apt-get install rsync) for the faster path.");
                result.Transport = "tar";
                await TarAsync(source, target, request, changed, deleted, dst, result, activity, reporter, token).ConfigureAwait(false);
                if (!request.NoVerify)
                {
                    reporter.Progress(ProgressActivity, activity, "Comparing sha256 of every file", -1);
                    var a = HashAsync(source, request.Path, reporter, token);
                    var b = HashAsync(target, targetPath, reporter, token);
                    await Task.WhenAll(a, b).ConfigureAwait(false);
                    var sourceHashes = await a.ConfigureAwait(false);
                    result.Hashed = sourceHashes.Count;
                    await FailOnDifferencesAsync(source, target, request, Differences(sourceHashes, await b.ConfigureAwait(false), request.KeepDeleted), result, reporter, token).ConfigureAwait(false);
                    result.Verified = true;
                }
            }
            else
            {
                result.Transport = prepare is null ? "rsync" : "rsync-direct";
                var moved = new List<string>();

                // Node to node, the source's checksums of what will move (and of the sample) are taken while rsync sends it:
                // the source has them in its page cache, and on a real link its CPU waits for the network anyway.
                List<string>? sample = null;
                Task<IReadOnlyDictionary<string, string>>? early = null;
                if (prepare is not null && !request.NoVerify)
                {
                    var toMove = changed.Where(e => e.Type == 'f').Select(e => e.Path).ToList();
                    sample = Sample(src.Values, new HashSet<string>(toMove, StringComparer.Ordinal), SampleFiles).ToList();
                    early = HashListAsync(source, request.Path, toMove.Concat(sample).ToList(), reporter, token);
                }

                // Node to node, the target hashes too while rsync runs: the sample, and each file as rsync reports it.
                IReadOnlyDictionary<string, string>? streamed = null;
                if (changed.Count > 0 || deleted.Count > 0)
                {
                    await EnsureSpaceAsync(target, targetPath, changed, dst, reporter, token, free).ConfigureAwait(false);
                    if (prepare is null)
                    {
                        moved = await RsyncAsync(source, target, request, rsync.ServerArguments, changed, deleted.Count, result, activity, reporter, token).ConfigureAwait(false);
                    }
                    else
                    {
                        (moved, streamed) = await (await prepare.ConfigureAwait(false))!.RunAsync(request, changed, deleted.Count, sample, result, activity, reporter, token).ConfigureAwait(false);
                    }
                }
                else if (prepare is not null)
                {
                    // Nothing to send: the key was made for nothing, but a failure to make it is still the run's.
                    await prepare.ConfigureAwait(false);
                }

                // The direct path's key is no longer needed: it goes while the checksums run.
                _ = cleanup?.Invoke();

                if (!request.NoVerify)
                {
                    // Hash what moved (rsync's itemized list of received files), and a sample of the rest: a file that
                    // rsync's quick check passed (same size and time) was not touched by this run.
                    var check = moved.Concat(sample ?? Sample(src.Values, new HashSet<string>(moved, StringComparer.Ordinal), SampleFiles)).Distinct(StringComparer.Ordinal).ToList();
                    reporter.Progress(ProgressActivity, activity, $"Comparing sha256 of {check.Count} files ({moved.Count} moved, the rest a sample)", -1);
                    var known = early is null ? new Dictionary<string, string>() : await early.ConfigureAwait(false);
                    var a = HashListAsync(source, request.Path, check.Where(p => !known.ContainsKey(p)).ToList(), reporter, token);
                    var b = streamed is null ? HashListAsync(target, targetPath, check, reporter, token) : Task.FromResult(streamed);
                    await Task.WhenAll(a, b).ConfigureAwait(false);
                    result.Hashed = check.Count;
                    var sourceHashes = new Dictionary<string, string>(known.Count, StringComparer.Ordinal);
                    foreach (var kv in known.Concat(await a.ConfigureAwait(false)))
                    {
                        sourceHashes[kv.Key] = kv.Value;
                    }

                    var targetHashes = await b.ConfigureAwait(false);
                    if (streamed is not null)
                    {
                        // A file hashed before rsync renamed it into place (or not hashed) is hashed again, now that rsync is done.
                        var again = HashAgain(check, sourceHashes, streamed);
                        reporter.Verbose($"{target.Name}: {streamed.Count} files hashed while rsync ran; {again.Count} hashed again after it.");
                        if (again.Count > 0)
                        {
                            targetHashes = Merge(check, streamed, again, await HashListAsync(target, targetPath, again, reporter, token).ConfigureAwait(false));
                        }
                    }

                    var bad = check.Where(p => !sourceHashes.TryGetValue(p, out var x) || !targetHashes.TryGetValue(p, out var y) || x != y).OrderBy(p => p, StringComparer.Ordinal).ToList();
                    await FailOnDifferencesAsync(source, target, request, bad, result, reporter, token).ConfigureAwait(false);
                    result.Verified = true;
                }
            }
            result.Duration = watch.Elapsed;
            reporter.CompleteProgress(ProgressActivity, activity);
            return result;
        }

        /// <summary>The files to hash again on the target after rsync: those hashed while it ran whose hash is missing or not the source's.</summary>
        public static IReadOnlyList<string> HashAgain(IEnumerable<string> check, IReadOnlyDictionary<string, string> source, IReadOnlyDictionary<string, string> streamed) =>
            check.Where(p => !source.TryGetValue(p, out var x) || !streamed.TryGetValue(p, out var y) || x != y).ToList();

        /// <summary>The target's hashes: those taken after rsync for the files hashed again, else those taken while it ran.</summary>
        public static IReadOnlyDictionary<string, string> Merge(IEnumerable<string> check, IReadOnlyDictionary<string, string> streamed, IEnumerable<string> again, IReadOnlyDictionary<string, string> after)
        {
            var redo = new HashSet<string>(again, StringComparer.Ordinal);
            var merged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in check)
            {
                if ((redo.Contains(p) ? after : streamed).TryGetValue(p, out var h))
                {
                    merged[p] = h;
                }
            }

            return merged;
        }

        /// <summary>Unchanged files whose sha256 is compared after an rsync run, besides every file that moved.</summary>
        public const int SampleFiles = 16;

        // rsync's options for the receiver (the client, on the target). The sender's are what the target's rsync would
        // ask of a sender for the same options (the probe). -a and -H: owners by number, modes, times, links, devices,
        // hard links; directories' times too. Entries the source lacks go with --delete.
        internal static readonly string[] RsyncOptions = { "-aH", "--numeric-ids" };

        // Both nodes: rsync's first line of --version (exit 3 without rsync). On the target, then, the arguments its
        // rsync passes to a sender for RsyncOptions: its remote shell is a printf (to fd 3), so nothing is contacted.
        internal const string ProbeScript = "v=$(rsync --version 2>/dev/null | head -n 1); case \"$v\" in rsync*) ;; *) exit 3;; esac; printf '%s\\n' \"$v\"; "
            + "[ \"$1\" = target ] || exit 0; shift; "
            + "rsync \"$@\" -e \"sh -c 'for a; do printf \\\"%s\\\\n\\\" \\\"\\$a\\\"; done >&3' releaseops-probe\" releaseops-source:./ /nonexistent-releaseops-probe/ 3>&1 >/dev/null 2>&1 </dev/null; exit 0";

        // The sender, in the checked source folder ("./"), with the arguments of the probe; not exec'd, so that the marker
        // in the shell's command line finds the group to stop.
        private const string SenderScript = Enter + "shift; rsync \"$@\"";

        // The receiver: rsync's client in the checked target folder; its remote shell is two cats joined to this
        // channel (fd 3 in, fd 4 out; a background job's standard input is /dev/null, so rsync's socket is kept as fd 5), and its own output (the itemized lines) goes to standard error. When rsync fails
        // its transport would wait for input forever: the group is stopped (the shell itself ignores the TERM).
        private const string ReceiverScript = "mkdir -p -- \"$1\" || exit 4; " + Enter + "shift; exec 3<&0 4>&1 0</dev/null 1>&2; "
            + "rsync \"$@\" -e 'sh -c \"exec 5<&0; cat <&5 >&4 & exec cat <&3 5<&-\" releaseops-transport' releaseops-source:./ ./; s=$?; "
            + "if [ $s -ne 0 ]; then trap '' TERM; kill -TERM 0 2>/dev/null; fi; exit $s";

        // The sha256 of the listed files, as sha256sum -z prints them. Python's hashlib (OpenSSL, with the CPU's SHA
        // instructions) hashes about four times as fast as coreutils' sha256sum, which is the fallback; a file that is a
        // link by now (O_NOFOLLOW) or unreadable is left out, so it counts as differing.
        private const string HashListScript = Enter + "if command -v python3 >/dev/null 2>&1; then exec python3 -c \"$2\"; fi; xargs -0 -r sha256sum -z -- 2>/dev/null; exit 0";

        // sha256(p) of a file, None when it is a link by now (O_NOFOLLOW) or unreadable: both Python programs below.
        private const string PythonSha256 = @"import hashlib, os, sys
out = sys.stdout.buffer
def sha256(p):
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, 'rb', buffering=0) as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                h.update(b)
    except OSError:
        return None
    return h.hexdigest()
";

        internal const string HashListPython = PythonSha256 + @"for p in sys.stdin.buffer.read().split(b'\0'):
    d = sha256(p) if p else None
    if d:
        out.write(d.encode() + b'  ' + p + b'\0')
";

        /// <summary>Ends rsync's output and starts the sha256 records that <see cref="ReceiveAndHashPython"/> took while rsync ran.</summary>
        internal const string StreamedHashesMark = "releaseops-hashes-while-received";

        // Runs rsync (argv[3:], in the checked target folder) and hashes on the way, so that the target's checksums cost the
        // sync no time of their own: each file that rsync's itemized output (argv[2] + "%i %n", "&gt;f" items, \#ooo escapes)
        // says it received, as the line arrives, and the sample (standard input, NUL-separated, unless argv[1] is 0) meanwhile;
        // with argv[1] "-" (-NoVerify) it hashes nothing and only passes the lines on, in batches. rsync's receiver
        // logs a file just before it renames it into place, and then goes on to the next one: so a file is hashed when the
        // next is logged (the last when rsync is done). A file hashed too early anyway holds the old bytes or is missing:
        // the caller hashes a file again after rsync whenever its hash here is missing or differs from the source's. The lines
        // pass through unchanged; then the mark, then "hash  ./name" records ending in NUL; the exit status is rsync's.
        internal const string ReceiveAndHashPython = PythonSha256 + @"import re, select, subprocess, time
prefix = sys.argv[2].encode()
hashing = sys.argv[1] != '-'
sample = [p for p in sys.stdin.buffer.read().split(b'\0') if p] if hashing and sys.argv[1] != '0' else []
escape = re.compile(rb'\\#([0-7]{3})')
hashes = {}
def digest(p):
    d = sha256(p)
    if d:
        hashes[p] = d
rsync = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
for p in sample:
    digest(p)
last = None
# Our own 64 KB buffer on standard output, whatever python's own buffering is (PYTHONUNBUFFERED may be set).
sink = open(1, 'wb', buffering=65536, closefd=False)
def passed(line):
    global last
    sink.write(line)
    item = line[len(prefix):].rstrip(b'\n')
    if hashing and line.startswith(prefix) and len(item) > 12 and item[:2] == b'>f' and item[11:12] == b' ':
        if last is not None:
            digest(last)
        last = escape.sub(lambda m: bytes([int(m.group(1), 8)]), item[12:])
# The lines go on in batches, not one SSH packet each, which slowed the transfer on a 2-core bench: written out
# every 0.2 s while they keep coming, and as soon as rsync has been quiet for 0.2 s.
fd = rsync.stdout.fileno()
rest = b''
flushed = time.monotonic()
while True:
    if not select.select([fd], [], [], 0.2)[0]:
        sink.flush()
        flushed = time.monotonic()
        continue
    chunk = os.read(fd, 65536)
    if not chunk:
        break
    lines = (rest + chunk).split(b'\n')
    rest = lines.pop()
    for line in lines:
        passed(line + b'\n')
    if time.monotonic() - flushed >= 0.2:
        sink.flush()
        flushed = time.monotonic()
if rest:
    passed(rest)
status = rsync.wait()
if last is not None:
    digest(last)
if hashing:
    sink.write(b'\nreleaseops-hashes-while-received\n')
    for p, h in hashes.items():
        sink.write(h.encode() + b'  ./' + p + b'\0')
sink.flush()
sys.exit(status if status >= 0 else 128 - status)
";

        /// <summary>The sender's arguments (null when rsync cannot be used, and then why).</summary>
        internal sealed class RsyncProbe
        {
            public IReadOnlyList<string>? ServerArguments { get; set; }

            public string Reason { get; set; } = string.Empty;
        }

        private static async Task<RsyncProbe> ProbeAsync(NodeSession source, NodeSession target, IOperationReporter reporter, CancellationToken token)
        {
            var s = NodeCommandRunner.RunAsync(source, new NodeCommandRequest { Command = ProbeScript, Arguments = new[] { "source" }, Sudo = true }, null, reporter, token);
            var t = NodeCommandRunner.RunAsync(target, new NodeCommandRequest { Command = ProbeScript, Arguments = new[] { "target" }.Concat(RsyncOptions).ToArray(), Sudo = true }, null, reporter, token);
            await Task.WhenAll(s, t).ConfigureAwait(false);
            var sr = await s.ConfigureAwait(false);
            var tr = await t.ConfigureAwait(false);
            foreach (var (r, node) in new[] { (sr, source), (tr, target) })
            {
                if (r.ExitCode == 3)
                {
                    return new RsyncProbe { Reason = $"{node.Name} has no rsync" };
                }

                Check(r, node, "look for rsync");
            }

            var lines = tr.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            var args = ServerArguments(lines.Skip(1).ToList());
            reporter.Verbose($"rsync: {source.Name} {sr.Output.Trim()}; {target.Name} {lines.FirstOrDefault()}; sender: rsync {string.Join(" ", args ?? Array.Empty<string>())}");
            return args is null
                ? new RsyncProbe { Reason = $"{target.Name}'s rsync asks a sender for arguments that ReleaseOps does not know ({string.Join(" ", lines.Skip(1))})" }
                : new RsyncProbe { ServerArguments = args };
        }

        /// <summary>
        /// The sender's command line from what the target's rsync passed its remote shell (host, "rsync", "--server",
        /// "--sender", one cluster of short options with the client's capabilities, --numeric-ids, ".", the path), or
        /// null for anything else: the target must not choose what runs as root on the source.
        /// </summary>
        public static IReadOnlyList<string>? ServerArguments(IReadOnlyList<string> passed)
        {
            if (passed.Count != 8 || passed[1] != "rsync" || passed[2] != "--server" || passed[3] != "--sender" || passed[5] != "--numeric-ids" || passed[6] != "." || passed[7] != "./"
                || !System.Text.RegularExpressions.Regex.IsMatch(passed[4], @"\A-[a-zA-Z]+(e\.[a-zA-Z]+)?\z"))
            {
                return null;
            }

            return new[] { "--server", "--sender", passed[4], "--numeric-ids", ".", "./" };
        }

        /// <summary>Up to count regular files of the listing that are not in moved, chosen at random.</summary>
        public static IEnumerable<string> Sample(IEnumerable<FileEntry> entries, ISet<string> moved, int count)
        {
            var files = entries.Where(e => e.Type == 'f' && !moved.Contains(e.Path)).Select(e => e.Path).ToList();
            using var random = System.Security.Cryptography.RandomNumberGenerator.Create();
            var four = new byte[4];
            for (var i = 0; i < Math.Min(count, files.Count); i++)
            {
                random.GetBytes(four);
                var j = i + (int)(BitConverter.ToUInt32(four, 0) % (uint)(files.Count - i));
                (files[i], files[j]) = (files[j], files[i]);
                yield return files[i];
            }
        }

        /// <summary>The files that rsync's receiver received ("&gt;f" items of "%i %n%L"), with rsync's \#ooo escapes undone.</summary>
        public static IReadOnlyList<string> ReceivedFiles(IEnumerable<string> items) =>
            items.Where(i => i.Length > 12 && i[0] == '>' && i[1] == 'f' && i[11] == ' ').Select(i => Unescape(i.Substring(12))).ToList();

        /// <summary>Undoes rsync's escapes of unprintable bytes in names (\#ooo, octal).</summary>
        public static string Unescape(string name)
        {
            if (name.IndexOf("\\#", StringComparison.Ordinal) < 0)
            {
                return name;
            }

            var bytes = new List<byte>();
            var raw = Encoding.UTF8.GetBytes(name);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\\' && i + 4 < raw.Length && raw[i + 1] == '#' && raw.Skip(i + 2).Take(3).All(b => b >= '0' && b <= '7'))
                {
                    bytes.Add((byte)(((raw[i + 2] - '0') << 6) | ((raw[i + 3] - '0') << 3) | (raw[i + 4] - '0')));
                    i += 4;
                    continue;
                }

                bytes.Add(raw[i]);
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        /// <summary>rsync's own protocol between the nodes, relayed through this machine; returns the files that moved.</summary>
        private static async Task<List<string>> RsyncAsync(NodeSession source, NodeSession target, FileSyncRequest request, IReadOnlyList<string> serverArguments,
            IReadOnlyList<FileEntry> changed, int deletions, FileSyncResult result, string activity, IOperationReporter reporter, CancellationToken token)
        {
            var toSend = changed.Sum(e => e.Type == 'f' ? e.Size : 0);
            // --blocking-io: rsync leaves its remote shell's standard output non-blocking (ssh copes), and cat fails on
            // EAGAIN ("cat: write error: Resource temporarily unavailable": about one sync in six broke off near its end).
            var client = RsyncOptions.Append("--blocking-io").ToList();
            if (!request.KeepDeleted)
            {
                // The listing already refused more than MaxDelete; this holds if the source lost more since.
                client.Add("--delete");
                client.Add("--max-delete=" + request.MaxDelete.ToString(CultureInfo.InvariantCulture));
            }

            client.Add("--out-format=" + RsyncRelay.ItemPrefix + "%i %n%L");
            var streamWatch = Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            reporter.Progress(ProgressActivity, activity, $"rsync: {changed.Count} entries to update, {deletions} to delete", -1);
            var r = await RsyncRelay.RelayAsync(
                source, new NodeCommandRequest { Command = SenderScript, Arguments = new[] { request.Path }.Concat(serverArguments).ToArray(), Sudo = true },
                target, new NodeCommandRequest { Command = ReceiverScript, Arguments = new[] { request.TargetPathOrSame }.Concat(client).ToArray(), Sudo = true },
                bytes =>
                {
                    var now = streamWatch.Elapsed;
                    if (now - last >= TimeSpan.FromMilliseconds(250))
                    {
                        last = now;
                        var pct = toSend > 0 ? (int)Math.Min(99, bytes * 100 / toSend) : -1;
                        reporter.Progress(ProgressActivity, activity, $"rsync: {DatabaseSync.Megabytes(bytes)} relayed ({DatabaseSync.Megabytes(bytes / Math.Max(now.TotalSeconds, 0.001))}/s), {changed.Count} entries to update", pct);
                    }
                }, reporter, token).ConfigureAwait(false);
            result.Bytes = r.Down;
            result.BytesReturned = r.Up;
            if (!r.Succeeded)
            {
                reporter.Verbose($"rsync on {target.Name}: {r.TargetError.Replace("\n", " | ")}; on {source.Name}: {r.SourceError.Replace("\n", " | ")}");
            }
            if (r.SourceExit == 5 || r.TargetExit == 5)
            {
                var side = r.SourceExit == 5 ? source : target;
                throw new ReleaseOpsException(ErrorIds.UnsafeSyncPath, FailureCategory.SecurityError,
                    $"{side.Name}: {NodeStream.Brief(r.SourceExit == 5 ? r.SourceError : r.TargetError).Replace("releaseops: ", string.Empty)}; a sync never follows a link in its folder's path.",
                    "Pass the folder's real path (readlink -f on the node), after checking who made the link.", request.Path);
            }

            if (r.TargetExit == 25)
            {
                throw new ReleaseOpsException(ErrorIds.TooManyDeletions, FailureCategory.LimitsExceeded,
                    $"{target.Name}:{request.TargetPathOrSame}: rsync stopped deleting at -MaxDelete {request.MaxDelete} (the source lost more entries since it was listed): {NodeStream.Brief(r.TargetError)}",
                    "Check the source, then run the command again (-WhatIf shows the numbers), with a higher -MaxDelete if the deletions are meant.", request.TargetPathOrSame);
            }

            if (!r.Succeeded)
            {
                var sourceFailed = r.SourceExit != 0 && r.SourceExit != null && r.TargetExit is 0 or null;
                throw new ReleaseOpsException(ErrorIds.FileStreamFailed, FailureCategory.InvalidResult,
                    $"rsync {source.Name} -> {target.Name} failed after {r.Down} bytes (sender exit {r.SourceExit?.ToString(CultureInfo.InvariantCulture) ?? "none: the connection was cut or the command killed"}, "
                    + $"receiver exit {r.TargetExit?.ToString(CultureInfo.InvariantCulture) ?? "none"}{(r.RelayError is null ? string.Empty : ", " + r.RelayError)}): "
                    + NodeStream.Brief(sourceFailed ? r.SourceError : r.TargetError + "\n" + r.SourceError),
                    "Fix the cause and run the same command again: rsync sends what is still missing or different.", request.Path);
            }

            return ReceivedFiles(r.Items).ToList();
        }

        private static async Task<IReadOnlyDictionary<string, string>> HashListAsync(NodeSession session, string path, IReadOnlyList<string> files, IOperationReporter reporter, CancellationToken token)
        {
            if (files.Count == 0)
            {
                return new Dictionary<string, string>();
            }

            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = HashListScript, Arguments = new[] { path, HashListPython }, Sudo = true, Input = Nul(files.Select(p => "./" + p)) }, null, reporter, token).ConfigureAwait(false);
            Check(r, session, "checksum files in " + path);
            return ParseHashes(r.Output);
        }

        private static async Task FailOnDifferencesAsync(NodeSession source, NodeSession target, FileSyncRequest request, IReadOnlyList<string> bad, FileSyncResult result, IOperationReporter reporter, CancellationToken token)
        {
            if (bad.Count == 0)
            {
                return;
            }

            // A damaged copy may keep the source's size and time, which the quick check of the next run would take
            // as equal: its time is set to 1970 on the target, so the next run sends it again.
            var targetPath = request.TargetPathOrSame;
            var mark = await NodeCommandRunner.RunAsync(target, new NodeCommandRequest { Command = MarkScript, Arguments = new[] { targetPath }, Sudo = true, Input = Nul(bad.Select(p => "./" + p)) }, null, reporter, token).ConfigureAwait(false);
            CheckFolders(mark, target, targetPath);
            Check(mark, target, "mark the differing files to be sent again");
            throw new ReleaseOpsException(ErrorIds.FileVerificationFailed, FailureCategory.InvalidResult,
                $"{source.Name}:{request.Path} and {target.Name}:{targetPath} differ in {bad.Count} file(s): {string.Join(", ", bad.Take(20))}{(bad.Count > 20 ? ", ..." : string.Empty)}. They are marked on the target to be sent again by the next run.",
                "If the source was being written to, run the command again (during the write freeze for the final sync).", result);
        }

        /// <summary>The tar stream (when a node lacks rsync): deletes, then new and changed entries as one tar through this machine.</summary>
        private static async Task TarAsync(NodeSession source, NodeSession target, FileSyncRequest request, IReadOnlyList<FileEntry> changed, IReadOnlyList<string> deleted,
            IReadOnlyDictionary<string, FileEntry> dst, FileSyncResult result, string activity, IOperationReporter reporter, CancellationToken token)
        {
            var targetPath = request.TargetPathOrSame;
            if (deleted.Count > 0)
            {
                reporter.Progress(ProgressActivity, activity, $"Deleting {deleted.Count} entries on {target.Name}", -1);
                var r = await NodeCommandRunner.RunAsync(target, new NodeCommandRequest { Command = DeleteScript, Arguments = new[] { targetPath }, Sudo = true, Input = Nul(deleted.Select(p => "./" + p)) }, null, reporter, token).ConfigureAwait(false);
                CheckFolders(r, target, targetPath);
                Check(r, target, "delete what the source no longer has");
            }

            if (changed.Count > 0)
            {
                var toSend = changed.Sum(e => e.Type == 'f' ? e.Size : 0);
                await EnsureSpaceAsync(target, targetPath, changed, dst, reporter, token).ConfigureAwait(false);
                var streamWatch = Stopwatch.StartNew();
                var last = TimeSpan.Zero;
                var listed = await NodeCommandRunner.RunAsync(source, new NodeCommandRequest { Command = ListFileScript, Sudo = true, Input = Nul(changed.Select(e => "./" + e.Path)) }, null, reporter, token).ConfigureAwait(false);
                Check(listed, source, "write the list of entries to send");
                var stream = await NodeStream.RelayAsync(
                    source, new NodeCommandRequest { Command = SendScript, Arguments = new[] { request.Path, listed.Output.Trim() }, Sudo = true },
                    target, new NodeCommandRequest { Command = ReceiveScript, Arguments = new[] { targetPath }, Sudo = true },
                    bytes =>
                    {
                        var now = streamWatch.Elapsed;
                        if (now - last >= TimeSpan.FromMilliseconds(250))
                        {
                            last = now;
                            var pct = toSend > 0 ? (int)Math.Min(99, bytes * 100 / toSend) : -1;
                            reporter.Progress(ProgressActivity, activity, $"Sending {changed.Count} entries: {DatabaseSync.Megabytes(bytes)} of about {DatabaseSync.Megabytes(toSend)} ({DatabaseSync.Megabytes(bytes / Math.Max(now.TotalSeconds, 0.001))}/s)", pct);
                        }
                    }, reporter, token).ConfigureAwait(false);
                result.Bytes = stream.Bytes;
                if (!stream.Succeeded)
                {
                    var sourceFailed = stream.SourceFailed;
                    throw new ReleaseOpsException(ErrorIds.FileStreamFailed, FailureCategory.InvalidResult,
                        $"{(sourceFailed ? source.Name + ": tar --create" : target.Name + ": tar --extract")} failed after {stream.Bytes} bytes "
                        + $"(source exit {stream.SourceExit?.ToString(CultureInfo.InvariantCulture) ?? "none: the connection was cut or the command killed"}, target exit {stream.TargetExit?.ToString(CultureInfo.InvariantCulture) ?? "none"}): "
                        + NodeStream.Brief(sourceFailed ? stream.SourceError : stream.TargetError),
                        "Fix the cause and run the same command again: it sends what is still missing or different.", request.Path);
                }
            }
        }

        /// <summary>Paths whose sha256 differ, or that exist on one side only (on the source only, when the target may keep more).</summary>
        public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> source, IReadOnlyDictionary<string, string> target, bool targetMayHaveMore = false) =>
            (targetMayHaveMore ? source.Keys : source.Keys.Union(target.Keys)).Where(k => !source.TryGetValue(k, out var a) || !target.TryGetValue(k, out var b) || a != b).OrderBy(k => k, StringComparer.Ordinal).ToList();

        /// <summary>Parses find's listing: records end with NUL, fields split by tabs (the path and link may hold tabs: they are split off by position).</summary>
        public static IReadOnlyDictionary<string, FileEntry> ParseListing(string output)
        {
            var entries = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
            foreach (var record in output.Split('\0'))
            {
                if (record.Length == 0)
                {
                    continue;
                }

                var f = record.Split(new[] { '\t' }, 5);
                if (f.Length < 5)
                {
                    continue;
                }

                // Path and link target are the rest, "path\tlink": a link's target may hold a tab, a name too; names are
                // taken up to the last tab only for links.
                var rest = f[4];
                string path = rest, link = string.Empty;
                var cut = rest.LastIndexOf('\t');
                if (cut >= 0)
                {
                    path = rest.Substring(0, cut);
                    link = rest.Substring(cut + 1);
                }

                var seconds = f[2].Split('.')[0];
                entries[path] = new FileEntry
                {
                    Type = f[0].Length > 0 ? f[0][0] : '?',
                    Size = long.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture),
                    MTime = long.Parse(seconds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    Mode = f[3],
                    Path = path,
                    Link = link,
                };
            }

            return entries;
        }

        /// <summary>Parses sha256sum -z output: "hash  ./path" records ending with NUL.</summary>
        public static IReadOnlyDictionary<string, string> ParseHashes(string output)
        {
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var record in output.Split('\0'))
            {
                if (record.Length < 67)
                {
                    continue;
                }

                var path = record.Substring(66);
                hashes[path.StartsWith("./", StringComparison.Ordinal) ? path.Substring(2) : path] = record.Substring(0, 64);
            }

            return hashes;
        }

        private static async Task<IReadOnlyDictionary<string, FileEntry>> ListAsync(NodeSession session, string path, bool mustExist, IOperationReporter reporter, CancellationToken token)
        {
            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = ListScript, Arguments = new[] { path }, Sudo = true }, null, reporter, token).ConfigureAwait(false);
            if (r.ExitCode == 5)
            {
                throw new ReleaseOpsException(ErrorIds.UnsafeSyncPath, FailureCategory.SecurityError, $"{session.Name}: {NodeStream.Brief(r.Error).Replace("releaseops: ", string.Empty)}; a sync never follows a link in its folder's path.",
                    "Pass the folder's real path (readlink -f on the node), after checking who made the link.", path);
            }

            if (r.ExitCode == 4)
            {
                if (mustExist)
                {
                    throw new ReleaseOpsException(ErrorIds.SyncPathNotFound, FailureCategory.ObjectNotFound, $"{session.Name}: the folder {path} does not exist.", "Pass an existing folder on the source.", path);
                }

                return new Dictionary<string, FileEntry>();
            }

            Check(r, session, "list " + path);
            return ParseListing(r.Output);
        }

        private static async Task<IReadOnlyDictionary<string, string>> HashAsync(NodeSession session, string path, IOperationReporter reporter, CancellationToken token)
        {
            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = HashScript, Arguments = new[] { path }, Sudo = true }, null, reporter, token).ConfigureAwait(false);
            Check(r, session, "checksum " + path);
            return ParseHashes(r.Output);
        }

        /// <summary>A folder inside the sync's folder that became a link after the listing (exit 5 of the delete and mark scripts).</summary>
        private static void CheckFolders(NodeCommandResult r, NodeSession session, string path)
        {
            if (r.ExitCode == 5)
            {
                throw new ReleaseOpsException(ErrorIds.UnsafeSyncPath, FailureCategory.SecurityError,
                    $"{session.Name}: {NodeStream.Brief(r.Error).Replace("releaseops: ", string.Empty)} in {path}; a sync never follows a link inside its folder. What was before it is done, nothing after it.",
                    "Check who made the link (an app container that writes the folder), remove it, and run the same command again.", path);
            }
        }

        private static void Check(NodeCommandResult r, NodeSession session, string what)
        {
            if (!r.Succeeded)
            {
                throw new ReleaseOpsException(r.FailureId == ErrorIds.SudoFailed ? ErrorIds.SudoFailed : ErrorIds.NodeCommandFailed, FailureCategory.InvalidResult,
                    $"{session.Name}: could not {what} (exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {NodeStream.Brief(r.Error)}",
                    "Read the error; run the same command with -Verbose to see more.", session.Name);
            }
        }

        internal static string Nul(IEnumerable<string> items) => string.Concat(items.Select(i => i + "\0"));
    }
}
