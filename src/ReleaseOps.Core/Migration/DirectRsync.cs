using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The direct data path of a file sync: rsync's client on the new node connects with its own ssh to the old node,
    /// whose authorized_keys holds, for the length of the run, a temporary key restricted to the new node's addresses
    /// (from=) and to one forced command (rsync's sender in the checked folder), with no pty and no forwarding. The data
    /// goes node to node, at the link's speed, and never through this machine.
    /// </summary>
    /// <remarks>
    /// The key pair is made on the new node, by ssh-keygen, inside a folder that mktemp -d makes there (0700, owned by
    /// the login user, a fresh random name under /tmp, so no link can be waiting at it), and the private half never leaves
    /// that folder: it is not on this machine's disk or in its memory, and it crosses no network. Only the public half
    /// comes back, to be written into the old node's authorized_keys. (Made on this machine, the private key would have
    /// to be copied to the new node, and would live in this process and on its way there.) The old node's host key is the
    /// one this machine verified when it connected (known_hosts); it goes into a known_hosts file in the same folder, and
    /// the new node's ssh insists on it (StrictHostKeyChecking=yes), so the new node trusts exactly what the admin trusts.
    /// The line and the folder are removed when the run ends, whatever happened (a finally, with no cancellation); a
    /// line or folder that a crash left behind carries the run's tag, which the next run of the same sync (or the same
    /// migration, and its undo) removes, and any run removes other runs' lines older than ten minutes.
    /// </remarks>
    internal sealed class DirectRsync
    {
        // Run as the login user on the new node (no sudo); $5 is the tool that will use the key besides ssh (rsync, or none
        // for the database's tunnel). Leftover folders of this tag, and of any tag after a day, go
        // first (find -type d never matches a link; rm -rf never follows one). Prints the folder, the public key, the
        // connection's own address (SSH_CONNECTION's third field) and the source address of the route to the old node.
        private const string PrepareScript = @"set -u; umask 077; cd /
tag=""$1""; hosts=""$2""; old=""$3""; stale=""$4""; tool=""$5""
me=$(id -u)
find /tmp -maxdepth 1 -type d -user ""$me"" \( -name ""releaseops-direct-$tag.??????????"" -o \( -name 'releaseops-direct-*.??????????' -mmin +""$stale"" \) \) -exec rm -rf -- {} + 2>/dev/null
for t in ssh ssh-keygen $tool; do command -v ""$t"" >/dev/null 2>&1 || { echo ""releaseops: $t is not installed on this node (apt-get install openssh-client rsync)"" >&2; exit 3; }; done
d=$(mktemp -d ""/tmp/releaseops-direct-$tag.XXXXXXXXXX"") || exit 6
ssh-keygen -q -t ed25519 -N '' -C ""releaseops-direct-$tag"" -f ""$d/id"" </dev/null >/dev/null 2>&1 || { rm -rf -- ""$d""; echo 'releaseops: ssh-keygen failed' >&2; exit 6; }
printf '%s\n' ""$hosts"" > ""$d/known_hosts"" || { rm -rf -- ""$d""; exit 6; }
src=''
if command -v ip >/dev/null 2>&1; then
  a=$(getent ahosts ""$old"" 2>/dev/null | awk 'NR == 1 { print $1 }')
  [ -n ""$a"" ] && src=$(ip -o route get ""$a"" 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p' | head -n 1)
fi
printf 'dir %s\nkey %s\nconn %s\nsrc %s\n' ""$d"" ""$(cat ""$d/id.pub"")"" ""${SSH_CONNECTION:-}"" ""$src""";

        // Run as the login user on the old node (no sudo): the file is that user's, so a link planted in the home reaches
        // nothing the user could not already write; a link or a file of another owner is refused (exit 4), as for
        // Add-NodeSshKey. Removes the exact line (when given), the lines of this tag and other runs' stale lines, through a
        // new file in ~/.ssh renamed over the old one (a reader sees the old or the new file, never a part), built again
        // if the file changed meanwhile; then appends the line to add (one write, O_APPEND), never truncating the file.
        internal const string KeysScript = @"set -u; umask 077; cd /
op=""$1""; LINE=""$2""; TAG=""$3""; CUTOFF=""$4""; export LINE TAG CUTOFF
dir=""$HOME/.ssh""; file=""$dir/authorized_keys""
for p in ""$dir"" ""$file""; do
  if [ -L ""$p"" ]; then echo ""releaseops: $p is a symbolic link; ReleaseOps refuses to follow it"" >&2; exit 4; fi
  if [ -e ""$p"" ] && [ ""$(stat -c %u ""$p"")"" != ""$(id -u)"" ]; then echo ""releaseops: $p belongs to $(stat -c %U ""$p""), not $(id -un)"" >&2; exit 4; fi
done
if [ ""$op"" = add ]; then
  [ -d ""$dir"" ] || mkdir -m 700 ""$dir"" || exit 6
  [ -f ""$file"" ] || : >> ""$file"" || exit 6
fi
[ -f ""$file"" ] || { echo 'removed 0'; exit 0; }
keep() {
  awk -v mode=""$1"" 'BEGIN { line = ENVIRON[""LINE""]; tag = ENVIRON[""TAG""]; cutoff = ENVIRON[""CUTOFF""] + 0 }
    { drop = (line != """" && mode == ""remove"" && $0 == line) }
    !drop && /^restrict,from=""/ && $NF ~ /^releaseops-direct-[a-z0-9]+-[0-9]+-[a-z0-9]+$/ {
      n = split($NF, p, ""-""); if (p[3] == tag || p[4] + 0 < cutoff) drop = 1 }
    { if (drop) removed++; else print }
    END { if (removed == 0) exit 3 }' ""$file""
}
removed=0
tries=0
while :; do
  tmp=$(mktemp ""$dir/.authorized_keys.XXXXXX"") || exit 6
  keep ""$op"" > ""$tmp""; s=$?
  if [ $s = 3 ]; then rm -f -- ""$tmp""; break; fi
  [ $s = 0 ] || { rm -f -- ""$tmp""; exit 6; }
  # The file may have changed while it was read (another key added): then it is read again.
  if keep ""$op"" | cmp -s - ""$tmp""; then
    removed=$(($(grep -c '' ""$file"") - $(grep -c '' ""$tmp"")))
    chmod 600 ""$tmp"" && mv -f -- ""$tmp"" ""$file"" || { rm -f -- ""$tmp""; exit 6; }
    break
  fi
  rm -f -- ""$tmp""; tries=$((tries + 1)); [ $tries -lt 5 ] || exit 6
done
if [ ""$op"" = add ]; then
  chmod 700 ""$dir"" && chmod 600 ""$file"" || exit 6
  if [ -s ""$file"" ] && [ -n ""$(tail -c 1 ""$file"")"" ]; then printf '\n%s\n' ""$LINE"" >> ""$file"" || exit 6; else printf '%s\n' ""$LINE"" >> ""$file"" || exit 6; fi
  grep -qxF -- ""$LINE"" ""$file"" || exit 6
fi
echo ""removed $removed""";

        // The key's folder on the new node, as the login user: only a folder of the shape mktemp made, never a link.
        private const string RemoveFolderScript = @"d=""$1""; case ""$d"" in /tmp/releaseops-direct-*.*) ;; *) exit 2;; esac
[ -L ""$d"" ] && exit 2
rm -rf -- ""$d""; [ ! -e ""$d"" ]";

        // rsync's client, as root, in the checked target folder, over the new node's own ssh to the old node. Its
        // itemized lines and --stats go to standard output, ssh's and rsync's messages to standard error. With python3 on
        // the node, rsync runs under $3 (FileSync.ReceiveAndHashPython; $4: the itemized lines' prefix, $5: the number of
        // sample files on standard input, or "-" with -NoVerify), which hashes the files as they arrive and passes the
        // lines on in batches; else rsync runs alone.
        private const string ReceiverScript = "mkdir -p -- \"$1\" || exit 4; " + "cd -P -- \"$1\" 2>/dev/null || { echo \"releaseops: no folder $1\" >&2; exit 4; }; [ \"$(pwd -P)\" = \"$1\" ] || { echo \"releaseops: $1 is reached through a symbolic link ($(pwd -P))\" >&2; exit 5; }; "
            + "shift; e=\"$1\"; h=\"$2\"; p=\"$3\"; n=\"$4\"; shift 4; LC_ALL=C; export LC_ALL; "
            + "if command -v python3 >/dev/null 2>&1; then exec python3 -c \"$h\" \"$n\" \"$p\" rsync \"$@\" -e \"$e\" " + DirectPath.HostAlias + ":./ ./; fi; "
            + "rsync \"$@\" -e \"$e\" " + DirectPath.HostAlias + ":./ ./ </dev/null";

        private readonly NodeSession source;
        private readonly NodeSession target;
        private readonly string tag;
        private string? line;

        private DirectRsync(NodeSession source, NodeSession target, string tag, string folder, string publicKey, IReadOnlyList<string> from, string host, int port)
        {
            this.source = source;
            this.target = target;
            this.tag = tag;
            Folder = folder;
            PublicKey = publicKey;
            From = from;
            Host = host;
            Port = port;
            Marker = DirectPath.Marker(tag, DateTimeOffset.UtcNow, DirectPath.RandomPart());
        }

        /// <summary>The key's folder on the new node.</summary>
        public string Folder { get; }

        public string PublicKey { get; }

        /// <summary>The new node's addresses, for from=.</summary>
        public IReadOnlyList<string> From { get; }

        /// <summary>The old node as the new node reaches it.</summary>
        public string Host { get; }

        public int Port { get; }

        public string Marker { get; }

        /// <summary>The tag of a sync: the old and new node and both folders, so a rerun of the same sync finds a crash's leftovers.</summary>
        public static string TagOf(NodeSession source, NodeSession target, FileSyncRequest request) =>
            request.DirectTag ?? DirectPath.Tag(source.Endpoint, source.User, target.Endpoint, target.User, request.Path, request.TargetPathOrSame);

        /// <summary>The old node's address for the new node: the request's, else the one this machine uses.</summary>
        public static (string Host, int Port) AddressOf(NodeSession source, string? address) =>
            string.IsNullOrWhiteSpace(address) ? (source.Settings.HostName, source.Settings.Port) : DirectPath.ParseAddress(address!, source.Settings.Port);

        /// <summary>The key of a direct file sync (rsync on the new node).</summary>
        public static Task<DirectRsync> PrepareAsync(NodeSession source, NodeSession target, FileSyncRequest request, IOperationReporter reporter, CancellationToken token) =>
            PrepareAsync(source, target, TagOf(source, target, request), request.DirectAddress, request.DirectFrom, "rsync", reporter, token);

        /// <summary>
        /// Makes the key pair and the known_hosts file on the new node, under <paramref name="tag"/>; nothing on the old node
        /// yet; <paramref name="moreFrom"/> joins the new node's own addresses in from=. <paramref name="tool"/> is what will use the key besides ssh ("rsync", or empty for the database's tunnel).
        /// </summary>
        public static async Task<DirectRsync> PrepareAsync(NodeSession source, NodeSession target, string tag, string? address, IReadOnlyList<string> moreFrom, string tool,
            IOperationReporter reporter, CancellationToken token)
        {
            var (host, port) = AddressOf(source, address);
            if (string.IsNullOrEmpty(source.HostKey))
            {
                throw new ReleaseOpsException(ErrorIds.HostKeyUnverified, FailureCategory.SecurityError,
                    $"{source.Name}: this connection did not record the host key it verified, so the new node could not check it.", "Open a new session to the old node and run again.", source.Name);
            }

            var known = DirectPath.KnownHostsLine(source.HostKey);
            var r = await NodeCommandRunner.RunAsync(target, new NodeCommandRequest
            {
                Command = PrepareScript,
                Arguments = new[] { tag, known, host, ((int)DirectPath.StaleFolderAfter.TotalMinutes).ToString(CultureInfo.InvariantCulture), tool },
                Timeout = TimeSpan.FromMinutes(2),
            }, null, reporter, token).ConfigureAwait(false);
            if (r.ExitCode == 3)
            {
                throw new ReleaseOpsException(ErrorIds.NodeCommandFailed, FailureCategory.NotInstalled,
                    $"{target.Name}: {NodeStream.Brief(r.Error).Replace("releaseops: ", string.Empty)}; the direct path runs ssh{(tool.Length > 0 ? " and " + tool : string.Empty)} on the new node.", "Install them on the new node, or leave the direct path out (-Direct, -DirectFileSync, -DirectDatabase).", target.Name);
            }

            var fields = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)
                .Select(l => l.Split(new[] { ' ' }, 2)).GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Length > 1 ? g.First()[1] : string.Empty, StringComparer.Ordinal);
            var folder = fields.TryGetValue("dir", out var d) ? d : string.Empty;
            if (!r.Succeeded || !DirectPath.IsKeyFolder(folder, tag) || !fields.TryGetValue("key", out var key))
            {
                if (DirectPath.IsKeyFolder(folder, tag))
                {
                    await RemoveFolderAsync(target, folder, reporter).ConfigureAwait(false);
                }

                throw new ReleaseOpsException(ErrorIds.NodeCommandFailed, FailureCategory.InvalidResult,
                    $"{target.Name}: could not make the temporary key of the direct sync (exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {NodeStream.Brief(r.Error + r.Output)}",
                    "Check that the login user can write in /tmp on the new node, or run without -Direct.", target.Name);
            }

            // from=: the new node's address as this machine reached it, the source address of its route to the old node,
            // and what this machine resolves the new node's name to (a public address in front of a NAT).
            var candidates = new List<string?>();
            var conn = fields.TryGetValue("conn", out var c) ? c.Split(' ') : Array.Empty<string>();
            candidates.Add(conn.Length >= 3 ? conn[2] : null);
            candidates.Add(fields.TryGetValue("src", out var s) ? s : null);
            candidates.Add(target.Settings.HostName);
            candidates.AddRange(moreFrom);
            if (!IPAddress.TryParse(target.Settings.HostName, out _))
            {
                try
                {
                    var lookup = Dns.GetHostAddressesAsync(target.Settings.HostName);
                    if (await Task.WhenAny(lookup, Task.Delay(TimeSpan.FromSeconds(5), token)).ConfigureAwait(false) == lookup)
                    {
                        candidates.AddRange((await lookup.ConfigureAwait(false)).Select(a => a.ToString()));
                    }
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
                {
                    reporter.Verbose($"{target.Name} does not resolve here ({ex.Message}); from= holds the new node's own addresses.");
                }
            }

            var from = DirectPath.FromAddresses(candidates, host);
            if (from.Count == 0)
            {
                await RemoveFolderAsync(target, folder, reporter).ConfigureAwait(false);
                throw new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                    $"{target.Name}: no address of the new node is known to restrict the temporary key to (SSH_CONNECTION was empty and no route to {host} was found).",
                    "Pass the address the old node sees the new node's connections come from with -DirectFrom, or run without -Direct: the files then go through this machine.", target.Name);
            }

            reporter.Verbose($"Direct sync: {target.Name} reaches {source.Name} at {host}:{port}; the temporary key ({folder}/id on {target.Name}) is allowed from {string.Join(", ", from)}.");
            return new DirectRsync(source, target, tag, folder, key, from, host, port);
        }

        /// <summary>
        /// Appends the key line to the old node's authorized_keys (removing a crash's leftovers of this tag first). It runs
        /// while both folders are still being listed, so that it costs the sync no time of its own.
        /// </summary>
        public async Task InstallAsync(FileSyncRequest request, IReadOnlyList<string> serverArguments, IOperationReporter reporter, CancellationToken token)
        {
            var command = DirectPath.ForcedCommand(request.Path, serverArguments, sudo: !source.IsRoot);
            var newLine = DirectPath.AuthorizedKeysLine(From, command, PublicKey, Marker);
            if (newLine.Length > 8000)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidSyncPath, FailureCategory.InvalidArgument,
                    $"The folder's path makes the temporary key's line {newLine.Length} characters long, more than sshd reads.", "Sync a folder with a shorter path, or run without -Direct.", request.Path);
            }

            line = newLine;
            var add = await EditKeysAsync(source, "add", newLine, tag, reporter, token).ConfigureAwait(false);
            reporter.Verbose($"{source.Name}: the temporary key is in ~{source.User}/.ssh/authorized_keys ({add}), from={string.Join(",", From)}, command={command}");
        }

        /// <summary>
        /// Appends a line to the old node's authorized_keys that allows this key one thing: a forward to <paramref name="to"/>
        /// (host:port as the old node reaches it), from the new node's addresses (the database's tunnel, <see cref="DirectTunnel"/>).
        /// </summary>
        public async Task InstallForwardAsync(string to, IOperationReporter reporter, CancellationToken token)
        {
            line = DirectPath.ForwardKeysLine(From, to, PublicKey, Marker);
            var add = await EditKeysAsync(source, "add", line, tag, reporter, token).ConfigureAwait(false);
            reporter.Verbose($"{source.Name}: the tunnel's temporary key is in ~{source.User}/.ssh/authorized_keys ({add}): {line.Substring(0, line.IndexOf(" ssh-", StringComparison.Ordinal))}");
        }

        /// <summary>
        /// Runs rsync's client on the new node (the key installed); returns the files that moved and, when <paramref name="hash"/>
        /// is given (the sample of unchanged files to hash besides what moves) and the node has python3, the sha256 of the files
        /// as they were hashed while rsync ran (a file hashed before rsync renamed it into place holds the old bytes).
        /// </summary>
        public async Task<(List<string> Moved, IReadOnlyDictionary<string, string>? Hashes)> RunAsync(FileSyncRequest request, IReadOnlyList<FileEntry> changed, int deletions,
            IReadOnlyList<string>? hash, FileSyncResult result, string activity, IOperationReporter reporter, CancellationToken token)
        {
            var client = FileSync.RsyncOptions.ToList();
            if (!request.KeepDeleted)
            {
                client.Add("--delete");
                client.Add("--max-delete=" + request.MaxDelete.ToString(CultureInfo.InvariantCulture));
            }

            client.Add("--out-format=" + RsyncRelay.ItemPrefix + "%i %n%L");
            client.Add("--stats");
            var ssh = DirectPath.SshCommand(Folder, Host, Port, source.User);
            var items = 0;
            reporter.Progress(FileSync.ProgressActivity, activity, $"rsync {source.Name} -> {target.Name} directly: {changed.Count} entries to update, {deletions} to delete", -1);
            var r = await NodeCommandRunner.RunAsync(target, new NodeCommandRequest
            {
                Command = ReceiverScript,
                Arguments = new[] { request.TargetPathOrSame, ssh, FileSync.ReceiveAndHashPython, RsyncRelay.ItemPrefix, hash is null ? "-" : hash.Count.ToString(CultureInfo.InvariantCulture) }.Concat(client).ToArray(),
                Sudo = true,
                Input = hash is null || hash.Count == 0 ? null : FileSync.Nul(hash),
            }, (text, isError) =>
            {
                if (!isError && text.StartsWith(RsyncRelay.ItemPrefix, StringComparison.Ordinal) && ++items % 100 == 0)
                {
                    reporter.Progress(FileSync.ProgressActivity, activity, $"rsync {source.Name} -> {target.Name} directly: {items} of {changed.Count} entries", changed.Count > 0 ? Math.Min(99, items * 100 / changed.Count) : -1);
                }
            }, reporter, token).ConfigureAwait(false);

            var mark = r.Output.IndexOf("\n" + FileSync.StreamedHashesMark + "\n", StringComparison.Ordinal);
            var hashes = mark < 0 ? null : FileSync.ParseHashes(r.Output.Substring(mark + FileSync.StreamedHashesMark.Length + 2));
            var lines = (mark < 0 ? r.Output : r.Output.Substring(0, mark)).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            result.Bytes = Stat(lines, "Total bytes received");
            result.BytesReturned = Stat(lines, "Total bytes sent");
            if (r.Succeeded)
            {
                return (FileSync.ReceivedFiles(lines.Where(l => l.StartsWith(RsyncRelay.ItemPrefix, StringComparison.Ordinal)).Select(l => l.Substring(RsyncRelay.ItemPrefix.Length))).ToList(), hashes);
            }

            reporter.Verbose($"rsync on {target.Name} (direct from {Host}:{Port}): exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}: {r.Error.Replace("\n", " | ")}");
            var where = $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
            throw (r.ExitCode, DirectPath.Classify(r.Error)) switch
            {
                (5, _) => new ReleaseOpsException(ErrorIds.UnsafeSyncPath, FailureCategory.SecurityError,
                    $"{target.Name}: {NodeStream.Brief(r.Error).Replace("releaseops: ", string.Empty)}; a sync never follows a link in its folder's path.",
                    "Pass the folder's real path (readlink -f on the node), after checking who made the link.", request.TargetPathOrSame),
                (_, DirectPath.Failure.HostKey) => new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                    $"{target.Name} reached {where}, and the server there presented another host key than the one this machine verified for {source.Name} ({source.HostKeyFingerprint}); the new node refused it. Nothing was copied. Someone may be intercepting the path between the nodes, or {where} is another server.",
                    $"Check that {where} is the old node as the new node sees it (pass its address with -DirectAddress), or run without -Direct.", where),
                (_, DirectPath.Failure.UnsafePath) => new ReleaseOpsException(ErrorIds.UnsafeSyncPath, FailureCategory.SecurityError,
                    $"{source.Name}: {request.Path} is missing or reached through a symbolic link; a sync never follows a link in its folder's path.",
                    "Pass the folder's real path (readlink -f on the node), after checking who made the link.", request.Path),
                (_, DirectPath.Failure.KeyRefused) => new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                    $"{target.Name} reached {where}, but the old node refused the temporary key: the new node's connection came from an address other than {string.Join(", ", From)} (a NAT between the nodes?), or sshd there does not read ~/.ssh/authorized_keys. Nothing was copied.",
                    "If a NAT stands between the nodes, pass the address the old node sees the new node's connections come from with -DirectFrom; else run without -Direct (the files then go through this machine).", where),
                (_, DirectPath.Failure.Unreachable) => new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                    $"{target.Name} cannot reach the old node {source.Name} at {where}: {NodeStream.Brief(r.Error)}. Nothing was copied.",
                    $"Run without -Direct (the files then go through this machine), open port {Port.ToString(CultureInfo.InvariantCulture)} of the old node to the new one, or pass the address the new node reaches it by with -DirectAddress.", where),
                (25, _) => new ReleaseOpsException(ErrorIds.TooManyDeletions, FailureCategory.LimitsExceeded,
                    $"{target.Name}:{request.TargetPathOrSame}: rsync stopped deleting at -MaxDelete {request.MaxDelete} (the source lost more entries since it was listed): {NodeStream.Brief(r.Error)}",
                    "Check the source, then run the command again (-WhatIf shows the numbers), with a higher -MaxDelete if the deletions are meant.", request.TargetPathOrSame),
                _ => new ReleaseOpsException(ErrorIds.FileStreamFailed, FailureCategory.InvalidResult,
                    $"rsync {source.Name} -> {target.Name} (direct, from {where}) failed (exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none: the connection was cut or the command killed"}): {NodeStream.Brief(r.Error)}",
                    "Fix the cause and run the same command again: rsync sends what is still missing or different.", request.Path),
            };
        }

        /// <summary>
        /// Removes the key line from the old node (exact line) and the key's folder from the new node, whatever happened,
        /// without the run's cancellation. Returns what could not be removed (empty when all is gone).
        /// </summary>
        public async Task<IReadOnlyList<string>> CleanupAsync(IOperationReporter reporter)
        {
            var left = new List<string>();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var lineTask = line is null ? Task.FromResult<string?>(null) : TryAsync(() => EditKeysAsync(source, "remove", line, "-", reporter, limit.Token));
            var folderTask = RemoveFolderAsync(target, Folder, reporter);
            await Task.WhenAll(lineTask, folderTask).ConfigureAwait(false);
            if (line is not null && await lineTask.ConfigureAwait(false) is null)
            {
                left.Add($"{source.Name}: the line ending in '{Marker}' in ~{source.User}/.ssh/authorized_keys");
            }

            if (!await folderTask.ConfigureAwait(false))
            {
                left.Add($"{target.Name}: the folder {Folder}");
            }

            return left;
        }

        /// <summary>Removes every temporary key line of a tag (and other runs' stale lines) from the old node: Undo-Migration's part.</summary>
        public static Task<string> RemoveTaggedLinesAsync(NodeSession source, string tag, IOperationReporter reporter, CancellationToken token) =>
            EditKeysAsync(source, "remove", string.Empty, tag, reporter, token);

        /// <summary>The commands, for -WhatIf.</summary>
        public static IEnumerable<KeyValuePair<string, string>> Plan(FileSyncRequest request, string source, string target, string delete)
        {
            var address = string.IsNullOrWhiteSpace(request.DirectAddress) ? $"{source}'s address as this machine uses it" : request.DirectAddress;
            var s = ShellQuote.Quote(request.Path);
            var t = ShellQuote.Quote(request.TargetPathOrSame);
            return new KeyValuePair<string, string>[]
            {
                new(target, "d=$(mktemp -d /tmp/releaseops-direct-<tag>.XXXXXXXXXX) && ssh-keygen -t ed25519 -N '' -f $d/id && echo '" + DirectPath.HostAlias + " <the host key this machine verified for " + source + ">' > $d/known_hosts   (as the login user; the private key never leaves $d)"),
                new(source, $"append to ~/.ssh/authorized_keys (as the login user, never through a link): restrict,from=\"<the new node's addresses>\",command=\"cd -P -- {s} && exec rsync --server --sender -logDtprHe.<capabilities> --numeric-ids . ./\" ssh-ed25519 <the new key> {DirectPath.MarkerPrefix}<tag>-<time>-<random>"),
                new(target, $"mkdir -p {t} && cd {t} && rsync -aH --numeric-ids{delete} --out-format='%i %n%L' --stats -e 'ssh -F none -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityFile=$d/id -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$d/known_hosts -o HostKeyAlias={DirectPath.HostAlias} -o HostName=<{address}> ...' {DirectPath.HostAlias}:./ ./   (node to node; only deltas travel)"),
                new($"{source}, {target}", "afterwards, whatever happened: the exact line removed from authorized_keys (a new file renamed over it), rm -rf $d"),
            };
        }

        private static async Task<string> EditKeysAsync(NodeSession session, string op, string keyLine, string tag, IOperationReporter reporter, CancellationToken token)
        {
            var cutoff = (DateTimeOffset.UtcNow - DirectPath.StaleLineAfter).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = KeysScript, Arguments = new[] { op, keyLine, tag, cutoff }, Timeout = TimeSpan.FromMinutes(1) }, null, reporter, token).ConfigureAwait(false);
            if (r.ExitCode == 4)
            {
                throw new ReleaseOpsException(ErrorIds.UnsafeKeyFile, FailureCategory.SecurityError,
                    $"{session.Name}: refused to {(op == "add" ? "add the temporary key to" : "edit")} {session.User}'s authorized_keys: {r.Error.Trim().Replace("releaseops: ", string.Empty)}.",
                    $"Log in to the node and check {session.User}'s ~/.ssh by hand: it must be a real folder and file owned by {session.User}. Or run without -Direct.", session.Name);
            }

            if (!r.Succeeded)
            {
                throw new ReleaseOpsException(r.FailureId == ErrorIds.SudoFailed ? ErrorIds.SudoFailed : ErrorIds.NodeCommandFailed, FailureCategory.InvalidResult,
                    $"{session.Name}: could not {(op == "add" ? "add the temporary key to" : "remove the temporary key from")} ~{session.User}/.ssh/authorized_keys (exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {NodeStream.Brief(r.Error)}",
                    "Read the error; run the same command with -Verbose to see more.", session.Name);
            }

            return r.Output.Trim();
        }

        private static async Task<bool> RemoveFolderAsync(NodeSession session, string folder, IOperationReporter reporter)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = RemoveFolderScript, Arguments = new[] { folder }, Timeout = TimeSpan.FromMinutes(1) }, null, reporter, limit.Token).ConfigureAwait(false);
                return r.Succeeded;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                reporter.Verbose($"{session.Name}: could not remove {folder}: {ex.Message}");
                return false;
            }
        }

        private static async Task<string?> TryAsync(Func<Task<string>> action)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }

        private static long Stat(IEnumerable<string> lines, string name)
        {
            foreach (var l in lines)
            {
                if (l.StartsWith(name + ":", StringComparison.Ordinal))
                {
                    var digits = Regex.Match(l.Substring(name.Length + 1), @"[0-9][0-9,.]*").Value.Replace(",", string.Empty).Replace(".", string.Empty);
                    return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                }
            }

            return 0;
        }
    }
}
