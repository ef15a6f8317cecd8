using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>The DNS services whose records ReleaseOps manages.</summary>
    public enum DnsProvider
    {
        /// <summary>DigitalOcean Domains.</summary>
        DigitalOcean,

        /// <summary>Cloudflare DNS.</summary>
        Cloudflare,
    }
}
