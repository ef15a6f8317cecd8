using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>Operations on nodes built on <see cref="NodeCommandRunner"/>, with every value quoted.</summary>
    public static class NodeOperations
    {
        // The key file is written as its user (setpriv, no PAM), never as root: a link the user planted in the home
        // (~/.ssh -> /root/.ssh, authorized_keys -> /etc/shadow) then reaches nothing the user could not already write.
        // A link or a file of another owner is refused (exit 4), as sshd's StrictModes refuses it.
        private const string AddKeyScript = @"set -e
user=""$1""; shift
entry=$(getent passwd ""$user"") || { echo ""releaseops: no user $user on this node"" >&2; exit 3; }
home=$(printf '%s' ""$entry"" | cut -d: -f6)
inner='set -u; umask 077
type=""$1""; key=""$2""; line=""$3""; dir=""$HOME/.ssh""; file=""$dir/authorized_keys""
for p in ""$dir"" ""$file""; do
  if [ -L ""$p"" ]; then echo ""releaseops: $p is a symbolic link; ReleaseOps refuses to follow it"" >&2; exit 4; fi
  if [ -e ""$p"" ] && [ ""$(stat -c %u ""$p"")"" != ""$(id -u)"" ]; then echo ""releaseops: $p belongs to $(stat -c %U ""$p""), not $(id -un)"" >&2; exit 4; fi
done
[ -d ""$dir"" ] || mkdir -m 700 ""$dir""
[ -f ""$file"" ] || : >> ""$file""
chmod 700 ""$dir""; chmod 600 ""$file""
if awk -v t=""$type"" -v k=""$key"" ""{ for (i = 1; i < NF; i++) if (\$i == t && \$(i + 1) == k) found = 1 } END { exit !found }"" ""$file""; then
  echo ""present $file""
else
  if [ -s ""$file"" ] && [ -n ""$(tail -c 1 ""$file"")"" ]; then echo >> ""$file""; fi
  printf ""%s\n"" ""$line"" >> ""$file""
  echo ""added $file""
fi'
cd /
if [ ""$(id -u)"" = ""$(id -u ""$user"")"" ]; then HOME=""$home"" exec sh -c ""$inner"" key ""$@""; fi
command -v setpriv >/dev/null 2>&1 || { echo ""releaseops: setpriv (util-linux) is not installed; ReleaseOps never writes in a user's home as root"" >&2; exit 5; }
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=""$home"" USER=""$user"" LOGNAME=""$user"" \
  setpriv --reuid=""$user"" --regid=""$(id -g ""$user"")"" --init-groups -- sh -c ""$inner"" key ""$@""";

        // A history file is its user's to write, so it is read as that user (setpriv, no PAM): a file swapped for a link
        // (-> /etc/shadow) between the check and the read reaches only what the user could read. Its content may not
        // hold the dump's separator (\036), or one user's file could pass lines off as another user's.
        private const string HistoryScript = @"sep=$(printf '\036')
command -v setpriv >/dev/null 2>&1 || { echo ""releaseops: setpriv (util-linux) is not installed; ReleaseOps never reads a user's file as root"" >&2; exit 5; }
me=$(id -u)
getent passwd | while IFS=: read -r name _ uid gid _ home _; do
  [ -n ""$home"" ] || continue
  if [ -n ""$1"" ] && [ ""$1"" != ""$name"" ]; then continue; fi
  for f in ""$home/.bash_history"" ""$home/.zsh_history""; do
    # Only the user's own regular file: a link planted there is never followed.
    [ -f ""$f"" ] && [ ! -L ""$f"" ] && [ ""$(stat -c %u ""$f"")"" = ""$uid"" ] || continue
    printf '%s %s %s\n' ""$sep"" ""$name"" ""$f""
    if [ ""$uid"" = ""$me"" ]; then cat -- ""$f"" </dev/null
    else setpriv --reuid=""$uid"" --regid=""$gid"" --clear-groups -- cat -- ""$f"" </dev/null
    fi | tr -d '\036'
    echo
  done
done";

        public static async Task<NodeSshKeyResult> AddSshKeyAsync(NodeSession session, PublicKey key, string? forUser, IOperationReporter reporter, CancellationToken token)
        {
            var user = string.IsNullOrEmpty(forUser) ? session.User : forUser!;
            var request = new NodeCommandRequest
            {
                Command = AddKeyScript,
                Arguments = new[] { user, key.Type, key.Base64, key.Line },
                Sudo = user != session.User,
                Timeout = TimeSpan.FromMinutes(1),
            };
            var result = await NodeCommandRunner.RunAsync(session, request, null, reporter, token).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw result.ExitCode switch
                {
                    3 => new ReleaseOpsException(ErrorIds.NodeUserNotFound, FailureCategory.ObjectNotFound, $"{session.Name}: there is no user {user}.", "Create the user first (Add-NodeUser), or pass an existing -ForUser.", session.Name),
                    4 => new ReleaseOpsException(ErrorIds.UnsafeKeyFile, FailureCategory.SecurityError, $"{session.Name}: refused to install the key for {user}: {result.Error.Trim().Replace("releaseops: ", string.Empty)}.",
                        $"Log in to the node and check {user}'s ~/.ssh by hand: it must be a real folder and file owned by {user}.", session.Name),
                    _ => Failed(session, result, "install the key"),
                };
            }

            var words = result.Output.Trim().Split(new[] { ' ' }, 2);
            return new NodeSshKeyResult
            {
                HostName = session.Name,
                User = user,
                Fingerprint = key.Fingerprint,
                Comment = key.Comment,
                Status = words[0] == "added" ? SshKeyStatus.Added : SshKeyStatus.AlreadyPresent,
                Path = words.Length > 1 ? words[1] : string.Empty,
            };
        }

        public static async Task<IReadOnlyList<NodeHistoryEntry>> ReadHistoryAsync(NodeSession session, string? ofUser, IOperationReporter reporter, CancellationToken token)
        {
            var request = new NodeCommandRequest { Command = HistoryScript, Arguments = new[] { ofUser ?? string.Empty }, Sudo = !session.IsRoot, Timeout = TimeSpan.FromMinutes(2) };
            var result = await NodeCommandRunner.RunAsync(session, request, null, reporter, token).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw Failed(session, result, "read the command history");
            }

            return ParseHistory(session.Name, result.Output);
        }

        /// <summary>
        /// Parses the history dump: a "\x1e user file" header, then the file. bash writes "#&lt;epoch&gt;" before a command
        /// when HISTTIMEFORMAT is set (the bootstrap sets it); zsh's extended format is ": &lt;epoch&gt;:&lt;elapsed&gt;;command".
        /// </summary>
        public static IReadOnlyList<NodeHistoryEntry> ParseHistory(string host, string dump)
        {
            var entries = new List<NodeHistoryEntry>();
            string user = string.Empty, source = string.Empty;
            DateTimeOffset? pending = null;
            var index = 0;
            foreach (var raw in dump.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length > 0 && line[0] == '\x1e')
                {
                    var parts = line.Substring(1).Trim().Split(new[] { ' ' }, 2);
                    user = parts[0];
                    source = parts.Length > 1 ? parts[1] : string.Empty;
                    pending = null;
                    index = 0;
                    continue;
                }

                if (line.Length > 1 && line[0] == '#' && long.TryParse(line.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
                {
                    pending = DateTimeOffset.FromUnixTimeSeconds(epoch);
                    continue;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                var command = line;
                DateTimeOffset? time = pending;
                if (line.StartsWith(": ", StringComparison.Ordinal) && line.IndexOf(';') > 2)
                {
                    var head = line.Substring(2, line.IndexOf(';') - 2).Split(':');
                    if (long.TryParse(head[0], NumberStyles.None, CultureInfo.InvariantCulture, out var zepoch))
                    {
                        time = DateTimeOffset.FromUnixTimeSeconds(zepoch);
                        command = line.Substring(line.IndexOf(';') + 1);
                    }
                }

                entries.Add(new NodeHistoryEntry { HostName = host, User = user, Time = time, Command = command, Source = source, Index = ++index });
                pending = null;
            }

            return entries;
        }

        /// <summary>
        /// Orders entries by time across users and files. A command without a time of its own sorts right after the
        /// command before it in the same file (it ran after it), and files keep their own order.
        /// </summary>
        public static IEnumerable<NodeHistoryEntry> InTimeOrder(IEnumerable<NodeHistoryEntry> entries)
        {
            var keyed = new List<(DateTimeOffset Key, NodeHistoryEntry Entry)>();
            foreach (var file in entries.GroupBy(e => (e.HostName, e.Source)))
            {
                var last = DateTimeOffset.MinValue;
                foreach (var e in file.OrderBy(e => e.Index))
                {
                    last = e.Time ?? last;
                    keyed.Add((last, e));
                }
            }

            return keyed.OrderBy(k => k.Key).ThenBy(k => k.Entry.Source, StringComparer.Ordinal).ThenBy(k => k.Entry.Index).Select(k => k.Entry);
        }

        private static ReleaseOpsException Failed(NodeSession session, NodeCommandResult result, string what) =>
            result.FailureId == ErrorIds.SudoFailed
                ? new ReleaseOpsException(ErrorIds.SudoFailed, FailureCategory.PermissionDenied, $"{session.Name}: {session.User} cannot {what} without passwordless sudo: {result.Error.Trim()}",
                    "Log in as root, or give the user passwordless sudo on the node.", session.Name)
                : new ReleaseOpsException(ErrorIds.NodeCommandFailed, FailureCategory.InvalidResult, $"{session.Name}: could not {what} (exit {result.ExitCode}): {result.Error.Trim()}",
                    "Read the error; run the same step with Invoke-NodeCommand to see more.", session.Name);
    }
}
