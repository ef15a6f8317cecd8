using System;
using System.Collections.Generic;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What Invoke-Migration and Undo-Migration were given, for MigrationDecisions.Plan.</summary>
    public sealed class MigrationPlanRequest
    {
        /// <summary>The old node.</summary>
        public NodeTarget Source { get; set; } = null!;

        /// <summary>The new node.</summary>
        public NodeTarget Target { get; set; } = null!;

        /// <summary>The old node as a ProjectNode, for its snapshot and deletion (null for a node known only by name).</summary>
        public ProjectNode? SourceNode { get; set; }

        /// <summary>The public address the old node's object carries (PublicIPv4), if any.</summary>
        public string? SourcePublicAddress { get; set; }

        /// <summary>The public address the new node's object carries (PublicIPv4), if any.</summary>
        public string? TargetPublicAddress { get; set; }

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The stack's folder on both nodes (default /srv/slug).</summary>
        public string? StackPath { get; set; }

        /// <summary>The stack's start command, if not the default.</summary>
        public string? StartCommand { get; set; }

        /// <summary>The write freeze's command, if not the default.</summary>
        public string? FreezeCommand { get; set; }

        /// <summary>The old stack's stop command, if not the default.</summary>
        public string? StopCommand { get; set; }

        /// <summary>The PostgreSQL database to move, if any.</summary>
        public string? Database { get; set; }

        /// <summary>The database runs on the nodes' hosts, not in the compose stack.</summary>
        public bool DatabaseOnHost { get; set; }

        /// <summary>May restart the old database for logical replication.</summary>
        public bool AllowDatabaseRestart { get; set; }

        /// <summary>The file syncs go node to node (Invoke-Migration -DirectFileSync).</summary>
        public bool DirectFiles { get; set; }

        /// <summary>The old node's address as the new node reaches it, for the direct file syncs; null for the admin's.</summary>
        public string? DirectAddress { get; set; }

        /// <summary>The database's replication goes node to node (Invoke-Migration -DirectDatabase).</summary>
        public bool DirectDatabase { get; set; }

        /// <summary>More addresses for the direct file syncs' from= (Invoke-Migration -DirectFrom).</summary>
        public IReadOnlyList<string> DirectFrom { get; set; } = Array.Empty<string>();

        /// <summary>More folders to move.</summary>
        public string[] FilePath { get; set; } = Array.Empty<string>();

        /// <summary>The zone of the names to switch.</summary>
        public string? DnsZone { get; set; }

        /// <summary>The names to point at the new node.</summary>
        public string[] DnsName { get; set; } = Array.Empty<string>();

        /// <summary>The DNS service.</summary>
        public DnsProvider DnsProvider { get; set; } = DnsProvider.DigitalOcean;

        /// <summary>The new node's public address, if given.</summary>
        public string? TargetAddress { get; set; }

        /// <summary>The old node's public address, if given.</summary>
        public string? SourceAddress { get; set; }

        /// <summary>The ports the old node redirects.</summary>
        public int[] RedirectPort { get; set; } = { 80, 443 };

        /// <summary>The old node's address that HAProxy listens on.</summary>
        public string RedirectListenAddress { get; set; } = "*";

        /// <summary>How long to wait for the authoritative DNS servers.</summary>
        public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromMinutes(5);
    }
}
