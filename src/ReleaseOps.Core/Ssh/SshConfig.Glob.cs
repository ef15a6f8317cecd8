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
}
