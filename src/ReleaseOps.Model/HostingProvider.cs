using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A hosting provider.</summary>
    public enum HostingProvider
    {
        /// <summary>Servers that the client provides and runs.</summary>
        Client,

        /// <summary>Amazon Web Services.</summary>
        Aws,

        /// <summary>DigitalOcean.</summary>
        DigitalOcean,

        /// <summary>Scaleway.</summary>
        Scaleway,

        /// <summary>A sandbox node on this machine (sshd on loopback), for rehearsals and tests.</summary>
        Sandbox,
    }
}
