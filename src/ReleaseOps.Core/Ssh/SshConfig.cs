using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// An OpenSSH client configuration (ssh_config(5)), resolved the way OpenSSH 9.2's ssh does for ssh -G.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Resolved keywords: HostName, User, Port, IdentityFile, IdentitiesOnly, ProxyJump, UserKnownHostsFile,
    /// StrictHostKeyChecking and ConnectTimeout; ProxyCommand and HostKeyAlias are tracked only because they change
    /// those (a ProxyCommand obtained first disables ProxyJump; HostKeyAlias is the %k token). Every other keyword is
    /// ignored, including ones ssh does not know. Structure: Host, Match and Include.
    /// </para>
    /// <para>
    /// Parsing follows ssh: keywords are case-insensitive; "Keyword value", "Keyword=value" and "Keyword = value";
    /// arguments may be quoted with ' or " and use \ escapes; # starts a comment at the start of an argument. For each
    /// keyword the first value obtained wins; IdentityFile accumulates (a repeated value is kept once). Host patterns
    /// (* and ?, several per line, !negation vetoes the block) match the alias as given, case-sensitively. As in ssh,
    /// every line is checked when the file is loaded, also in blocks that never match, so a bad Port anywhere fails
    /// with SshConfigInvalid and file:line. Include takes globs; relative paths are under ~/.ssh, where ~ is $HOME
    /// (ssh expands Include with glob(3), which reads $HOME); files are read when the configuration is loaded, an
    /// Include inside a Host or Match block applies only when that block matches, and nesting deeper than 16 (such as
    /// a loop) fails with SshConfigInvalid.
    /// </para>
    /// <para>
    /// Match: "all", "host" (against the HostName obtained so far, case-insensitive), "originalhost", "user" (the user
    /// obtained so far, else the local user) and "localuser", each optionally negated with !. The criteria "exec",
    /// "canonical", "final", "localnetwork" and "tagged" are not evaluated: loading a file that uses them throws
    /// SshConfigUnsupported naming the file and line, because skipping them would silently give settings ssh would not
    /// use ("final" and "canonical" even make ssh read the whole file a second time). An unknown criterion is
    /// SshConfigInvalid, as ssh rejects it too. CanonicalizeHostname is ignored (ssh would re-read the file with the
    /// canonical name).
    /// </para>
    /// <para>
    /// Paths: ~ and %d are the home directory of the account in the password database (ssh ignores $HOME there), %u
    /// the local user, %l the local host name (%L up to the first dot), %i the user id, %h the resolved HostName, %n
    /// the alias, %k HostKeyAlias or the alias, %p the port, %r the remote user, %C the SHA-1 of %l%h%p%r, %% a
    /// percent sign, and ${VAR} an environment variable. ssh -G prints IdentityFile unexpanded but expands the same
    /// way when it loads keys; a relative result is made full against the current directory, where ssh opens it. When
    /// no IdentityFile is obtained, the result is ssh's defaults: ~/.ssh/id_rsa, id_ecdsa, id_ecdsa_sk, id_ed25519,
    /// id_ed25519_sk, id_xmss, id_dsa. An unknown token or an unset variable throws SshConfigInvalid when resolving.
    /// </para>
    /// <para>
    /// Not modelled: /etc/ssh/ssh_config (LoadDefault reads ~/.ssh/config only), file permission checks, the DNS
    /// canonicalization pass, and ssh's "jumphost loop" check.
    /// </para>
    /// </remarks>
    public sealed partial class SshConfig
    {
        private const int MaxIncludeDepth = 16;
        private const int MaxIdentityFiles = 100;
        private const int MaxKnownHostsFiles = 32;
        private const string Whitespace = " \t\r\n";

        private static readonly string[] DefaultIdentityFiles =
        {
            "~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk",
            "~/.ssh/id_xmss", "~/.ssh/id_dsa",
        };

        private static readonly string[] UnsupportedMatchCriteria = { "exec", "canonical", "final", "localnetwork", "tagged" };

        private readonly IReadOnlyList<Entry> entries;
        private readonly SshLocalContext? context;

        private SshConfig(string? path, IReadOnlyList<Entry> entries, SshLocalContext? context)
        {
            Path = path;
            this.entries = entries;
            this.context = context;
        }

        /// <summary>A configuration with no lines: every host gets ssh's defaults.</summary>
        public static SshConfig Empty { get; } = new(null, Array.Empty<Entry>(), null);

        /// <summary>The file the configuration was loaded from; null for Empty.</summary>
        public string? Path { get; }

        /// <summary>
        /// The Host aliases that name one host (no wildcard, not negated), from the file and the files it includes, in
        /// order and once each: what `ssh <Tab>` offers, for -HostName completion.
        /// </summary>
        public IReadOnlyList<string> HostAliases()
        {
            var aliases = new List<string>();
            void Walk(IReadOnlyList<Entry> list)
            {
                foreach (var entry in list)
                {
                    if (entry is HostEntry h)
                    {
                        aliases.AddRange(h.HostPatterns.Where(p => p.Length > 0 && p.IndexOfAny(new[] { '*', '?', '!' }) < 0));
                    }
                    else if (entry is IncludeEntry inc)
                    {
                        foreach (var file in inc.Files)
                        {
                            Walk(file);
                        }
                    }
                }
            }

            Walk(entries);
            return aliases.Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>Reads a configuration file and the files it includes. A missing file is SshConfigNotFound.</summary>
        public static SshConfig Load(string path) => Load(path, SshLocalContext.FromEnvironment());

        /// <summary>Reads ~/.ssh/config (~ being the account's home, as ssh has it) when it exists, else returns Empty.</summary>
        public static SshConfig LoadDefault() => LoadDefault(SshLocalContext.FromEnvironment());

        internal static SshConfig LoadDefault(SshLocalContext context)
        {
            var path = System.IO.Path.Combine(context.HomeDirectory, ".ssh", "config");
            return File.Exists(path) ? Load(path, context) : Empty;
        }

        internal static SshConfig Load(string path, SshLocalContext context)
        {
            if (path is null || string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException("A configuration file path is required.", nameof(path));
            }

            var full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new ReleaseOpsException(ErrorIds.SshConfigNotFound, FailureCategory.ObjectNotFound,
                    $"The SSH configuration file '{full}' does not exist.",
                    "Pass the path of an existing ssh_config file, or use LoadDefault for ~/.ssh/config.", full);
            }

            return new SshConfig(full, new Parser(context).ParseFile(full, 0), context);
        }

        /// <summary>
        /// Resolves the settings for a destination (host, user@host or ssh://user@host:port). An explicit user or port
        /// wins over the destination and the file, as -l and -p do on the ssh command line (an empty user counts as
        /// none). A host name ssh would refuse (blank, leading '-', shell characters) is InvalidHostName.
        /// </summary>
        public SshHostSettings Resolve(string host, string? user = null, int? port = null)
        {
            var ctx = context ?? SshLocalContext.FromEnvironment();
            var destination = ParseDestination(host);
            if (port is not null && (port < 1 || port > 65535))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidPort, FailureCategory.InvalidArgument,
                    $"Port {port} is outside 1-65535.", "Pass a TCP port from 1 to 65535.", port);
            }

            var state = new ResolveState(destination.Host, ctx)
            {
                User = string.IsNullOrEmpty(user) ? destination.User : user,
                Port = port ?? destination.Port,
            };

            var active = true;
            Evaluate(entries, ref active, false, state);
            return state.Finish();
        }

        private static void Evaluate(IReadOnlyList<Entry> list, ref bool active, bool neverMatch, ResolveState state)
        {
            foreach (var entry in list)
            {
                switch (entry)
                {
                    case HostEntry h:
                        active = !neverMatch && h.Matches(state.Alias);
                        break;
                    case MatchEntry m:
                        var matched = m.Matches(state);
                        active = !neverMatch && matched;
                        break;
                    case IncludeEntry inc:
                        var outer = active;
                        foreach (var file in inc.Files)
                        {
                            Evaluate(file, ref active, neverMatch || !outer, state);
                            active = outer;
                        }

                        break;
                    case Setting s when active:
                        state.Apply(s);
                        break;
                }
            }
        }

        /// <summary>Throws InvalidHostName for a destination ssh would refuse or misread (see <see cref="Resolve"/>).</summary>
        public static void ValidateDestination(string destination) => ParseDestination(destination);

        private static (string Host, string? User, int? Port) ParseDestination(string destination)
        {
            if (destination is null || string.IsNullOrWhiteSpace(destination))
            {
                throw InvalidHost(destination ?? string.Empty, "The host name is empty.");
            }

            string host;
            string? user = null;
            int? port = null;
            var uri = Syntax.ParseSshUri(destination);
            if (uri.Result < 0)
            {
                throw InvalidHost(destination, $"'{destination}' is not a valid ssh:// destination.");
            }

            if (uri.Result == 0)
            {
                host = uri.Host!;
                user = uri.User;
                port = uri.Port;
            }
            else
            {
                var at = destination.LastIndexOf('@');
                if (at == 0)
                {
                    throw InvalidHost(destination, $"'{destination}' has an empty user name before '@'.");
                }

                host = at < 0 ? destination : destination.Substring(at + 1);
                user = at < 0 ? null : destination.Substring(0, at);
            }

            if (host.Length == 0)
            {
                throw InvalidHost(destination, $"'{destination}' has no host name.");
            }

            // ssh refuses these before it reads any configuration.
            if (host.Length > 0 && host[0] == '-')
            {
                throw InvalidHost(destination, $"'{host}' starts with '-', which ssh would take for an option.");
            }

            foreach (var c in host)
            {
                if (c <= ' ' || c == '\x7f' || "'`\"$\\;&<>|(){},".IndexOf(c) >= 0)
                {
                    throw InvalidHost(destination, $"'{host}' contains a character ssh refuses in a host name ('{c}').");
                }

                // Look-alike and invisible characters (fullwidth letters, Cyrillic, zero-width spaces) would reach a
                // resolver as another name: an international name is given in its ASCII form (xn--...).
                if (c > '\x7e')
                {
                    throw InvalidHost(destination, $"'{host}' contains a character outside ASCII (U+{(int)c:X4}); write an international name in its ASCII form (xn--...).");
                }
            }

            if (host.Length > 253)
            {
                throw InvalidHost(destination, $"the host name is {host.Length} characters long; DNS allows 253.");
            }

            return (host, user, port);
        }

        private static ReleaseOpsException InvalidHost(string input, string message) =>
            new(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, message,
                "Pass a host name or alias such as web1 or web1.example.com, optionally as user@host.", input);

        internal static ReleaseOpsException Invalid(Location where, string message, Exception? inner = null) =>
            new(ErrorIds.SshConfigInvalid, FailureCategory.InvalidData, $"{where}: {message}",
                "Fix the line in the SSH configuration; `ssh -G -F <file> <host>` shows how ssh reads it.", where.ToString(), inner);

        internal static ReleaseOpsException Unsupported(Location where, string message) =>
            new(ErrorIds.SshConfigUnsupported, FailureCategory.NotImplemented, $"{where}: {message}",
                "Rewrite the block with Host or Match host/originalhost/user/localuser/all, or pass the settings explicitly.",
                where.ToString());

        /// <summary>Where a line came from, printed as file:line.</summary>
        internal readonly struct Location
        {
            public Location(string file, int line)
            {
                File = file;
                Line = line;
            }

            public string File { get; }

            public int Line { get; }

            public override string ToString() => File + ":" + Line.ToString(CultureInfo.InvariantCulture);
        }
    }
}
