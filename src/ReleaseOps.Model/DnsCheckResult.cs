using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What one authoritative name server answers for a record, against what it should answer.</summary>
    public sealed class DnsCheckResult
    {
        /// <summary>The full name asked for.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The record type.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>The name server asked, as host:port.</summary>
        public string NameServer { get; set; } = string.Empty;

        /// <summary>The values it answered.</summary>
        public IReadOnlyList<string> Answer { get; set; } = new string[0];

        /// <summary>The values expected.</summary>
        public IReadOnlyList<string> Expected { get; set; } = new string[0];

        /// <summary>True when the answer holds exactly the expected values.</summary>
        public bool Matches { get; set; }

        /// <summary>True when the server answered with authority (the AA bit).</summary>
        public bool Authoritative { get; set; }

        /// <summary>The DNS response code, or the failure, when there was no usable answer.</summary>
        public string? Error { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} {Type} @{NameServer}: {string.Join(", ", Answer)}";
    }
}
