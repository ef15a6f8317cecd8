using System;
using System.Collections.Generic;

namespace ReleaseOps.Core.Sandbox
{
    /// <summary>What a sandbox node is started with.</summary>
    public sealed class SandboxNodeOptions
    {
        /// <summary>The node's hostname (a DNS label).</summary>
        public string Name { get; set; } = "sandbox";

        /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
        public int Port { get; set; }

        /// <summary>Public key lines (authorized_keys format) that may log in as root.</summary>
        public IReadOnlyList<string> AuthorizedKeys { get; set; } = Array.Empty<string>();

        /// <summary>How long to wait for sshd to listen.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>More sshd_config lines, such as PermitOpen or LogLevel.</summary>
        public IReadOnlyList<string> SshdConfigLines { get; set; } = Array.Empty<string>();

        /// <summary>
        /// Makes the node's root the root of its mount namespace (pivot_root) instead of a chroot. A Docker engine in
        /// the node needs it: docker exec enters a container's mount namespace, which lands at the namespace's root,
        /// and under a chroot that is the host's / rather than the container's. Off by default; the sandbox provider
        /// turns it on when RELEASEOPS_SANDBOX_PIVOT_ROOT is 1 (the Docker test rig sets it).
        /// </summary>
        public bool PivotRoot { get; set; }
    }
}
