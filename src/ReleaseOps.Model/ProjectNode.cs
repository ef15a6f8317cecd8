using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A node (server) of a project, on a provider.</summary>
    public sealed class ProjectNode
    {
        /// <summary>The provider that hosts it.</summary>
        public HostingProvider Provider { get; set; }

        /// <summary>The provider's id for it.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The node's name: the project slug, or slug-clientname.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The node's role in the project (staging, production), from its role tag; null when it has none.</summary>
        public string? Role { get; set; }

        /// <summary>The region or zone.</summary>
        public string? Region { get; set; }

        /// <summary>The provider's size.</summary>
        public string? Size { get; set; }

        /// <summary>The public IPv4 address.</summary>
        public string? PublicIPv4 { get; set; }

        /// <summary>The public IPv6 address.</summary>
        public string? PublicIPv6 { get; set; }

        /// <summary>The address that SSH connects to.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The SSH port.</summary>
        public int Port { get; set; } = 22;

        /// <summary>The initial SSH user (root, ubuntu, ec2-user).</summary>
        public string User { get; set; } = "root";

        /// <summary>The node's direct host name, when it has a public name.</summary>
        public string? DirectHostName { get; set; }

        /// <summary>The node's SSH host key fingerprint, when the provider reports it.</summary>
        public string? HostKeyFingerprint { get; set; }

        /// <summary>When it was created.</summary>
        public DateTimeOffset Created { get; set; }

        /// <summary>The provider's tags.</summary>
        public IReadOnlyList<string> Tags { get; set; } = new string[0];

        /// <summary>The provider's status (active, running, ...).</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The image it was created from, as the provider reads it back (a DigitalOcean slug or id, an AMI id, a Scaleway image id); null when unknown.</summary>
        public string? Image { get; set; }

        /// <summary>The root disk in GB, as the provider reports it; null when the listing does not say (AWS).</summary>
        public int? DiskGB { get; set; }

        /// <summary>DigitalOcean's features of the droplet (ipv6, monitoring, backups, ...), which its Terraform provider reads back.</summary>
        public IReadOnlyList<string> Features { get; set; } = new string[0];

        /// <summary>AWS: the key pair the instance was launched with.</summary>
        public string? KeyName { get; set; }

        /// <summary>AWS: the instance's tags as keys and values, exactly as EC2 returns them (Tags holds them as key:value).</summary>
        public IReadOnlyDictionary<string, string> ProviderTags { get; set; } = new Dictionary<string, string>();

        /// <summary>Scaleway: the id of the node's flexible public IP.</summary>
        public string? AddressId { get; set; }

        /// <summary>Scaleway: the volumes' ids, the root volume first, with their types ("id:sbs_volume").</summary>
        public IReadOnlyList<string> Volumes { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
