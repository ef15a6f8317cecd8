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
}
