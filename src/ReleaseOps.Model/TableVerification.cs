using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One table as Sync-NodeDatabase verified it: row counts and checksums on both nodes.</summary>
    public sealed class TableVerification
    {
        /// <summary>The table, as schema.name (quoted where PostgreSQL would quote it).</summary>
        public string Table { get; set; } = string.Empty;

        /// <summary>Rows on the source, or null when the table is missing there.</summary>
        public long? SourceRows { get; set; }

        /// <summary>Rows on the target, or null when the table is missing there.</summary>
        public long? TargetRows { get; set; }

        /// <summary>The source's checksum: an order-independent sum of the md5 of every row's text.</summary>
        public string? SourceChecksum { get; set; }

        /// <summary>The target's checksum, computed the same way.</summary>
        public string? TargetChecksum { get; set; }

        /// <summary>True when the rows and checksums agree.</summary>
        public bool Matches { get; set; }
    }
}
