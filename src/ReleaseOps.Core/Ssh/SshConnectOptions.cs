using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>How to reach nodes: the OpenSSH configuration, known_hosts, keys and policies.</summary>
    public sealed class SshConnectOptions
    {
        /// <summary>The ssh_config file; default ~/.ssh/config (absent is fine).</summary>
        public string? ConfigFile { get; set; }

        /// <summary>The known_hosts file; default UserKnownHostsFile from the config, else ~/.ssh/known_hosts.</summary>
        public string? KnownHostsFile { get; set; }

        public HostKeyPolicy HostKeyPolicy { get; set; } = HostKeyPolicy.Strict;

        /// <summary>The user, over the config's User (as ssh -l does).</summary>
        public string? User { get; set; }

        /// <summary>The port, over the config's Port (as ssh -p does).</summary>
        public int? Port { get; set; }

        /// <summary>Private keys to try first, over the config's IdentityFile (as ssh -i does).</summary>
        public IReadOnlyList<string> IdentityFiles { get; set; } = Array.Empty<string>();

        /// <summary>The passphrase of encrypted keys.</summary>
        public SecureString? Passphrase { get; set; }

        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>Records new known_hosts entries hashed, as HashKnownHosts yes does.</summary>
        public bool HashKnownHosts { get; set; }

        public SshConnectOptions With(Action<SshConnectOptions> change)
        {
            var copy = (SshConnectOptions)MemberwiseClone();
            change(copy);
            return copy;
        }
    }
}
