using System;
using System.Collections.Generic;

namespace ReleaseOps
{
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
