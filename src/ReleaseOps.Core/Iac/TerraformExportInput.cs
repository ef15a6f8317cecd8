using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Iac
{
    /// <summary>What Export-TerraformConfiguration hands the engine: what was read from the providers and the module's own records.</summary>
    public sealed class TerraformExportInput
    {
        /// <summary>The nodes (DigitalOcean, AWS and Scaleway ones become resources; client servers become locals).</summary>
        public IReadOnlyList<ProjectNode> Nodes { get; set; } = Array.Empty<ProjectNode>();

        /// <summary>The DNS records (DigitalOcean Domains and Cloudflare).</summary>
        public IReadOnlyList<DnsRecord> Records { get; set; } = Array.Empty<DnsRecord>();

        /// <summary>The admins' public keys, with the DigitalOcean key id and name each is registered under (null when it is not).</summary>
        public IReadOnlyList<(PublicKey Key, string? DigitalOceanId, string? DigitalOceanName)> PublicKeys { get; set; } = Array.Empty<(PublicKey, string?, string?)>();

        /// <summary>The client-node register (the servers that clients run), kept as locals.</summary>
        public IReadOnlyList<ProjectNode> ClientNodes { get; set; } = Array.Empty<ProjectNode>();

        /// <summary>The project's settings from releaseops.psd1, as names and values, kept as locals; null when no project was given.</summary>
        public IReadOnlyList<(string Name, object? Value)>? ProjectSettings { get; set; }
    }
}
