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
    /// <summary>What a node-to-node stream did: bytes relayed, and how each end's command ended.</summary>
    public sealed class NodeStreamResult
    {
        public long Bytes { get; set; }

        public int? SourceExit { get; set; }

        public string SourceError { get; set; } = string.Empty;

        public int? TargetExit { get; set; }

        public string TargetError { get; set; } = string.Empty;

        /// <summary>Set when the relay itself failed (a channel closed under it).</summary>
        public string? RelayError { get; set; }

        /// <summary>True when the target stopped taking data (its channel failed) before the source ended.</summary>
        public bool TargetFailedFirst { get; set; }

        /// <summary>Which end to blame: the source, unless the target failed first or the source ended well.</summary>
        public bool SourceFailed => !TargetFailedFirst && SourceExit != 0;

        public bool Succeeded => SourceExit == 0 && TargetExit == 0 && RelayError is null;
    }
}
