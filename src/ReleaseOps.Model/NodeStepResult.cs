using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One step of a bootstrap or an account change on one node, as Ansible reports ok and changed.</summary>
    public sealed class NodeStepResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The step, such as "Group dev" or "Keys alice".</summary>
        public string Step { get; set; } = string.Empty;

        /// <summary>Changed, Unchanged, WouldChange (with -WhatIf), Skipped or Failed.</summary>
        public StepStatus Status { get; set; }

        /// <summary>What was found or done.</summary>
        public string Detail { get; set; } = string.Empty;

        /// <summary>For a Failed step that was refused for a named reason, its stable error id (such as UnsafeKeyFile).</summary>
        public string? ErrorId { get; set; }

        /// <inheritdoc />
        public override string ToString() => Step + ": " + Status;
    }
}
