using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>Where a migration stands: its steps, from its journal.</summary>
    public sealed class MigrationInfo
    {
        /// <summary>The migration's id (project and start time).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The old node.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The new node.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>Running, Failed, Completed (the new node serves), RolledBack, or Closed (the old node is deleted).</summary>
        public MigrationStatus Status { get; set; } = MigrationStatus.Running;

        /// <summary>The steps in order.</summary>
        public IReadOnlyList<MigrationStep> Steps { get; set; } = new MigrationStep[0];

        /// <summary>When the write freeze on the old node began.</summary>
        public DateTimeOffset? FreezeStarted { get; set; }

        /// <summary>When the new node served the traffic (DNS switched and the old node redirected).</summary>
        public DateTimeOffset? ServingAt { get; set; }

        /// <summary>The downtime: the write freeze to the new node serving.</summary>
        public TimeSpan? Downtime => FreezeStarted is { } f && ServingAt is { } s ? s - f : null;

        /// <summary>When the old node may be deleted (seven days after its stack stopped).</summary>
        public DateTimeOffset? DeleteAfter { get; set; }

        /// <summary>When Complete-Migration deleted (or forgot) the old node.</summary>
        public DateTimeOffset? OldNodeRemoved { get; set; }

        /// <summary>How the database moves: Replication (PostgreSQL logical replication) or DumpRestore; null before the initial sync.</summary>
        public string? DatabaseMethod { get; set; }

        /// <summary>Why the database falls back to dump and restore (the preconditions of replication that do not hold), or null.</summary>
        public string? DatabaseFallbackReason { get; set; }

        /// <summary>The old database's tables without a primary key or replica identity (logical replication needs one).</summary>
        public string[] TablesWithoutKey { get; set; } = new string[0];

        /// <summary>The replication slot (and publication, subscription, role) this migration holds on the old node, until it is cleaned up; null when none.</summary>
        public string? ReplicationSlot { get; set; }

        /// <summary>
        /// The bound, in MB, that the migration put on the WAL any replication slot of the old database may hold
        /// (max_slot_wal_keep_size, set when it was unlimited), so that a migration never finished nor undone cannot fill
        /// the old node's disk: PostgreSQL invalidates the slot first. Reset when the slot is dropped; null when not set.
        /// </summary>
        public long? ReplicationWalLimitMB { get; set; }

        /// <summary>The journal file.</summary>
        public string JournalPath { get; set; } = string.Empty;

        /// <inheritdoc />
        public override string ToString() => $"{Id}: {Status}";
    }
}
