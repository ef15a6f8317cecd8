using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What Sync-NodeDatabase did: a PostgreSQL database copied from one node to another, and verified.</summary>
    public sealed class DatabaseSyncResult
    {
        /// <summary>The source node.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The target node.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>The database on the source.</summary>
        public string Database { get; set; } = string.Empty;

        /// <summary>The database on the target (the same name unless -TargetDatabase was given).</summary>
        public string TargetDatabase { get; set; } = string.Empty;

        /// <summary>Synced (the target now holds the source's data), or Verified (-VerifyOnly compared them).</summary>
        public DatabaseSyncStatus Status { get; set; }

        /// <summary>Bytes of the pg_dump archive that streamed from the source to the target.</summary>
        public long Bytes { get; set; }

        /// <summary>The whole call: dump, restore, verification and the switch.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>How many tables were compared.</summary>
        public int Tables { get; set; }

        /// <summary>Rows in all tables, as counted on the target.</summary>
        public long Rows { get; set; }

        /// <summary>True when every table's row count and checksum agree on both nodes.</summary>
        public bool Verified { get; set; }

        /// <summary>Each table's counts and checksums.</summary>
        public IReadOnlyList<TableVerification> TableDetails { get; set; } = Array.Empty<TableVerification>();
    }
}
