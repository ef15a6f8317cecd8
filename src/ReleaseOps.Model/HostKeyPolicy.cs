using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>How an unknown host key is treated. A changed or revoked key is always refused.</summary>
    public enum HostKeyPolicy
    {
        /// <summary>An unknown key is an error that says how to trust it (the default).</summary>
        Strict,

        /// <summary>An unknown key is trusted on first use and recorded in known_hosts.</summary>
        AcceptNew,
    }
}
