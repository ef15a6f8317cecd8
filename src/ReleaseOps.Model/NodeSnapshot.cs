using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>An offline snapshot (image) of a node, kept at its provider.</summary>
    public sealed class NodeSnapshot
    {
        /// <summary>The provider that keeps it.</summary>
        public HostingProvider Provider { get; set; }

        /// <summary>The provider's id for the snapshot (a DigitalOcean image id, an AMI id, a Scaleway snapshot id).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The snapshot's name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The id of the node it was taken from.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The name of the node it was taken from.</summary>
        public string NodeName { get; set; } = string.Empty;

        /// <summary>The region or zone that holds it.</summary>
        public string? Region { get; set; }

        /// <summary>Its size in GB, when the provider reports it.</summary>
        public double? SizeGB { get; set; }

        /// <summary>The provider's status (available, pending, ...).</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>When it was taken.</summary>
        public DateTimeOffset Created { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
