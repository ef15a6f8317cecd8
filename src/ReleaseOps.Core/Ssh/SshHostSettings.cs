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
}
