using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One file copied by Copy-NodeItem.</summary>
    public sealed class NodeCopyResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>Upload or Download.</summary>
        public string Direction { get; set; } = string.Empty;

        /// <summary>Where it came from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>Where it went.</summary>
        public string Destination { get; set; } = string.Empty;

        /// <summary>Its size in bytes.</summary>
        public long Length { get; set; }

        /// <summary>How long it took.</summary>
        public TimeSpan Duration { get; set; }
    }
}
