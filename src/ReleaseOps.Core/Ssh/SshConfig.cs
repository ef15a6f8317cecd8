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
    /// <summary>One hop of ProxyJump: [user@]host[:port] or ssh://[user@]host[:port].</summary>
    public sealed class SshJumpHost
    {
        internal SshJumpHost(string? user, string host, int? port)
        {
            User = user;
            Host = host;
            Port = port;
        }

        /// <summary>The user for this hop, or null when the hop does not name one.</summary>
        public string? User { get; }

        /// <summary>The host of this hop, without the brackets an IPv6 address is written with.</summary>
        public string Host { get; }

        /// <summary>The port of this hop, or null when the hop does not name one.</summary>
        public int? Port { get; }

        /// <summary>The hop as ssh -G prints it: [user@]host[:port], the host in brackets when it has a ':' or only digits and dots.</summary>
        public override string ToString()
        {
            var bracket = Host.IndexOf(':') >= 0 || Host.All(c => c == '.' || (c >= '0' && c <= '9'));
            var host = bracket ? "[" + Host + "]" : Host;
            return (User is null ? string.Empty : User + "@") + host +
                (Port is null ? string.Empty : ":" + Port.Value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>What ssh would use to connect to one host, resolved from an ssh_config file.</summary>
    public sealed class SshHostSettings
    {
        internal SshHostSettings(string alias, string hostName, string user, int port, IReadOnlyList<string> identityFiles,
            bool identitiesOnly, IReadOnlyList<SshJumpHost> proxyJump, string? userKnownHostsFile, string? strictHostKeyChecking,
            int? connectTimeoutSeconds, string? identityAgent = null)
        {
            IdentityAgent = identityAgent;
            Alias = alias;
            HostName = hostName;
            User = user;
            Port = port;
            IdentityFiles = identityFiles;
            IdentitiesOnly = identitiesOnly;
            ProxyJump = proxyJump;
            UserKnownHostsFile = userKnownHostsFile;
            StrictHostKeyChecking = strictHostKeyChecking;
            ConnectTimeoutSeconds = connectTimeoutSeconds;
        }

        /// <summary>The name that was asked for (the host part of user@host or ssh://user@host:port).</summary>
        public string Alias { get; }

        /// <summary>
        /// The host to connect to: HostName with %h and %% expanded, else the alias; lower-cased (A-Z only) as ssh does,
        /// unless it contains '%' or ':', which ssh leaves as they are.
        /// </summary>
        public string HostName { get; }

        public string User { get; }

        public int Port { get; }

        /// <summary>IdentityFile values in ssh's order, ~, %-tokens and ${VAR} expanded, relative ones made full; else ssh's defaults.</summary>
        public IReadOnlyList<string> IdentityFiles { get; }

        public bool IdentitiesOnly { get; }

        /// <summary>The ProxyJump hops in order; empty when unset, "none", or when a ProxyCommand came first.</summary>
        public IReadOnlyList<SshJumpHost> ProxyJump { get; }

        /// <summary>The first UserKnownHostsFile, expanded like an IdentityFile; "none" when set to none; null when not set.</summary>
        public string? UserKnownHostsFile { get; }

        /// <summary>StrictHostKeyChecking as written (ssh -G prints yes as true and no/off as false), or null.</summary>
        public string? StrictHostKeyChecking { get; }

        public int? ConnectTimeoutSeconds { get; }

        /// <summary>IdentityAgent: a socket path (expanded), "none", "SSH_AUTH_SOCK", or null when not set (then SSH_AUTH_SOCK).</summary>
        public string? IdentityAgent { get; }
    }

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
    public sealed class SshConfig
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
                throw new ReleaseOpsException("SshConfigNotFound", FailureCategory.ObjectNotFound,
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
                throw new ReleaseOpsException("InvalidPort", FailureCategory.InvalidArgument,
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
            new("InvalidHostName", FailureCategory.InvalidArgument, message,
                "Pass a host name or alias such as web1 or web1.example.com, optionally as user@host.", input);

        internal static ReleaseOpsException Invalid(Location where, string message, Exception? inner = null) =>
            new("SshConfigInvalid", FailureCategory.InvalidData, $"{where}: {message}",
                "Fix the line in the SSH configuration; `ssh -G -F <file> <host>` shows how ssh reads it.", where.ToString(), inner);

        internal static ReleaseOpsException Unsupported(Location where, string message) =>
            new("SshConfigUnsupported", FailureCategory.NotImplemented, $"{where}: {message}",
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

        private abstract class Entry
        {
            protected Entry(Location where) => Where = where;

            public Location Where { get; }
        }

        private sealed class HostEntry : Entry
        {
            private readonly IReadOnlyList<string> patterns;

            public HostEntry(Location where, IReadOnlyList<string> patterns)
                : base(where) => this.patterns = patterns;

            public IReadOnlyList<string> HostPatterns => patterns;

            public bool Matches(string alias)
            {
                var matched = false;
                foreach (var raw in patterns)
                {
                    var negated = raw.StartsWith("!", StringComparison.Ordinal);
                    var pattern = negated ? raw.Substring(1) : raw;
                    if (Patterns.Match(alias, pattern))
                    {
                        if (negated)
                        {
                            return false;
                        }

                        matched = true;
                    }
                }

                return matched;
            }
        }

        private enum MatchKind
        {
            All,
            Host,
            OriginalHost,
            User,
            LocalUser,
        }

        private sealed class MatchEntry : Entry
        {
            private readonly IReadOnlyList<(MatchKind Kind, bool Negated, string Patterns)> criteria;

            public MatchEntry(Location where, IReadOnlyList<(MatchKind Kind, bool Negated, string Patterns)> criteria)
                : base(where) => this.criteria = criteria;

            public bool Matches(ResolveState state)
            {
                var result = true;
                foreach (var (kind, negated, patterns) in criteria)
                {
                    bool hit;
                    switch (kind)
                    {
                        case MatchKind.All:
                            hit = true;
                            break;
                        case MatchKind.Host:
                            hit = Patterns.MatchList(Ascii.Lower(state.CurrentHostName()), patterns, true) == 1;
                            break;
                        case MatchKind.OriginalHost:
                            hit = Patterns.MatchList(Ascii.Lower(state.Alias), patterns, true) == 1;
                            break;
                        case MatchKind.User:
                            hit = Patterns.MatchList(state.User ?? state.Context.UserName, patterns, false) == 1;
                            break;
                        default:
                            hit = Patterns.MatchList(state.Context.UserName, patterns, false) == 1;
                            break;
                    }

                    if (hit == negated)
                    {
                        result = false;
                    }
                }

                return result;
            }
        }

        private sealed class IncludeEntry : Entry
        {
            public IncludeEntry(Location where, IReadOnlyList<IReadOnlyList<Entry>> files)
                : base(where) => Files = files;

            public IReadOnlyList<IReadOnlyList<Entry>> Files { get; }
        }

        private enum Keyword
        {
            HostName,
            User,
            Port,
            IdentityFile,
            IdentitiesOnly,
            ProxyJump,
            ProxyCommand,
            UserKnownHostsFile,
            StrictHostKeyChecking,
            ConnectTimeout,
            HostKeyAlias,
            IdentityAgent,
        }

        private sealed class Setting : Entry
        {
            public Setting(Location where, Keyword keyword, string text, IReadOnlyList<string>? values = null, int number = 0,
                IReadOnlyList<SshJumpHost>? hops = null)
                : base(where)
            {
                Keyword = keyword;
                Text = text;
                Values = values ?? Array.Empty<string>();
                Number = number;
                Hops = hops;
            }

            public Keyword Keyword { get; }

            /// <summary>The (first) argument as written, after quote removal.</summary>
            public string Text { get; }

            public IReadOnlyList<string> Values { get; }

            /// <summary>Port, ConnectTimeout (-1 for none) or IdentitiesOnly (0/1).</summary>
            public int Number { get; }

            /// <summary>ProxyJump hops; null for ProxyJump none.</summary>
            public IReadOnlyList<SshJumpHost>? Hops { get; }
        }

        private sealed class Parser
        {
            private static readonly Dictionary<string, Keyword> Keywords = new(StringComparer.Ordinal)
            {
                ["hostname"] = Keyword.HostName,
                ["user"] = Keyword.User,
                ["port"] = Keyword.Port,
                ["identityfile"] = Keyword.IdentityFile,
                ["identitiesonly"] = Keyword.IdentitiesOnly,
                ["proxyjump"] = Keyword.ProxyJump,
                ["proxycommand"] = Keyword.ProxyCommand,
                ["userknownhostsfile"] = Keyword.UserKnownHostsFile,
                ["identityagent"] = Keyword.IdentityAgent,
                ["stricthostkeychecking"] = Keyword.StrictHostKeyChecking,
                ["connecttimeout"] = Keyword.ConnectTimeout,
                ["hostkeyalias"] = Keyword.HostKeyAlias,
            };

            private static readonly string[] StrictValues = { "yes", "no", "ask", "off", "accept-new", "true", "false" };

            private readonly SshLocalContext context;

            public Parser(SshLocalContext context) => this.context = context;

            public IReadOnlyList<Entry> ParseFile(string path, int depth)
            {
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw Invalid(new Location(path, 0), $"cannot read the file: {e.Message}", e);
                }

                var list = new List<Entry>();
                var lines = text.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    var entry = ParseLine(lines[i], new Location(path, i + 1), depth);
                    if (entry is not null)
                    {
                        list.Add(entry);
                    }
                }

                return list;
            }

            private Entry? ParseLine(string line, Location where, int depth)
            {
                // Trailing whitespace (and form feeds) go first, as in ssh; that makes CRLF files work.
                var end = line.Length;
                while (end > 1 && (Whitespace + "\f").IndexOf(line[end - 1]) >= 0)
                {
                    end--;
                }

                line = line.Substring(0, end);
                var pos = 0;
                var keyword = Syntax.NextToken(line, ref pos);
                if (keyword is not null && keyword.Length == 0)
                {
                    keyword = Syntax.NextToken(line, ref pos);
                }

                if (keyword is null || keyword.Length == 0 || keyword[0] == '#')
                {
                    return null;
                }

                keyword = Ascii.Lower(keyword);
                var rest = pos < 0 ? string.Empty : Syntax.SkipWhitespace(line, pos);
                if (rest.Length == 0)
                {
                    throw Invalid(where, $"no argument after keyword \"{keyword}\".");
                }

                var args = Syntax.SplitArguments(rest) ?? throw Invalid(where, "invalid quotes.");
                switch (keyword)
                {
                    case "host":
                        if (args.Any(a => a.Length == 0))
                        {
                            throw Invalid(where, "Host has an empty pattern.");
                        }

                        return new HostEntry(where, args);
                    case "match":
                        return ParseMatch(rest, where);
                    case "include":
                        return ParseInclude(args, where, depth);
                }

                if (!Keywords.TryGetValue(keyword, out var kw))
                {
                    return null;
                }

                switch (kw)
                {
                    case Keyword.ProxyJump:
                        return ParseProxyJump(rest, where);
                    case Keyword.ProxyCommand:
                        return new Setting(where, kw, rest.TrimStart((Whitespace + "=").ToCharArray()));
                    case Keyword.IdentityAgent:
                        if (args.Count != 1)
                        {
                            throw Invalid(where, "IdentityAgent takes one argument.");
                        }

                        return new Setting(where, kw, args[0]);
                    case Keyword.UserKnownHostsFile:
                        if (args.Count == 0)
                        {
                            throw Invalid(where, "UserKnownHostsFile needs an argument.");
                        }

                        foreach (var a in args)
                        {
                            if (a.Length == 0)
                            {
                                throw Invalid(where, "UserKnownHostsFile has an empty argument.");
                            }

                            if (string.Equals(a, "none", StringComparison.OrdinalIgnoreCase) && args.Count > 1)
                            {
                                throw Invalid(where, "UserKnownHostsFile \"none\" must appear alone.");
                            }
                        }

                        return new Setting(where, kw, args[0], args);
                }

                if (args.Count == 0 || args[0].Length == 0)
                {
                    throw Invalid(where, $"missing argument for {keyword}.");
                }

                if (args.Count > 1)
                {
                    throw Invalid(where, $"{keyword} takes one argument; extra arguments at end of line.");
                }

                var arg = args[0];
                switch (kw)
                {
                    case Keyword.Port:
                        var port = Syntax.ParsePort(arg);
                        if (port <= 0)
                        {
                            throw Invalid(where, $"bad port '{arg}'; a port is a number from 1 to 65535 or a service name.");
                        }

                        return new Setting(where, kw, arg, number: port);
                    case Keyword.IdentitiesOnly:
                        var flag = arg.ToUpperInvariant() switch
                        {
                            "YES" or "TRUE" => 1,
                            "NO" or "FALSE" => 0,
                            _ => throw Invalid(where, $"IdentitiesOnly '{arg}' is not yes, no, true or false."),
                        };
                        return new Setting(where, kw, arg, number: flag);
                    case Keyword.StrictHostKeyChecking:
                        if (!StrictValues.Contains(arg, StringComparer.OrdinalIgnoreCase))
                        {
                            throw Invalid(where, $"StrictHostKeyChecking '{arg}' is not one of {string.Join(", ", StrictValues)}.");
                        }

                        return new Setting(where, kw, arg);
                    case Keyword.ConnectTimeout:
                        var seconds = arg == "none" ? -1 : Syntax.ParseTime(arg);
                        if (seconds < -1)
                        {
                            throw Invalid(where, $"ConnectTimeout '{arg}' is not a time such as 10, 90s, 1m30s or none.");
                        }

                        return new Setting(where, kw, arg, number: seconds);
                    default:
                        return new Setting(where, kw, arg);
                }
            }

            private static Entry ParseMatch(string rest, Location where)
            {
                var criteria = new List<(MatchKind, bool, string)>();
                var attributes = 0;
                var pos = 0;
                while (true)
                {
                    var token = Syntax.NextToken(rest, ref pos);
                    if (token is null || token.Length == 0 || token[0] == '#')
                    {
                        break;
                    }

                    var negated = token[0] == '!';
                    var name = Ascii.Lower(negated ? token.Substring(1) : token);
                    if (name == "all")
                    {
                        var next = Syntax.NextToken(rest, ref pos);
                        if (attributes > 1 || (next is not null && next.Length > 0 && next[0] != '#'))
                        {
                            throw Invalid(where, "'all' cannot be combined with other Match criteria.");
                        }

                        criteria.Add((MatchKind.All, negated, string.Empty));
                        return new MatchEntry(where, criteria);
                    }

                    attributes++;
                    if (UnsupportedMatchCriteria.Contains(name))
                    {
                        throw Unsupported(where, $"Match {name} is not supported; only all, host, originalhost, user and localuser are.");
                    }

                    var kind = name switch
                    {
                        "host" => MatchKind.Host,
                        "originalhost" => MatchKind.OriginalHost,
                        "user" => MatchKind.User,
                        "localuser" => MatchKind.LocalUser,
                        _ => throw Invalid(where, $"unknown Match criterion '{token}'."),
                    };
                    var arg = Syntax.NextToken(rest, ref pos);
                    if (arg is null || arg.Length == 0 || arg[0] == '#')
                    {
                        throw Invalid(where, $"Match {name} needs a pattern list.");
                    }

                    criteria.Add((kind, negated, arg));
                }

                if (attributes == 0)
                {
                    throw Invalid(where, "Match needs one or more criteria.");
                }

                return new MatchEntry(where, criteria);
            }

            private Entry ParseInclude(IReadOnlyList<string> args, Location where, int depth)
            {
                var files = new List<IReadOnlyList<Entry>>();
                foreach (var arg in args)
                {
                    if (arg.Length == 0)
                    {
                        throw Invalid(where, "Include has an empty argument.");
                    }

                    var pattern = arg[0] == '~' || System.IO.Path.IsPathRooted(arg) ? arg : "~/.ssh/" + arg;
                    foreach (var file in Glob.Expand(pattern, context))
                    {
                        if (Directory.Exists(file))
                        {
                            continue;
                        }

                        if (depth + 1 > MaxIncludeDepth)
                        {
                            throw Invalid(where, $"too many nested Include levels (more than {MaxIncludeDepth}); is there an Include loop?");
                        }

                        files.Add(ParseFile(file, depth + 1));
                    }
                }

                return new IncludeEntry(where, files);
            }

            private static Setting ParseProxyJump(string rest, Location where)
            {
                // ssh reads ProxyJump from the raw line, not from the quoted arguments: "none" only when it is the
                // whole value, and the list ends at the first blank or #.
                var value = rest.TrimStart((Whitespace + "=").ToCharArray());
                if (string.Equals(value, "none", StringComparison.OrdinalIgnoreCase))
                {
                    return new Setting(where, Keyword.ProxyJump, value);
                }

                var cut = value.IndexOfAny((Whitespace + "#").ToCharArray());
                var list = cut < 0 ? value : value.Substring(0, cut);
                var hops = new List<SshJumpHost>();
                foreach (var part in list.Split(','))
                {
                    hops.Add(Syntax.ParseJumpHost(part) ??
                        throw Invalid(where, $"invalid ProxyJump \"{value}\"; use [user@]host[:port] or ssh://[user@]host[:port], separated by commas."));
                }

                return new Setting(where, Keyword.ProxyJump, value, hops: hops);
            }
        }

        private sealed class ResolveState
        {
            private readonly List<Setting> identityFiles = new();
            private Setting? hostName;
            private Setting? identitiesOnly;
            private Setting? proxyJump;
            private Setting? proxyCommand;
            private Setting? knownHosts;
            private Setting? strict;
            private Setting? connectTimeout;
            private Setting? hostKeyAlias;
            private Setting? identityAgent;
            private Setting? userSetting;
            private Setting? portSetting;

            public ResolveState(string alias, SshLocalContext context)
            {
                Alias = alias;
                Context = context;
            }

            public string Alias { get; }

            public SshLocalContext Context { get; }

            public string? User { get; set; }

            public int? Port { get; set; }

            public void Apply(Setting s)
            {
                switch (s.Keyword)
                {
                    case Keyword.HostName:
                        hostName ??= s;
                        break;
                    case Keyword.User:
                        if (User is null)
                        {
                            userSetting = s;
                            User = s.Text;
                        }

                        break;
                    case Keyword.Port:
                        if (Port is null)
                        {
                            portSetting = s;
                            Port = s.Number;
                        }

                        break;
                    case Keyword.IdentityFile:
                        if (identityFiles.Count >= MaxIdentityFiles)
                        {
                            throw Invalid(s.Where, $"too many IdentityFile values (ssh takes at most {MaxIdentityFiles}).");
                        }

                        if (!identityFiles.Any(f => string.Equals(f.Text, s.Text, StringComparison.Ordinal)))
                        {
                            identityFiles.Add(s);
                        }

                        break;
                    case Keyword.IdentitiesOnly:
                        identitiesOnly ??= s;
                        break;
                    case Keyword.ProxyJump:
                        if (proxyJump is null && proxyCommand is null)
                        {
                            proxyJump = s;
                        }

                        break;
                    case Keyword.ProxyCommand:
                        if (proxyJump is null && proxyCommand is null)
                        {
                            proxyCommand = s;
                        }

                        break;
                    case Keyword.UserKnownHostsFile:
                        if (knownHosts is null)
                        {
                            if (s.Values.Count > MaxKnownHostsFiles)
                            {
                                throw Invalid(s.Where, $"too many UserKnownHostsFile values (ssh takes at most {MaxKnownHostsFiles}).");
                            }

                            knownHosts = s;
                        }

                        break;
                    case Keyword.StrictHostKeyChecking:
                        strict ??= s;
                        break;
                    case Keyword.IdentityAgent:
                        identityAgent ??= s;
                        break;
                    case Keyword.ConnectTimeout:
                        // "none" leaves the option unset, so a later value still wins.
                        if (connectTimeout is null && s.Number >= 0)
                        {
                            connectTimeout = s;
                        }

                        break;
                    case Keyword.HostKeyAlias:
                        hostKeyAlias ??= s;
                        break;
                }
            }

            /// <summary>The host name as Match host sees it: HostName so far with %h expanded, else the alias.</summary>
            public string CurrentHostName() => hostName is null
                ? Alias
                : Tokens.Expand(hostName.Text, hostName.Where, "HostName", c => c == 'h' ? Alias : null, false);

            public SshHostSettings Finish()
            {
                // ssh lower-cases the host name, except one with '%' or ':' (an address with a zone, say).
                var host = CurrentHostName();
                if (host.IndexOf('%') < 0 && host.IndexOf(':') < 0)
                {
                    host = Ascii.Lower(host);
                }

                var user = User ?? Context.UserName;
                var port = Port ?? 22;
                string? sha = null;
                string? Token(char c) => c switch
                {
                    'd' => Context.HomeDirectory,
                    'h' => host,
                    'k' => hostKeyAlias is null ? Alias : Ascii.Lower(hostKeyAlias.Text),
                    'L' => Context.ShortHostName,
                    'l' => Context.LocalHostName,
                    'n' => Alias,
                    'p' => port.ToString(CultureInfo.InvariantCulture),
                    'r' => user,
                    'u' => Context.UserName,
                    'i' => Context.UserId ?? throw new ReleaseOpsException("SshConfigUnsupported", FailureCategory.NotImplemented,
                        "The %i token (local user id) is not available on this platform.",
                        "Use a path without %i in IdentityFile or UserKnownHostsFile."),
                    'C' => sha ??= ConnectionHash(Context.LocalHostName + host + port.ToString(CultureInfo.InvariantCulture) + user),
                    _ => null,
                };

                var files = identityFiles.Count > 0
                    ? identityFiles.Select(f => ExpandPath(f.Text, f.Where, "IdentityFile", Token)).ToList()
                    : DefaultIdentityFiles.Select(f => ExpandPath(f, new Location("(default)", 0), "IdentityFile", Token)).ToList();

                string? knownHostsFile = null;
                if (knownHosts is not null)
                {
                    var first = knownHosts.Values[0];
                    knownHostsFile = string.Equals(first, "none", StringComparison.OrdinalIgnoreCase)
                        ? "none"
                        : ExpandPath(first, knownHosts.Where, "UserKnownHostsFile", Token);
                }

                string? agent = null;
                if (identityAgent is not null)
                {
                    var text = identityAgent.Text;
                    agent = string.Equals(text, "none", StringComparison.OrdinalIgnoreCase) || text == "SSH_AUTH_SOCK"
                        ? text
                        : ExpandPath(text.StartsWith("$", StringComparison.Ordinal) ? Environment.GetEnvironmentVariable(text.Substring(1)) ?? string.Empty : text,
                            identityAgent.Where, "IdentityAgent", Token);
                }

                return new SshHostSettings(Alias, host, user, port, files.AsReadOnly(), identitiesOnly?.Number == 1,
                    proxyJump?.Hops ?? Array.Empty<SshJumpHost>(), knownHostsFile, strict?.Text,
                    connectTimeout?.Number, agent);
            }

            private string ExpandPath(string raw, Location where, string keyword, Func<char, string?> token)
            {
                var path = Tokens.Expand(Tilde(raw, where), where, keyword, token, true);
                return System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(path);
            }

            // ssh's tilde_expand_filename: ~ and ~/x are the account's home, ~name/x that user's home.
            private string Tilde(string raw, Location where)
            {
                if (raw.Length == 0 || raw[0] != '~')
                {
                    return raw;
                }

                var slash = raw.IndexOf('/');
                var name = slash < 0 ? raw.Substring(1) : raw.Substring(1, slash - 1);
                var rest = slash < 0 ? string.Empty : raw.Substring(slash).TrimStart('/');
                var home = name.Length == 0 || name == Context.UserName
                    ? Context.HomeDirectory
                    : SshLocalContext.HomeOf(name) ?? throw Invalid(where, $"'{raw}': there is no user '{name}' in /etc/passwd.");
                return home.EndsWith("/", StringComparison.Ordinal) || home.EndsWith("\\", StringComparison.Ordinal) ? home + rest : home + "/" + rest;
            }

            private static string ConnectionHash(string text)
            {
                // %C is ssh's SHA-1 of %l%h%p%r: a file name, not a security measure.
#pragma warning disable CA5350
                using var sha1 = SHA1.Create();
#pragma warning restore CA5350
                var bytes = sha1.ComputeHash(Encoding.UTF8.GetBytes(text));
                var sb = new StringBuilder(bytes.Length * 2);
                foreach (var b in bytes)
                {
                    sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }

        private static class Tokens
        {
            /// <summary>%-tokens (and ${VAR} when dollar is set), in one left-to-right pass as ssh does.</summary>
            public static string Expand(string value, Location where, string keyword, Func<char, string?> token, bool dollar)
            {
                var sb = new StringBuilder(value.Length);
                for (var i = 0; i < value.Length; i++)
                {
                    var c = value[i];
                    if (dollar && c == '$' && i + 1 < value.Length && value[i + 1] == '{')
                    {
                        var close = value.IndexOf('}', i + 2);
                        if (close < 0)
                        {
                            throw Invalid(where, $"{keyword} '{value}': '${{' without a closing '}}'.");
                        }

                        var name = value.Substring(i + 2, close - i - 2);
                        if (name.Length == 0)
                        {
                            throw Invalid(where, $"{keyword} '{value}': empty ${{}}.");
                        }

                        sb.Append(Environment.GetEnvironmentVariable(name) ??
                            throw Invalid(where, $"{keyword} '{value}': the environment variable {name} is not set."));
                        i = close;
                        continue;
                    }

                    if (c != '%')
                    {
                        sb.Append(c);
                        continue;
                    }

                    if (++i >= value.Length)
                    {
                        throw Invalid(where, $"{keyword} '{value}' ends with a lone '%'; write %% for a percent sign.");
                    }

                    if (value[i] == '%')
                    {
                        sb.Append('%');
                        continue;
                    }

                    sb.Append(token(value[i]) ??
                        throw Invalid(where, $"{keyword} '{value}' uses the unknown token %{value[i]}; write %% for a percent sign."));
                }

                return sb.ToString();
            }
        }

        private static class Ascii
        {
            /// <summary>Lower-cases A-Z only, as C's tolower does in ssh.</summary>
            public static string Lower(string s)
            {
                var chars = s.ToCharArray();
                for (var i = 0; i < chars.Length; i++)
                {
                    if (chars[i] >= 'A' && chars[i] <= 'Z')
                    {
                        chars[i] = (char)(chars[i] + 32);
                    }
                }

                return new string(chars);
            }

            public static bool IsAlnum(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        /// <summary>ssh's wildcard patterns: * and ? only; lists are comma-separated with ! negation.</summary>
        internal static class Patterns
        {
            public static bool Match(string s, string pattern)
            {
                int si = 0, pi = 0, star = -1, mark = 0;
                while (si < s.Length)
                {
                    if (pi < pattern.Length && (pattern[pi] == '?' || (pattern[pi] != '*' && pattern[pi] == s[si])))
                    {
                        si++;
                        pi++;
                    }
                    else if (pi < pattern.Length && pattern[pi] == '*')
                    {
                        star = pi++;
                        mark = si;
                    }
                    else if (star >= 0)
                    {
                        pi = star + 1;
                        si = ++mark;
                    }
                    else
                    {
                        return false;
                    }
                }

                while (pi < pattern.Length && pattern[pi] == '*')
                {
                    pi++;
                }

                return pi == pattern.Length;
            }

            /// <summary>1 when a pattern matches, -1 when a negated one does (that wins), else 0.</summary>
            public static int MatchList(string s, string list, bool lowerPatterns)
            {
                var positive = 0;
                foreach (var raw in list.Split(','))
                {
                    var negated = raw.StartsWith("!", StringComparison.Ordinal);
                    var pattern = negated ? raw.Substring(1) : raw;
                    if (Match(s, lowerPatterns ? Ascii.Lower(pattern) : pattern))
                    {
                        if (negated)
                        {
                            return -1;
                        }

                        positive = 1;
                    }
                }

                return positive;
            }
        }

        /// <summary>The tokenizers and value parsers of ssh's configuration reader.</summary>
        internal static class Syntax
        {
            /// <summary>
            /// ssh's strdelim: the next token, split at whitespace or one '=', a "quoted" part kept together.
            /// pos becomes -1 when the line is used up; null means an unterminated quote.
            /// </summary>
            public static string? NextToken(string line, ref int pos)
            {
                if (pos < 0)
                {
                    return null;
                }

                var start = pos;
                var i = line.IndexOfAny((Whitespace + "\"=").ToCharArray(), start);
                if (i < 0)
                {
                    pos = -1;
                    return line.Substring(start);
                }

                if (line[i] == '"')
                {
                    var close = line.IndexOf('"', i + 1);
                    if (close < 0)
                    {
                        pos = -1;
                        return null;
                    }

                    pos = SkipSpaces(line, close + 1);
                    return line.Substring(start, i - start) + line.Substring(i + 1, close - i - 1);
                }

                var token = line.Substring(start, i - start);
                var wasEquals = line[i] == '=';
                pos = SkipSpaces(line, i + 1);
                if (!wasEquals && pos < line.Length && line[pos] == '=')
                {
                    pos = SkipSpaces(line, pos + 1);
                }

                return token;
            }

            public static string SkipWhitespace(string line, int pos) => line.Substring(SkipSpaces(line, pos));

            /// <summary>ssh's argv_split: quotes (' and ") and \ escapes; # at the start of an argument ends the line. Null: unbalanced quote.</summary>
            public static List<string>? SplitArguments(string s)
            {
                var args = new List<string>();
                var i = 0;
                while (i < s.Length)
                {
                    if (s[i] == ' ' || s[i] == '\t')
                    {
                        i++;
                        continue;
                    }

                    if (s[i] == '#')
                    {
                        break;
                    }

                    var sb = new StringBuilder();
                    var quote = '\0';
                    for (; i < s.Length; i++)
                    {
                        var c = s[i];
                        if (c == '\\' && i + 1 < s.Length &&
                            (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' || (quote == '\0' && s[i + 1] == ' ')))
                        {
                            sb.Append(s[++i]);
                        }
                        else if (quote == '\0' && (c == ' ' || c == '\t'))
                        {
                            break;
                        }
                        else if (quote == '\0' && (c == '"' || c == '\''))
                        {
                            quote = c;
                        }
                        else if (quote != '\0' && c == quote)
                        {
                            quote = '\0';
                        }
                        else
                        {
                            sb.Append(c);
                        }
                    }

                    if (quote != '\0')
                    {
                        return null;
                    }

                    args.Add(sb.ToString());
                }

                return args;
            }

            /// <summary>ssh's a2port: a decimal number 0-65535 or a TCP service name; -1 when neither.</summary>
            public static int ParsePort(string s)
            {
                var n = ParseDecimal(s.TrimStart(' ', '\t', '\n', '\v', '\f', '\r'));
                if (n is not null)
                {
                    return n >= 0 && n <= 65535 ? (int)n.Value : -1;
                }

                return ServicePort(s);
            }

            /// <summary>ssh's convtime: 90, 90s, 1m30s, 1h, 2d, 1w (units in either case); -2 when invalid.</summary>
            public static int ParseTime(string s)
            {
                long total = 0;
                var i = 0;
                if (s.Length == 0)
                {
                    return -2;
                }

                while (i < s.Length)
                {
                    var start = i;
                    if (i < s.Length && (s[i] == '+' || s[i] == '-'))
                    {
                        i++;
                    }

                    var digits = i;
                    while (i < s.Length && s[i] >= '0' && s[i] <= '9')
                    {
                        i++;
                    }

                    if (i == digits || !long.TryParse(s.Substring(start, i - start), NumberStyles.AllowLeadingSign,
                            CultureInfo.InvariantCulture, out var value) || value < 0)
                    {
                        return -2;
                    }

                    long multiplier = 1;
                    if (i < s.Length)
                    {
                        switch (s[i++])
                        {
                            case 's': case 'S': break;
                            case 'm': case 'M': multiplier = 60; break;
                            case 'h': case 'H': multiplier = 3600; break;
                            case 'd': case 'D': multiplier = 86400; break;
                            case 'w': case 'W': multiplier = 604800; break;
                            default: return -2;
                        }
                    }

                    if (value > int.MaxValue / multiplier)
                    {
                        return -2;
                    }

                    total += value * multiplier;
                    if (total > int.MaxValue)
                    {
                        return -2;
                    }
                }

                return (int)total;
            }

            /// <summary>One ProxyJump hop; null when ssh would reject it.</summary>
            public static SshJumpHost? ParseJumpHost(string s)
            {
                var uri = ParseSshUri(s);
                if (uri.Result == 0)
                {
                    return new SshJumpHost(uri.User, uri.Host!, uri.Port);
                }

                if (uri.Result < 0)
                {
                    return null;
                }

                string? user = null;
                var at = s.LastIndexOf('@');
                if (at >= 0)
                {
                    if (at == 0)
                    {
                        return null;
                    }

                    user = s.Substring(0, at);
                    s = s.Substring(at + 1);
                }

                var split = SplitHostPort(s);
                if (split is null || split.Value.Delimiter == '/')
                {
                    return null;
                }

                int? port = null;
                if (split.Value.Port.Length > 0)
                {
                    var p = ParsePort(split.Value.Port);
                    if (p <= 0)
                    {
                        return null;
                    }

                    port = p;
                }

                return new SshJumpHost(user, split.Value.Host, port);
            }

            /// <summary>ssh://[user[;params]@]host[:port][/]: Result 0 parsed, 1 not a URI, -1 invalid.</summary>
            public static (int Result, string? User, string? Host, int? Port) ParseSshUri(string s)
            {
                const string Scheme = "ssh://";
                if (!s.StartsWith(Scheme, StringComparison.Ordinal))
                {
                    return (1, null, null, null);
                }

                var rest = s.Substring(Scheme.Length);
                string? user = null;
                var at = rest.IndexOf('@');
                if (at >= 0)
                {
                    var info = rest.Substring(0, at);
                    var semicolon = info.IndexOf(';');
                    if (semicolon >= 0)
                    {
                        info = info.Substring(0, semicolon);
                    }

                    user = info.Length == 0 ? null : UrlDecode(info);
                    if (user is null)
                    {
                        return (-1, null, null, null);
                    }

                    rest = rest.Substring(at + 1);
                }

                var split = SplitHostPort(rest);
                if (split is null)
                {
                    return (-1, null, null, null);
                }

                var host = ValidDomain(split.Value.Host);
                if (host is null)
                {
                    return (-1, null, null, null);
                }

                int? port = null;
                var tail = split.Value.Port;
                if (split.Value.Delimiter == ':' && tail.Length > 0)
                {
                    var slash = tail.IndexOf('/');
                    var p = ParsePort(slash < 0 ? tail : tail.Substring(0, slash));
                    if (p <= 0)
                    {
                        return (-1, null, null, null);
                    }

                    port = p;
                    tail = slash < 0 ? string.Empty : tail.Substring(slash + 1);
                }

                // A path is not allowed.
                return tail.Length > 0 ? (-1, null, null, null) : (0, user, host, port);
            }

            private static int SkipSpaces(string line, int pos)
            {
                while (pos < line.Length && Whitespace.IndexOf(line[pos]) >= 0)
                {
                    pos++;
                }

                return pos;
            }

            private static long? ParseDecimal(string s)
            {
                var i = s.Length > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
                if (i == s.Length || s.Skip(i).Any(c => c < '0' || c > '9'))
                {
                    return null;
                }

                return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
            }

            private static int ServicePort(string name)
            {
                var file = Environment.OSVersion.Platform == PlatformID.Win32NT
                    ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "drivers", "etc", "services")
                    : "/etc/services";
                if (name.Length == 0 || !File.Exists(file))
                {
                    return -1;
                }

                foreach (var line in File.ReadLines(file))
                {
                    var hash = line.IndexOf('#');
                    var fields = (hash < 0 ? line : line.Substring(0, hash)).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length < 2 || !fields[1].EndsWith("/tcp", StringComparison.Ordinal) ||
                        !(fields[0] == name || fields.Skip(2).Contains(name, StringComparer.Ordinal)))
                    {
                        continue;
                    }

                    if (int.TryParse(fields[1].Substring(0, fields[1].Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    {
                        return port;
                    }
                }

                return -1;
            }

            // ssh's hpdelim2 + cleanhostname: host, or [host], then optionally ':' or '/' and the rest.
            private static (string Host, string Port, char Delimiter)? SplitHostPort(string s)
            {
                int next;
                if (s.StartsWith("[", StringComparison.Ordinal))
                {
                    var close = s.IndexOf(']');
                    if (close < 0)
                    {
                        return null;
                    }

                    next = close + 1;
                }
                else
                {
                    next = s.IndexOfAny(new[] { ':', '/' });
                    if (next < 0)
                    {
                        next = s.Length;
                    }
                }

                if (next < s.Length && s[next] != ':' && s[next] != '/')
                {
                    return null;
                }

                var host = s.Substring(0, next);
                if (host.Length == 0)
                {
                    return null;
                }

                if (host.Length > 2 && host[0] == '[' && host[host.Length - 1] == ']')
                {
                    host = host.Substring(1, host.Length - 2);
                }

                return next < s.Length ? (host, s.Substring(next + 1), s[next]) : (host, string.Empty, '\0');
            }

            // ssh's valid_domain for ssh:// hosts: letters, digits, '.', '-', '_'; first a letter or digit; no "..".
            private static string? ValidDomain(string host)
            {
                if (host.Length == 0 || !Ascii.IsAlnum(host[0]) || host.Contains(".."))
                {
                    return null;
                }

                if (host.Any(c => !Ascii.IsAlnum(c) && c != '.' && c != '-' && c != '_'))
                {
                    return null;
                }

                return host.EndsWith(".", StringComparison.Ordinal) ? host.Substring(0, host.Length - 1) : host;
            }

            private static string? UrlDecode(string s)
            {
                var bytes = new List<byte>();
                for (var i = 0; i < s.Length; i++)
                {
                    if (s[i] == '+')
                    {
                        bytes.Add((byte)' ');
                    }
                    else if (s[i] == '%')
                    {
                        if (i + 2 >= s.Length || !byte.TryParse(s.Substring(i + 1, 2), NumberStyles.AllowHexSpecifier,
                                CultureInfo.InvariantCulture, out var b) || b == 0)
                        {
                            return null;
                        }

                        bytes.Add(b);
                        i += 2;
                    }
                    else
                    {
                        bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
                    }
                }

                return Encoding.UTF8.GetString(bytes.ToArray());
            }
        }

        /// <summary>glob(3) for Include: ~ from $HOME, * ? and [...] in any path segment, results sorted.</summary>
        private static class Glob
        {
            public static IEnumerable<string> Expand(string pattern, SshLocalContext context)
            {
                if (System.IO.Path.DirectorySeparatorChar == '\\')
                {
                    pattern = pattern.Replace('\\', '/');
                }

                if (pattern.StartsWith("~", StringComparison.Ordinal))
                {
                    var slash = pattern.IndexOf('/');
                    var name = slash < 0 ? pattern.Substring(1) : pattern.Substring(1, slash - 1);
                    var home = name.Length == 0 ? context.IncludeHomeDirectory : SshLocalContext.HomeOf(name);
                    if (home is null)
                    {
                        return Array.Empty<string>();
                    }

                    pattern = home.TrimEnd('/') + (slash < 0 ? string.Empty : pattern.Substring(slash));
                }

                var rooted = pattern.StartsWith("/", StringComparison.Ordinal);
                var segments = pattern.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
                IEnumerable<string> current;
                if (rooted)
                {
                    current = new[] { "/" };
                }
                else if (segments.Length > 0 && System.IO.Path.IsPathRooted(segments[0]))
                {
                    // A Windows drive: C:\... splits on '/' only, so the first segment carries the root.
                    current = new[] { segments[0] };
                    segments = segments.Skip(1).ToArray();
                }
                else
                {
                    current = new[] { string.Empty };
                }

                foreach (var segment in segments)
                {
                    var wild = segment.IndexOfAny(new[] { '*', '?', '[' }) >= 0;
                    current = current.SelectMany(dir => wild ? MatchIn(dir, segment) : new[] { Join(dir, segment) }).ToList();
                }

                return current.Where(p => File.Exists(p) || Directory.Exists(p))
                    .OrderBy(p => p, StringComparer.Ordinal).ToList();
            }

            private static string Join(string dir, string name) =>
                dir.Length == 0 ? name : dir.EndsWith("/", StringComparison.Ordinal) || dir.EndsWith("\\", StringComparison.Ordinal) ? dir + name : dir + "/" + name;

            private static IEnumerable<string> MatchIn(string dir, string segment)
            {
                var where = dir.Length == 0 ? "." : dir;
                if (!Directory.Exists(where))
                {
                    return Array.Empty<string>();
                }

                try
                {
                    return Directory.EnumerateFileSystemEntries(where)
                        .Select(System.IO.Path.GetFileName)
                        .Where(n => n is not null && (n[0] != '.' || segment[0] == '.') && FnMatch(n, 0, segment, 0))
                        .Select(n => Join(dir, n!))
                        .ToList();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    return Array.Empty<string>();
                }
            }

            private static bool FnMatch(string s, int si, string p, int pi)
            {
                while (pi < p.Length)
                {
                    var c = p[pi];
                    if (c == '*')
                    {
                        for (var k = si; k <= s.Length; k++)
                        {
                            if (FnMatch(s, k, p, pi + 1))
                            {
                                return true;
                            }
                        }

                        return false;
                    }

                    if (si >= s.Length)
                    {
                        return false;
                    }

                    if (c == '?')
                    {
                        si++;
                        pi++;
                        continue;
                    }

                    if (c == '[')
                    {
                        var close = p.IndexOf(']', pi + 2);
                        if (close > 0)
                        {
                            var set = p.Substring(pi + 1, close - pi - 1);
                            var negate = set[0] == '!' || set[0] == '^';
                            if (negate)
                            {
                                set = set.Substring(1);
                            }

                            var hit = false;
                            for (var k = 0; k < set.Length; k++)
                            {
                                if (k + 2 < set.Length && set[k + 1] == '-')
                                {
                                    hit |= s[si] >= set[k] && s[si] <= set[k + 2];
                                    k += 2;
                                }
                                else
                                {
                                    hit |= s[si] == set[k];
                                }
                            }

                            if (hit == negate)
                            {
                                return false;
                            }

                            si++;
                            pi = close + 1;
                            continue;
                        }
                    }

                    if (c == '\\' && pi + 1 < p.Length)
                    {
                        c = p[++pi];
                    }

                    if (s[si] != c)
                    {
                        return false;
                    }

                    si++;
                    pi++;
                }

                return si == s.Length;
            }
        }
    }

    /// <summary>The local facts ssh uses: the account's home, user, host name and user id.</summary>
    internal sealed class SshLocalContext
    {
        public SshLocalContext(string homeDirectory, string includeHomeDirectory, string userName, string localHostName, string? userId)
        {
            HomeDirectory = homeDirectory;
            IncludeHomeDirectory = includeHomeDirectory;
            UserName = userName;
            LocalHostName = localHostName;
            UserId = userId;
        }

        /// <summary>~ and %d in IdentityFile and UserKnownHostsFile: the password database's home (pw_dir), not $HOME.</summary>
        public string HomeDirectory { get; }

        /// <summary>~ in Include, and the base of relative Includes (~/.ssh): $HOME, as glob(3) reads it.</summary>
        public string IncludeHomeDirectory { get; }

        public string UserName { get; }

        /// <summary>%l: the host name with its domain, as gethostname returns it.</summary>
        public string LocalHostName { get; }

        /// <summary>%L: the host name up to the first dot.</summary>
        public string ShortHostName => LocalHostName.IndexOf('.') < 0 ? LocalHostName : LocalHostName.Substring(0, LocalHostName.IndexOf('.'));

        /// <summary>%i: the numeric user id; null where it cannot be read (Windows).</summary>
        public string? UserId { get; }

        public static SshLocalContext FromEnvironment()
        {
            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var envHome = Environment.GetEnvironmentVariable("HOME");
            var uid = ReadUserId();
            var account = uid is null ? null : Passwd().FirstOrDefault(e => e.Uid == uid);
            var home = account?.Home ?? profile;
            string hostName;
            try
            {
                hostName = Dns.GetHostName();
            }
            catch (System.Net.Sockets.SocketException)
            {
                hostName = Environment.MachineName;
            }

            return new SshLocalContext(home, string.IsNullOrEmpty(envHome) ? home : envHome!, account?.Name ?? Environment.UserName,
                hostName, uid);
        }

        /// <summary>The home of a named account in /etc/passwd, or null.</summary>
        public static string? HomeOf(string name) => Passwd().FirstOrDefault(e => e.Name == name)?.Home;

        private static string? ReadUserId()
        {
            const string Status = "/proc/self/status";
            try
            {
                if (!File.Exists(Status))
                {
                    return null;
                }

                // "Uid:  real  effective  saved  fs"; ssh uses the real one.
                var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                return line?.Substring(4).Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static IEnumerable<PasswdEntry> Passwd()
        {
            const string File = "/etc/passwd";
            string[] lines;
            try
            {
                lines = System.IO.File.Exists(File) ? System.IO.File.ReadAllLines(File) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                lines = Array.Empty<string>();
            }

            foreach (var line in lines)
            {
                var f = line.Split(':');
                if (f.Length >= 7 && f[0].Length > 0)
                {
                    yield return new PasswdEntry(f[0], f[2], f[5]);
                }
            }
        }

        private sealed class PasswdEntry
        {
            public PasswdEntry(string name, string uid, string home)
            {
                Name = name;
                Uid = uid;
                Home = home;
            }

            public string Name { get; }

            public string Uid { get; }

            public string Home { get; }
        }
    }
}
