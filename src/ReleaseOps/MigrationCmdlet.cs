using System;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps
{
    /// <summary>The parameters that Invoke-Migration and Undo-Migration share, and the plan they make of them.</summary>
    public abstract class MigrationCmdlet : NodePairCmdlet
    {
        /// <summary>The project slug.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Project { get; set; } = string.Empty;

        /// <summary>The stack's folder on both nodes (default /srv/slug).</summary>
        [Parameter]
        public string? StackPath { get; set; }

        /// <summary>Brings the stack up on the new node (default docker compose up -d).</summary>
        [Parameter]
        public string? StartCommand { get; set; }

        /// <summary>The write freeze on the old node (default: stop every compose service but db).</summary>
        [Parameter]
        public string? FreezeCommand { get; set; }

        /// <summary>Stops the old stack (default docker compose down, never with -v).</summary>
        [Parameter]
        public string? StopCommand { get; set; }

        /// <summary>The PostgreSQL database to move, if any.</summary>
        [Parameter]
        public string? Database { get; set; }

        /// <summary>The database runs on the nodes' hosts, not in the compose stack's db service.</summary>
        [Parameter]
        public SwitchParameter DatabaseOnHost { get; set; }

        /// <summary>More folders to move (uploads, volume paths).</summary>
        [Parameter]
        public string[] FilePath { get; set; } = Array.Empty<string>();

        /// <summary>The zone of the names to switch.</summary>
        [Parameter]
        public string? DnsZone { get; set; }

        /// <summary>The names to point at the new node (kmc, kmc-direct).</summary>
        [Parameter]
        public string[] DnsName { get; set; } = Array.Empty<string>();

        /// <summary>The DNS service (default DigitalOcean).</summary>
        [Parameter]
        public DnsProvider DnsProvider { get; set; } = DnsProvider.DigitalOcean;

        /// <summary>The new node's public address (default: the target's PublicIPv4, else its HostName).</summary>
        [Parameter]
        public string? TargetAddress { get; set; }

        /// <summary>The ports the old node redirects (default 80 and 443).</summary>
        [Parameter]
        public int[] RedirectPort { get; set; } = { 80, 443 };

        /// <summary>The old node's address that HAProxy listens on (default *).</summary>
        [Parameter]
        public string RedirectListenAddress { get; set; } = "*";

        /// <summary>How long to wait for the authoritative DNS servers (default 5 minutes).</summary>
        [Parameter]
        public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Skips the confirmation (scheduled tasks, Jenkins).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The nodes and the plan, from the parameters.</summary>
        internal (NodeTarget Source, NodeTarget Target, MigrationPlan Plan) BuildPlan()
        {
            var source = ToTarget(Source, nameof(Source));
            var target = ToTarget(Target, nameof(Target));
            var stack = StackPath ?? "/srv/" + Project;
            var plan = new MigrationPlan
            {
                StackPath = stack,
                Files = FilePath,
                DnsZone = DnsZone,
                DnsNames = DnsName,
                DnsProvider = DnsProvider,
                TargetAddress = TargetAddress ?? (Target.Properties["PublicIPv4"]?.Value as string) ?? target.HostName,
                SourceNode = Source.BaseObject as ProjectNode,
                DnsTimeout = DnsTimeout,
            };
            plan.StartCommand = StartCommand ?? plan.StartCommand;
            plan.FreezeCommand = FreezeCommand ?? plan.FreezeCommand;
            plan.StopCommand = StopCommand ?? plan.StopCommand;
            plan.Redirect = new RedirectRequest { Target = plan.TargetAddress, Ports = RedirectPort, ListenAddress = RedirectListenAddress };
            NodeRedirect.Validate(plan.Redirect);
            if (Database is not null)
            {
                var access = DatabaseOnHost ? new PostgresAccess() : new PostgresAccess { ComposeDirectory = stack };
                plan.Database = new DatabaseSyncRequest { Database = Database, SourceAccess = access, TargetAccess = access };
            }

            return (source, target, plan);
        }
    }
}
