using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>What New-ProjectNode asks a provider for.</summary>
    public sealed class NodeRequest
    {
        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The client, for a node named project-client.</summary>
        public string? Client { get; set; }

        /// <summary>The node's role (staging, production); a tag, so that one project can have a node per role.</summary>
        public string? Role { get; set; }

        /// <summary>The region or zone; null for the provider's default (tor1, fr-par-1, ca-central-1).</summary>
        public string? Region { get; set; }

        /// <summary>An explicit provider size; null to choose from the need.</summary>
        public string? Size { get; set; }

        /// <summary>The memory needed, in GB.</summary>
        public double MemoryGB { get; set; } = 2;

        /// <summary>The disk needed, in GB.</summary>
        public int DiskGB { get; set; } = 50;

        /// <summary>The admin's public keys (OpenSSH lines); the first is registered at the provider.</summary>
        public IReadOnlyList<string> PublicKeys { get; set; } = Array.Empty<string>();

        /// <summary>Set by the provider: the node was there before this request (its host key is already known).</summary>
        public bool FoundExisting { get; set; }

        /// <summary>The node's name: the project slug, or slug-client.</summary>
        public string Name => NodeNaming.NodeName(Project, Client);
    }
}
