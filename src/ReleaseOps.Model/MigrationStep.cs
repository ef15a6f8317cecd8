using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One step of a migration, as its journal records it.</summary>
    public sealed class MigrationStep
    {
        /// <summary>The step's name (PrepareTarget, InitialSync, Freeze, FinalSync, SwitchDns, Redirect, Snapshot).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Pending, Running, Done or Failed. Running after a crash means it is run again on resume.</summary>
        public MigrationStepState State { get; set; } = MigrationStepState.Pending;

        /// <summary>How many times it was started.</summary>
        public int Attempts { get; set; }

        /// <summary>When it last started.</summary>
        public DateTimeOffset? Started { get; set; }

        /// <summary>When it was done.</summary>
        public DateTimeOffset? Finished { get; set; }

        /// <summary>What it did.</summary>
        public string? Detail { get; set; }

        /// <summary>Why it last failed.</summary>
        public string? Error { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{Name}: {State}";
    }
}
