using System.Management.Automation;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of the migration cmdlets that take a migration's id (Resume-Migration, Complete-Migration): the SSH
    /// options, the providers' tokens and -Force. The run itself is MigrationRuns', shared with MigrationPlanCmdlet.
    /// </summary>
    public abstract class MigrationCmdlet : SshOptionsCmdlet, IMigrationCredentials
    {
        /// <summary>The token (or, for Scaleway and AWS, the key) of the old node's provider, for its snapshot and deletion, over the environment.</summary>
        [Parameter]
        public System.Security.SecureString? Token { get; set; }

        /// <summary>The access key and secret of the old node's provider (Scaleway, AWS), over the environment.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The token of the DNS service (DigitalOcean or Cloudflare), over the environment; -Token when not given and the DNS is the node's provider.</summary>
        [Parameter]
        public System.Security.SecureString? DnsToken { get; set; }

        /// <summary>Skips the confirmation (scheduled tasks, Jenkins).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }
    }
}
