using System;
using System.Management.Automation;
using System.Security;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps
{
    /// <summary>
    /// The SSH options that every cmdlet reaching nodes shares (keys, passphrase, host key policy, ssh_config and
    /// known_hosts), and the connection options they make.
    /// </summary>
    public abstract class SshOptionsCmdlet : ReleaseOpsCmdlet
    {
        /// <summary>Private keys to try first.</summary>
        [Parameter]
        public string[]? IdentityFile { get; set; }

        /// <summary>The passphrase of encrypted keys.</summary>
        [Parameter]
        public SecureString? Passphrase { get; set; }

        /// <summary>Strict (default) or AcceptNew.</summary>
        [Parameter]
        public HostKeyPolicy HostKeyPolicy { get; set; } = HostKeyPolicy.Strict;

        /// <summary>The ssh_config file (default ~/.ssh/config).</summary>
        [Parameter]
        public string? ConfigFile { get; set; }

        /// <summary>The known_hosts file (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>The SSH options of this call.</summary>
        protected SshConnectOptions ConnectOptions() => new()
        {
            ConfigFile = ConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigFile),
            KnownHostsFile = KnownHostsFile is null ? null : KnownHostsFile == Core.Ssh.KnownHostsFile.NoFile ? KnownHostsFile : GetUnresolvedProviderPathFromPSPath(KnownHostsFile),
            HostKeyPolicy = HostKeyPolicy,
            IdentityFiles = IdentityFile is null ? Array.Empty<string>() : Array.ConvertAll(IdentityFile, GetUnresolvedProviderPathFromPSPath),
            Passphrase = Passphrase,
        };
    }
}
