using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A size that a provider offers.</summary>
    public sealed class NodeSize
    {
        /// <summary>The provider's name for it (s-1vcpu-2gb, DEV1-M, t3.small).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Memory in GB.</summary>
        public double MemoryGB { get; set; }

        /// <summary>Virtual CPUs.</summary>
        public int Cpus { get; set; }

        /// <summary>The disk that comes with it, in GB, or null when the disk is chosen apart (Scaleway, AWS).</summary>
        public int? DiskGB { get; set; }

        /// <summary>The monthly price in the provider's currency, when it publishes one.</summary>
        public double? MonthlyPrice { get; set; }

        /// <summary>The regions that offer it, when the provider says.</summary>
        public IReadOnlyList<string> Regions { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
