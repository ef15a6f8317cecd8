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
        public string Status { get; set; } = string.Empty;

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

    /// <summary>What Sync-NodeFile did: a folder made equal to a folder of another node, and verified.</summary>
    public sealed class FileSyncResult
    {
        /// <summary>The source node.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The target node.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>The folder on the source.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The folder on the target.</summary>
        public string TargetPath { get; set; } = string.Empty;

        /// <summary>Files in the source folder.</summary>
        public int Files { get; set; }

        /// <summary>Bytes of all files in the source folder.</summary>
        public long TotalBytes { get; set; }

        /// <summary>Files (and links) that were new or changed and were copied in this run.</summary>
        public int ChangedFiles { get; set; }

        /// <summary>Entries removed from the target because the source no longer has them.</summary>
        public int DeletedFiles { get; set; }

        /// <summary>Bytes that went from the source to the target through this machine (rsync's protocol, or the tar stream).</summary>
        public long Bytes { get; set; }

        /// <summary>Bytes that went from the target back to the source (rsync's file requests and block checksums; 0 for tar).</summary>
        public long BytesReturned { get; set; }

        /// <summary>How the data travelled: "rsync" (rsync's protocol relayed through this machine) or "tar" (when a node lacks rsync).</summary>
        public string Transport { get; set; } = string.Empty;

        /// <summary>Files whose sha256 was compared on both nodes: every file rsync moved, and a sample of the rest (tar: every file).</summary>
        public int Hashed { get; set; }

        /// <summary>The whole call.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>True when the sha256 of the files compared (see Hashed) agrees on both nodes (false with -NoVerify).</summary>
        public bool Verified { get; set; }

        /// <summary>The relative paths that were copied.</summary>
        public IReadOnlyList<string> Changed { get; set; } = Array.Empty<string>();

        /// <summary>The relative paths that were deleted on the target.</summary>
        public IReadOnlyList<string> Deleted { get; set; } = Array.Empty<string>();
    }
}
