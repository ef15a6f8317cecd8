using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What Sync-NodeFile is asked to do.</summary>
    public sealed class FileSyncRequest
    {
        /// <summary>The folder on the source (absolute).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The folder on the target; the source's path when empty.</summary>
        public string? TargetPath { get; set; }

        /// <summary>Keep files on the target that the source no longer has.</summary>
        public bool KeepDeleted { get; set; }

        /// <summary>Skip the final sha256 comparison.</summary>
        public bool NoVerify { get; set; }

        /// <summary>The most entries one sync may delete on the target (rsync's --max-delete); more is TooManyDeletions.</summary>
        public int MaxDelete { get; set; } = FileSync.DefaultMaxDelete;

        /// <summary>Only list both folders and count what would travel and what would be deleted (-WhatIf).</summary>
        public bool Preview { get; set; }

        /// <summary>
        /// The data goes node to node: the target's rsync connects to the source with its own ssh and a temporary key that
        /// the source's authorized_keys restricts to the target's addresses and to rsync's sender in this folder; the key
        /// and its line are removed afterwards (see <see cref="DirectRsync"/>).
        /// </summary>
        public bool Direct { get; set; }

        /// <summary>The source's address as the target reaches it ("host", "host:port", "[v6]:port"); default the one this machine uses.</summary>
        public string? DirectAddress { get; set; }

        /// <summary>More addresses that the source may see the target's connection come from (a NAT's public address), added to from=.</summary>
        public IReadOnlyList<string> DirectFrom { get; set; } = System.Array.Empty<string>();

        /// <summary>The tag of the temporary key's marker (a migration's, so that its undo finds it); default one per sync.</summary>
        public string? DirectTag { get; set; }

        public string TargetPathOrSame => string.IsNullOrEmpty(TargetPath) ? Path : TargetPath!;
    }
}
