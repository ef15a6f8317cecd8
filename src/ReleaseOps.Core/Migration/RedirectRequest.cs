using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What a redirect is: where traffic goes, how, and on which ports.</summary>
    public sealed class RedirectRequest
    {
        /// <summary>The new node's address (an IP address or a host name).</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>Tcp or Http301.</summary>
        public string Mode { get; set; } = "Tcp";

        /// <summary>The address to listen on: * for every address.</summary>
        public string ListenAddress { get; set; } = "*";

        /// <summary>The ports: 80 and 443 by default.</summary>
        public IReadOnlyList<int> Ports { get; set; } = new[] { 80, 443 };

        /// <summary>Http301: the host name that redirects point at.</summary>
        public string? RedirectHost { get; set; }

        /// <summary>Report what would change, change nothing.</summary>
        public bool DryRun { get; set; }
    }
}
