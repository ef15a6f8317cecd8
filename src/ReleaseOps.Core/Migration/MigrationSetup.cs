using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// What a migration was started with: its nodes, the old node's public address (for an undo) and the plan. It is
    /// stored beside the journal when the migration starts, so that Resume-Migration, Undo-Migration and
    /// Complete-Migration need only the migration's id.
    /// </summary>
    public sealed class MigrationSetup
    {
        public int Version { get; set; } = 1;

        public string SourceHost { get; set; } = string.Empty;

        public int? SourcePort { get; set; }

        public string? SourceUser { get; set; }

        public string TargetHost { get; set; } = string.Empty;

        public int? TargetPort { get; set; }

        public string? TargetUser { get; set; }

        /// <summary>The old node's public address, which an undo points the DNS names back at.</summary>
        public string SourceAddress { get; set; } = string.Empty;

        public MigrationPlan Plan { get; set; } = new();

        public static MigrationSetup Of(NodeTarget source, NodeTarget target, string sourceAddress, MigrationPlan plan) => new()
        {
            SourceHost = source.HostName, SourcePort = source.Port, SourceUser = source.User,
            TargetHost = target.HostName, TargetPort = target.Port, TargetUser = target.User,
            SourceAddress = sourceAddress, Plan = plan,
        };

        public NodeTarget Source() => new(SourceHost, SourcePort, SourceUser);

        public NodeTarget Target() => new(TargetHost, TargetPort, TargetUser);
    }
}
