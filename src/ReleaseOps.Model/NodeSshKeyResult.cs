using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What Add-NodeSshKey did on one node.</summary>
    public sealed class NodeSshKeyResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The user whose authorized_keys holds the key.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>The key's fingerprint (SHA256:...).</summary>
        public string Fingerprint { get; set; } = string.Empty;

        /// <summary>The key's comment.</summary>
        public string Comment { get; set; } = string.Empty;

        /// <summary>Added, or AlreadyPresent.</summary>
        public SshKeyStatus Status { get; set; }

        /// <summary>The authorized_keys file.</summary>
        public string Path { get; set; } = string.Empty;
    }
}
