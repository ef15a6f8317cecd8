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
    }
}
