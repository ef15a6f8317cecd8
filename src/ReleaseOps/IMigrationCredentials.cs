using System.Management.Automation;
using System.Security;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The parameters every migration cmdlet takes besides the SSH options: the providers' tokens and -Force. Both
    /// migration bases declare them (a cmdlet's parameters are its own properties), so that each cmdlet is at most
    /// three classes deep; MigrationRuns reads them through this.
    /// </summary>
    internal interface IMigrationCredentials
    {
        /// <summary>The token (or key) of the old node's provider.</summary>
        SecureString? Token { get; }

        /// <summary>The access key and secret of the old node's provider.</summary>
        PSCredential? Credential { get; }

        /// <summary>The token of the DNS service.</summary>
        SecureString? DnsToken { get; }

        /// <summary>Skips the confirmation.</summary>
        SwitchParameter Force { get; }
    }
}
