using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The pure parts of the direct data path (Sync-NodeFile -Direct): the new node runs rsync's client over its own ssh
    /// to the old node, with a temporary key that the old node's authorized_keys restricts to one forced command (rsync's
    /// sender in the checked folder) from the new node's addresses. Building the authorized_keys line, its quoting, the
    /// marker comment that lets a later run find a leftover line, and the ssh command of the new node live here, so that
    /// xunit tests them without a node.
    /// </summary>
    public static class DirectPath
    {
        /// <summary>The comment of every temporary key line: releaseops-direct-&lt;tag&gt;-&lt;unix seconds&gt;-&lt;random&gt;.</summary>
        public const string MarkerPrefix = "releaseops-direct-";

        /// <summary>The name under which the new node knows the old node's host key (HostKeyAlias), whatever its address.</summary>
        public const string HostAlias = "releaseops-old-node";

        /// <summary>
        /// A key line is needed only from its install until the new node's ssh has authenticated (seconds): a line of
        /// another run older than this is a leftover of a crash, and any run removes it.
        /// </summary>
        public static readonly TimeSpan StaleLineAfter = TimeSpan.FromMinutes(10);

        /// <summary>A key folder of another run older than this is a leftover (a running sync may use its key's folder for hours).</summary>
        public static readonly TimeSpan StaleFolderAfter = TimeSpan.FromDays(1);

        private static readonly Regex MarkerPattern = new(@"\Areleaseops-direct-(?<tag>[a-z0-9]{1,40})-(?<time>[0-9]{1,12})-(?<random>[a-z0-9]{1,32})\z", RegexOptions.CultureInvariant);

        private static readonly Regex KeyBase64 = new(@"\A[A-Za-z0-9+/]+={0,2}\z", RegexOptions.CultureInvariant);

        private static readonly Regex KeyType = new(@"\A[a-z0-9@.-]{3,64}\z", RegexOptions.CultureInvariant);

        private static readonly Regex UserName = new(@"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\z", RegexOptions.CultureInvariant);

        private static readonly Regex HostName = new(@"\A[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// AES-GCM first, as for the relay (NodeConnector): both ends run it with AES-NI and no separate MAC, which moves
        /// the data at about twice the speed of OpenSSH's default chacha20-poly1305 on the same CPU. The rest of the list is
        /// OpenSSH's own set, so that an old node still finds a cipher in common.
        /// </summary>
        public const string Ciphers = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr";

        /// <summary>
        /// curve25519 first, as NodeConnector prefers it: OpenSSH 9's default, the sntrup761 hybrid, costs about 100 ms of
        /// CPU per connection here (measured: 151 against 270 ms for ssh ... true between two sandbox nodes), which is a
        /// fifth of an incremental sync. The list holds only what every OpenSSH client since 7.4 knows (a client refuses a
        /// name it does not know), so an older new node still connects.
        /// </summary>
        public const string KexAlgorithms = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
            + "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";

        /// <summary>The folder that holds the key on the new node: made by mktemp -d under /tmp, so only this shape is accepted back.</summary>
        private static readonly Regex KeyFolder = new(@"\A/tmp/releaseops-direct-[a-z0-9]{1,40}\.[A-Za-z0-9]{10}\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// A short tag for the runs of one sync (the same nodes and folders) or one migration: a rerun removes the line a
        /// crash of an earlier run with the same tag left, at once, while another sync's fresh line is left alone.
        /// </summary>
        public static string Tag(params string[] parts)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(string.Join("\0", parts)));
            return string.Concat(hash.Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        /// <summary>The marker comment of one run's key.</summary>
        public static string Marker(string tag, DateTimeOffset now, string random)
        {
            var marker = MarkerPrefix + tag + "-" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "-" + random;
            if (!MarkerPattern.IsMatch(marker))
            {
                throw new ArgumentException($"'{marker}' is not a marker: the tag and the random part are lower-case letters and digits.", nameof(tag));
            }

            return marker;
        }

        /// <summary>A random part for a marker: 12 lower-case letters and digits.</summary>
        public static string RandomPart()
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            var bytes = new byte[12];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(bytes);
            }

            return new string(bytes.Select(b => alphabet[b % alphabet.Length]).ToArray());
        }

        /// <summary>Whether an authorized_keys line is a temporary key of ReleaseOps (its shape and its marker comment).</summary>
        public static bool IsOurLine(string line, out string tag, out long created)
        {
            tag = string.Empty;
            created = 0;
            if (!line.StartsWith("restrict,from=\"", StringComparison.Ordinal))
            {
                return false;
            }

            var fields = line.TrimEnd().Split(' ');
            var m = MarkerPattern.Match(fields[fields.Length - 1]);
            if (!m.Success)
            {
                return false;
            }

            tag = m.Groups["tag"].Value;
            created = long.Parse(m.Groups["time"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            return true;
        }

        /// <summary>
        /// What the old node runs for the key, whatever the client asks: enter the checked folder (cd -P, then pwd -P must be
        /// the folder itself, so no link in its path is followed), then exec rsync's sender with the arguments the probe
        /// accepted (<see cref="FileSync.ServerArguments"/>), through sudo -n when the login user is not root. Every value is
        /// quoted for the login shell that sshd hands the command to.
        /// </summary>
        public static string ForcedCommand(string path, IReadOnlyList<string> serverArguments, bool sudo)
        {
            if (serverArguments is null || serverArguments.Count < 2 || serverArguments[0] != "--server" || serverArguments[1] != "--sender")
            {
                throw new ArgumentException("The sender's arguments start with --server --sender.", nameof(serverArguments));
            }

            var q = ShellQuote.Quote(path);
            return $"cd -P -- {q} 2>/dev/null && [ \"$(pwd -P)\" = {q} ] || {{ echo 'releaseops: the folder is missing or reached through a symbolic link' >&2; exit 5; }}; "
                + "exec " + (sudo ? "sudo -n -- " : string.Empty) + "rsync " + ShellQuote.Join(serverArguments);
        }

        /// <summary>
        /// An option value of authorized_keys in double quotes. sshd undoes only \" inside them (auth-options.c,
        /// opt_dequote), so every '"' becomes \" and nothing else changes; a value may not end with a backslash (it would
        /// escape the closing quote) nor hold a line break (a line is one key).
        /// </summary>
        public static string QuoteOption(string value)
        {
            if (value is null || value.IndexOfAny(new[] { '\n', '\r', '\0' }) >= 0 || value.EndsWith("\\", StringComparison.Ordinal))
            {
                throw new ArgumentException("An authorized_keys option may not hold a line break or NUL, nor end with a backslash.", nameof(value));
            }

            return "\"" + value.Replace("\"", "\\\"") + "\"";
        }

        /// <summary>sshd's reading of a quoted option (for the tests: what QuoteOption wrote must read back as the value).</summary>
        public static string DequoteOption(string quoted, out int consumed)
        {
            if (quoted.Length == 0 || quoted[0] != '"')
            {
                throw new FormatException("missing start quote");
            }

            var sb = new StringBuilder();
            var i = 1;
            while (i < quoted.Length && quoted[i] != '"')
            {
                if (quoted[i] == '\\' && i + 1 < quoted.Length && quoted[i + 1] == '"')
                {
                    i++;
                }

                sb.Append(quoted[i++]);
            }

            if (i >= quoted.Length)
            {
                throw new FormatException("missing end quote");
            }

            consumed = i + 1;
            return sb.ToString();
        }

        /// <summary>
        /// The line for the old node's authorized_keys: restrict (no pty, no forwarding of any kind, no ~/.ssh/rc),
        /// from= the new node's addresses, command= the forced command; then the key and the marker comment.
        /// </summary>
        public static string AuthorizedKeysLine(IReadOnlyCollection<string> from, string forcedCommand, string publicKey, string marker)
        {
            if (from is null || from.Count == 0 || from.Any(a => !IPAddress.TryParse(a, out _) || a.IndexOfAny(new[] { ',', '"', ' ' }) >= 0))
            {
                throw new ArgumentException("from= takes one or more IP addresses.", nameof(from));
            }

            if (!MarkerPattern.IsMatch(marker))
            {
                throw new ArgumentException($"'{marker}' is not a marker.", nameof(marker));
            }

            var (type, base64) = SplitKey(publicKey);
            return "restrict,from=" + QuoteOption(string.Join(",", from)) + ",command=" + QuoteOption(forcedCommand) + " " + type + " " + base64 + " " + marker;
        }

        /// <summary>
        /// The old node's authorized_keys line of the database's tunnel: from the new node's addresses, no pty, no shell (a
        /// forced /bin/false, never run by ssh -N), and one forward: to <paramref name="to"/> (host:port, [v6]:port).
        /// </summary>
        public static string ForwardKeysLine(IReadOnlyCollection<string> from, string to, string publicKey, string marker)
        {
            var cut = (to ?? string.Empty).LastIndexOf(':');
            var host = cut > 0 ? to!.Substring(0, cut) : string.Empty;
            var bare = host.StartsWith("[", StringComparison.Ordinal) && host.EndsWith("]", StringComparison.Ordinal) ? host.Substring(1, host.Length - 2) : host;
            var hostOk = bare != host ? bare.Contains(':') && IsForwardHost(bare) : !host.Contains(':') && IsForwardHost(host);
            if (!hostOk || !int.TryParse(to!.Substring(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
            {
                throw new ArgumentException($"'{to}' is not a host:port to forward to.", nameof(to));
            }

            var line = AuthorizedKeysLine(from, "/bin/false", publicKey, marker);
            var command = ",command=" + QuoteOption("/bin/false");
            return line.Replace(command, ",port-forwarding,permitopen=" + QuoteOption(to) + command);
        }

        /// <summary>
        /// Whether a forward can be pointed at this host (the old database's listen address): an IPv4 address in dotted
        /// quads, an IPv6 address without a zone, or a DNS name. Anything else (a zone, a pattern, a list) is not.
        /// </summary>
        public static bool IsForwardHost(string host) =>
            !string.IsNullOrEmpty(host) && (host.Contains(':')
                ? IPAddress.TryParse(host, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !host.Contains('%')
                : (IPAddress.TryParse(host, out _) && host.Count(c => c == '.') == 3) || HostName.IsMatch(host));

        /// <summary>The type and base64 of a .pub line (its comment dropped); anything else is refused.</summary>
        public static (string Type, string Base64) SplitKey(string publicKey)
        {
            var parts = (publicKey ?? string.Empty).Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !KeyType.IsMatch(parts[0]) || !KeyBase64.IsMatch(parts[1]))
            {
                throw new ArgumentException($"'{publicKey}' is not a public key line.", nameof(publicKey));
            }

            return (parts[0], parts[1]);
        }

        /// <summary>The new node's temporary known_hosts: the old node's host key, as this machine verified it, under <see cref="HostAlias"/>.</summary>
        public static string KnownHostsLine(string hostKey)
        {
            var (type, base64) = SplitKey(hostKey);
            return HostAlias + " " + type + " " + base64;
        }

        /// <summary>
        /// The address by which the new node reaches the old one: "host", "host:port", "[v6]:port" or a bare IPv6 address,
        /// each part checked (an IP address, or a DNS name). The port defaults to the one given.
        /// </summary>
        public static (string Host, int Port) ParseAddress(string address, int defaultPort)
        {
            static ReleaseOpsException Invalid(string? a) => new(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument,
                $"'{a}' is not an address by which the new node can reach the old one.", "Pass an IP address or a DNS name, optionally with :port ([v6]:port for IPv6), such as 10.0.0.5 or 10.0.0.5:2222.", a);

            var a = (address ?? string.Empty).Trim();
            string host = a;
            var port = defaultPort;
            if (a.StartsWith("[", StringComparison.Ordinal))
            {
                var close = a.IndexOf(']');
                if (close < 0)
                {
                    throw Invalid(address);
                }

                host = a.Substring(1, close - 1);
                var rest = a.Substring(close + 1);
                if (rest.Length > 0 && (!rest.StartsWith(":", StringComparison.Ordinal) || !int.TryParse(rest.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out port)))
                {
                    throw Invalid(address);
                }
            }
            else if (a.Count(c => c == ':') == 1)
            {
                var cut = a.IndexOf(':');
                host = a.Substring(0, cut);
                if (!int.TryParse(a.Substring(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
                {
                    throw Invalid(address);
                }
            }

            var isIp = IPAddress.TryParse(host, out var ip) && (host.Contains(':') ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 : host.Count(c => c == '.') == 3);
            if (host.Length == 0 || host.Length > 253 || (!isIp && !HostName.IsMatch(host)) || port < 1 || port > 65535)
            {
                throw Invalid(address);
            }

            return (host, port);
        }

        /// <summary>
        /// The remote shell that the new node's rsync runs (rsync -e): ssh with no config file but these options, the
        /// temporary key only (no agent), the old node's host key only (its own known_hosts, strictly, never updated),
        /// no prompt, no tty, no forwarding. rsync splits -e on spaces, so every value is checked to hold none.
        /// </summary>
        public static string SshCommand(string keyFolder, string host, int port, string user)
        {
            if (!KeyFolder.IsMatch(keyFolder ?? string.Empty))
            {
                throw new ArgumentException($"'{keyFolder}' is not a key folder made by mktemp.", nameof(keyFolder));
            }

            if (!UserName.IsMatch(user ?? string.Empty))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, $"'{user}' is not a user name that a direct sync can pass to ssh.",
                    "Log in to the old node as a user whose name holds only letters, digits, '_', '.' and '-'.", user);
            }

            var (h, p) = ParseAddress(host.Contains(':') && !host.StartsWith("[", StringComparison.Ordinal) ? "[" + host + "]" : host, port);
            return string.Join(" ", new[]
            {
                "ssh", "-F", "none", "-T", "-x", "-a",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "IdentityFile=" + keyFolder + "/id",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + keyFolder + "/known_hosts", "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "HostKeyAlias=" + HostAlias, "-o", "UpdateHostKeys=no", "-o", "CheckHostIP=no",
                "-o", "HostName=" + h, "-o", "Port=" + p.ToString(CultureInfo.InvariantCulture), "-o", "User=" + user,
                "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4",
                "-o", "Ciphers=" + Ciphers, "-o", "KexAlgorithms=" + KexAlgorithms,
            });
        }

        /// <summary>
        /// An address that the old node may see the new node's connection come from, given by the admin (-DirectFrom: a
        /// NAT's public address): one IP address, canonical. Anything that would widen from= is refused (a pattern, a
        /// CIDR mask, a name, a list, the unspecified or a multicast address).
        /// </summary>
        public static string ParseFrom(string? address)
        {
            var a = (address ?? string.Empty).Trim();
            var v6 = a.Contains(':');
            if (IPAddress.TryParse(a, out var ip) && (v6 ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && ip.ScopeId == 0 && !ip.IsIPv6Multicast && !ip.Equals(IPAddress.IPv6Any)
                    : a.Count(c => c == '.') == 3 && ip.GetAddressBytes()[0] < 224 && !ip.Equals(IPAddress.Any)))
            {
                return ip.ToString();
            }

            throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument,
                $"'{address}' is not one address that the old node may see the new node's connection come from.",
                "Pass each address on its own, as an IP address (the NAT's public address, such as 203.0.113.7); patterns, masks and names are refused, since they would widen the temporary key's from=.", address);
        }

        /// <summary>Checks what the new node printed as its key folder.</summary>
        public static bool IsKeyFolder(string path, string tag) => KeyFolder.IsMatch(path) && path.StartsWith("/tmp/releaseops-direct-" + tag + ".", StringComparison.Ordinal);

        /// <summary>
        /// The distinct IP addresses among the candidates (anything else is dropped), in order. Loopback addresses only
        /// when the old node is reached on loopback itself: an admin who reaches the new node through a tunnel
        /// (127.0.0.1:2222) must not open the key to the old node's own local users.
        /// </summary>
        public static IReadOnlyList<string> FromAddresses(IEnumerable<string?> candidates, string oldNodeHost)
        {
            var loopbackOld = IPAddress.TryParse(oldNodeHost, out var old) ? IPAddress.IsLoopback(old) : string.Equals(oldNodeHost, "localhost", StringComparison.OrdinalIgnoreCase);
            return candidates.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim())
                .Where(c => IPAddress.TryParse(c, out var ip) && (c.Contains(':') || c.Count(x => x == '.') == 3) && (loopbackOld || !IPAddress.IsLoopback(ip)))
                .Select(c => IPAddress.Parse(c).ToString()).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>What a failed direct rsync's messages say about the path between the nodes.</summary>
        public enum Failure
        {
            /// <summary>rsync's own failure (or unknown).</summary>
            None,

            /// <summary>The new node could not connect to the old node at that address.</summary>
            Unreachable,

            /// <summary>The old node refused the temporary key: the new node's connection came from an address outside from=.</summary>
            KeyRefused,

            /// <summary>The old node at that address presented another host key than the one this machine verified.</summary>
            HostKey,

            /// <summary>The forced command refused the folder (missing, or a link in its path).</summary>
            UnsafePath,
        }

        /// <summary>Classifies the receiver's standard error (ssh's and rsync's messages, in the C locale).</summary>
        public static Failure Classify(string stderr)
        {
            var e = stderr ?? string.Empty;
            if (e.Contains("Host key verification failed") || e.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || Regex.IsMatch(e, @"No \S+ host key is known for"))
            {
                return Failure.HostKey;
            }

            if (e.Contains("releaseops: the folder is missing or reached through a symbolic link"))
            {
                return Failure.UnsafePath;
            }

            if (e.Contains("Permission denied ("))
            {
                return Failure.KeyRefused;
            }

            if (Regex.IsMatch(e, @"ssh: connect to host|Connection refused|Connection timed out|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|kex_exchange_identification|Connection closed by|Connection reset by"))
            {
                return Failure.Unreachable;
            }

            return Failure.None;
        }
    }
}
