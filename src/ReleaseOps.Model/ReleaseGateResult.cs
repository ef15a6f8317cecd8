using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>The outcome of one release gate.</summary>
    public sealed class ReleaseGateResult
    {
        /// <summary>EndToEnd, or Jenkins.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>What ran: the command line, or the job.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>Whether it passed.</summary>
        public bool Passed { get; set; }

        /// <summary>The exit code of a command gate.</summary>
        public int? ExitCode { get; set; }

        /// <summary>The last lines of its output.</summary>
        public string OutputTail { get; set; } = string.Empty;

        /// <summary>How long it took.</summary>
        public TimeSpan Duration { get; set; }
    }
}
