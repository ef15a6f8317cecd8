using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;
using Renci.SshNet;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What a relayed rsync did: bytes each way, how each end ended, and the receiver's itemized lines.</summary>
    public sealed class RsyncRelayResult
    {
        /// <summary>Bytes from the source (rsync's sender) to the target (the receiver): file list, deltas, data.</summary>
        public long Down { get; set; }

        /// <summary>Bytes from the target back to the source: the generator's file requests and block checksums.</summary>
        public long Up { get; set; }

        public int? SourceExit { get; set; }

        public string SourceError { get; set; } = string.Empty;

        public int? TargetExit { get; set; }

        public string TargetError { get; set; } = string.Empty;

        /// <summary>The receiver's --out-format lines ("%i %n%L"), without their prefix.</summary>
        public IReadOnlyList<string> Items { get; set; } = Array.Empty<string>();

        /// <summary>Set when the relay itself failed or was stopped.</summary>
        public string? RelayError { get; set; }

        public bool Succeeded => SourceExit == 0 && TargetExit == 0 && RelayError is null;

        // Counted by the two pumps as they go.
        internal long DownField;

        internal long UpField;
    }
}
