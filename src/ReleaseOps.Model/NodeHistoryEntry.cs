using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One command from the shared command history of a node.</summary>
    public sealed class NodeHistoryEntry
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The user who ran it.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>When it ran, where the history records time; null otherwise.</summary>
        public DateTimeOffset? Time { get; set; }

        /// <summary>The command line.</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The history file it came from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>Its position in that file.</summary>
        public int Index { get; set; }

        /// <inheritdoc />
        public override string ToString() => Command;
    }
}
