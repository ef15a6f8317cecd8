using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What Set-NodeRedirect or Remove-NodeRedirect did on one node.</summary>
    public sealed class NodeRedirectResult
    {
        /// <summary>The node as it was named.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The address traffic goes to (the new node); empty for a removal.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>Tcp (pass-through, TLS untouched) or Http301 (an HTTP redirect; 443 stays pass-through).</summary>
        public string Mode { get; set; } = string.Empty;

        /// <summary>The address HAProxy listens on.</summary>
        public string ListenAddress { get; set; } = string.Empty;

        /// <summary>The ports redirected.</summary>
        public IReadOnlyList<int> Ports { get; set; } = new int[0];

        /// <summary>Changed, Unchanged or WouldChange (-WhatIf).</summary>
        public RedirectStatus Status { get; set; }

        /// <summary>The HAProxy configuration file on the node.</summary>
        public string ConfigPath { get; set; } = "/etc/releaseops/redirect.cfg";

        /// <inheritdoc />
        public override string ToString() => $"{HostName} -> {Target}";
    }
}
