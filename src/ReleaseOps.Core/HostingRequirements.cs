using System;
using System.Collections.Generic;
using System.Linq;

namespace ReleaseOps.Core
{
    /// <summary>What a project needs from its hosting, as the admin states it.</summary>
    public sealed class HostingRequirements
    {
        public string? Project { get; set; }

        public bool ClientProvidesServers { get; set; }

        public IReadOnlyList<string> AwsOnlyServices { get; set; } = Array.Empty<string>();

        /// <summary>Any (or empty) or Canada.</summary>
        public string? DataResidency { get; set; }

        /// <summary>Allows AWS's Canadian region (ca-central-1) when data must stay in Canada and AWS-only services are needed.</summary>
        public bool AllowAwsCanada { get; set; }

        public string? ScalewayZone { get; set; }

        public string? AwsRegion { get; set; }
    }
}
