using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What a command did on one node.</summary>
    public sealed class NodeCommandResult
    {
        /// <summary>The node as it was named (an ssh_config alias, an address or a node name).</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The address and port that were connected to, as host:port.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>The user that ran the command.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>The command line that ran (arguments quoted).</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The remote exit code; null when the command did not finish (connection failed, timed out or was stopped).</summary>
        public int? ExitCode { get; set; }

        /// <summary>Standard output.</summary>
        public string Output { get; set; } = string.Empty;

        /// <summary>Standard error.</summary>
        public string Error { get; set; } = string.Empty;

        /// <summary>How long it took, connection included.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>True when the command exited with 0.</summary>
        public bool Succeeded { get; set; }

        /// <summary>Why it did not succeed: the error id (NonZeroExit, CommandTimedOut, HostKeyUnknown, ...), or null.</summary>
        public string? FailureId { get; set; }

        /// <inheritdoc />
        public override string ToString() => Output;
    }
}
