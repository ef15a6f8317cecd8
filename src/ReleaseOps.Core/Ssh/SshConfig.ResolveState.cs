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
                    'i' => Context.UserId ?? throw new ReleaseOpsException(ErrorIds.SshConfigUnsupported, FailureCategory.NotImplemented,
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
    }
}
