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
    }
}
