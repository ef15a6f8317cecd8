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
    public sealed partial class SshConfig
    {
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
    }
}
