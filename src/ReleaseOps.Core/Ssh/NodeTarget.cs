using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>A node to reach: a name (alias, address or node name) with an optional port and user.</summary>
    public sealed class NodeTarget
    {
        public NodeTarget(string hostName, int? port = null, string? user = null)
        {
            HostName = hostName;
            Port = port;
            User = user;
        }

        public string HostName { get; }

        public int? Port { get; }

        public string? User { get; }

        /// <summary>An open session to use (New-NodeSession) instead of connecting; it is left open afterwards.</summary>
        public NodeSession? Session { get; set; }

        public override string ToString() => Port is int p ? HostName + ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : HostName;
    }
}
