using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of the cmdlets that move data from one node to another (Sync-NodeDatabase, Sync-NodeFile). The nodes
    /// arrive as -Source and -Target: ProjectNode objects (or any object with HostName, Port and User), or names
    /// (ssh_config aliases, addresses, "host:port", "user@host:port"). Both connections go through the SSH layer, so
    /// host keys are checked against known_hosts exactly as for Invoke-NodeCommand.
    /// </summary>
    public abstract class NodePairCmdlet : SshOptionsCmdlet
    {
        /// <summary>The node the data comes from: a ProjectNode, or a name, alias or address.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public PSObject Source { get; set; } = null!;

        /// <summary>The node the data goes to: a ProjectNode, or a name, alias or address.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNull]
        public PSObject Target { get; set; } = null!;
    }
}
