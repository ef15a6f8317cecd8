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
    }
}
