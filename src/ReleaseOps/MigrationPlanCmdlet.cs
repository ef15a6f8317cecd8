using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The parameters that Invoke-Migration and Undo-Migration share (the nodes, the stack, the data, DNS and the
    /// redirect), the providers' tokens and -Force; the plan is made of them in Core (MigrationDecisions.Plan).
    /// </summary>
    public abstract class MigrationPlanCmdlet : SshOptionsCmdlet, IMigrationCredentials
    {
        /// <summary>The parameter set of the plan's parameters (nodes, stack, data, DNS, redirect).</summary>
        protected const string PlanSet = "Plan";

        /// <summary>The token (or, for Scaleway and AWS, the key) of the old node's provider, for its snapshot and deletion, over the environment.</summary>
        [Parameter]
        public System.Security.SecureString? Token { get; set; }

        /// <summary>The access key and secret of the old node's provider (Scaleway, AWS), over the environment.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The token of the DNS service (DigitalOcean or Cloudflare), over the environment; -Token when not given and the DNS is the node's provider.</summary>
        [Parameter]
        public System.Security.SecureString? DnsToken { get; set; }

        /// <summary>Skips the confirmation (scheduled tasks, Jenkins).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The old node: a ProjectNode, or a name, alias or address.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PlanSet)]
        [ValidateNotNull]
        public PSObject Source { get; set; } = null!;

        /// <summary>The new node: a ProjectNode, or a name, alias or address.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = PlanSet)]
        [ValidateNotNull]
        public PSObject Target { get; set; } = null!;

        /// <summary>The project slug.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PlanSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectCompleter))]
        public string Project { get; set; } = string.Empty;

        /// <summary>The stack's folder on both nodes (default /srv/slug).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? StackPath { get; set; }

        /// <summary>Brings the stack up on the new node (default docker compose up -d).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? StartCommand { get; set; }

        /// <summary>The write freeze on the old node (default: stop every compose service but db).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? FreezeCommand { get; set; }

        /// <summary>Stops the old stack (default docker compose down, never with -v).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? StopCommand { get; set; }

        /// <summary>The PostgreSQL database to move, if any.</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? Database { get; set; }

        /// <summary>The database runs on the nodes' hosts, not in the compose stack's db service.</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public SwitchParameter DatabaseOnHost { get; set; }

        /// <summary>Whether the plan may restart the old database for logical replication (Invoke-Migration's -AllowDatabaseRestart).</summary>
        protected virtual bool AllowRestart => false;

        /// <summary>Whether the migration's file syncs go node to node (Invoke-Migration's -DirectFileSync).</summary>
        protected virtual bool DirectFiles => false;

        /// <summary>The old node's address as the new node reaches it, for the direct file syncs (Invoke-Migration's -DirectAddress).</summary>
        protected virtual string? DirectFilesAddress => null;

        /// <summary>Whether the database's replication goes node to node (Invoke-Migration's -DirectDatabase).</summary>
        protected virtual bool DirectDatabaseRelay => false;

        /// <summary>More addresses for the temporary key's from=, for the direct file syncs (Invoke-Migration's -DirectFrom).</summary>
        protected virtual IReadOnlyList<string> DirectFilesFrom => Array.Empty<string>();

        /// <summary>More folders to move (uploads, volume paths).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string[] FilePath { get; set; } = Array.Empty<string>();

        /// <summary>The zone of the names to switch.</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? DnsZone { get; set; }

        /// <summary>The names to point at the new node (kmc, kmc-direct).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string[] DnsName { get; set; } = Array.Empty<string>();

        /// <summary>The DNS service (default DigitalOcean).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public DnsProvider DnsProvider { get; set; } = DnsProvider.DigitalOcean;

        /// <summary>The new node's public address (default: the target's PublicIPv4, else its HostName).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? TargetAddress { get; set; }

        /// <summary>The ports the old node redirects (default 80 and 443).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public int[] RedirectPort { get; set; } = { 80, 443 };

        /// <summary>The old node's address that HAProxy listens on (default *).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string RedirectListenAddress { get; set; } = "*";

        /// <summary>How long to wait for the authoritative DNS servers (default 5 minutes).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        [Seconds]
        public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>The old node's public address, which an undo points the DNS names back at (default: its PublicIPv4, else its HostName).</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public string? SourceAddress { get; set; }

        /// <summary>The nodes and the plan, from the parameters.</summary>
        internal MigrationSetup BuildSetup()
        {
            static object? Property(PSObject value, string name) => value.Properties[name]?.Value is PSObject p ? p.BaseObject : value.Properties[name]?.Value;
            return MigrationDecisions.Plan(new MigrationPlanRequest
            {
                Source = ToTarget(Source, nameof(Source)),
                Target = ToTarget(Target, nameof(Target)),
                SourceNode = Source.BaseObject as ProjectNode ?? MigrationDecisions.NodeFromProperties(n => Property(Source, n)),
                SourcePublicAddress = Source.Properties["PublicIPv4"]?.Value as string,
                TargetPublicAddress = Target.Properties["PublicIPv4"]?.Value as string,
                Project = Project, StackPath = StackPath, StartCommand = StartCommand, FreezeCommand = FreezeCommand, StopCommand = StopCommand,
                Database = Database, DatabaseOnHost = DatabaseOnHost, AllowDatabaseRestart = AllowRestart, FilePath = FilePath,
                DnsZone = DnsZone, DnsName = DnsName, DnsProvider = DnsProvider, TargetAddress = TargetAddress, SourceAddress = SourceAddress,
                RedirectPort = RedirectPort, RedirectListenAddress = RedirectListenAddress, DnsTimeout = DnsTimeout,
                DirectFiles = DirectFiles, DirectAddress = DirectFilesAddress, DirectFrom = DirectFilesFrom, DirectDatabase = DirectDatabaseRelay,
            });
        }
    }
}
