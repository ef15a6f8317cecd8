using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps
{
    /// <summary>The parameters that Invoke-Migration and Undo-Migration share, and the plan they make of them.</summary>
    public abstract class MigrationPlanCmdlet : MigrationCmdlet
    {
        /// <summary>The parameter set of the plan's parameters (nodes, stack, data, DNS, redirect).</summary>
        protected const string PlanSet = "Plan";

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

        /// <summary>
        /// A ProjectNode that lost its type on the way (Export-Clixml and Import-Clixml between Jenkins steps, a remote
        /// job): rebuilt from its properties, so that the migration can still snapshot and later delete the old node.
        /// </summary>
        private static ProjectNode? FromProperties(PSObject value)
        {
            string? Text(string name) => value.Properties[name]?.Value?.ToString();
            if (!Enum.TryParse<HostingProvider>(Text("Provider"), ignoreCase: true, out var provider) || string.IsNullOrEmpty(Text("Id")) || string.IsNullOrEmpty(Text("HostName")))
            {
                return null;
            }

            var tags = value.Properties["Tags"]?.Value is { } t ? LanguagePrimitives.ConvertTo<string[]>(t) : Array.Empty<string>();
            return new ProjectNode
            {
                Provider = provider, Id = Text("Id")!, Name = Text("Name") ?? string.Empty, Project = Text("Project") ?? string.Empty, Role = Text("Role"),
                Region = Text("Region"), Size = Text("Size"), PublicIPv4 = Text("PublicIPv4"), PublicIPv6 = Text("PublicIPv6"), HostName = Text("HostName")!,
                Port = int.TryParse(Text("Port"), out var port) ? port : 22, User = Text("User") ?? "root", Tags = tags,
            };
        }

        /// <summary>The nodes and the plan, from the parameters.</summary>
        internal MigrationSetup BuildSetup()
        {
            var (source, target, plan) = BuildPlan();
            var address = SourceAddress ?? (Source.Properties["PublicIPv4"]?.Value as string) ?? source.HostName;
            return MigrationSetup.Of(source, target, address, plan);
        }

        /// <summary>The nodes and the plan, from the parameters.</summary>
        private (NodeTarget Source, NodeTarget Target, MigrationPlan Plan) BuildPlan()
        {
            var source = ToTarget(Source, nameof(Source));
            var target = ToTarget(Target, nameof(Target));
            // Paths are checked before any node is touched: no '.' or '..' segment, no system folder (InvalidSyncPath).
            var stack = FileSync.Normalize(StackPath ?? "/srv/" + Project, "stack path");
            var plan = new MigrationPlan
            {
                StackPath = stack,
                Files = FilePath.Select(f => FileSync.Normalize(f, "file path")).ToArray(),
                DnsZone = DnsZone,
                DnsNames = DnsName,
                DnsProvider = DnsProvider,
                TargetAddress = TargetAddress ?? (Target.Properties["PublicIPv4"]?.Value as string) ?? target.HostName,
                SourceNode = Source.BaseObject as ProjectNode ?? FromProperties(Source),
                DnsTimeout = DnsTimeout,
                AllowDatabaseRestart = AllowRestart,
                DirectFiles = DirectFiles,
                DirectAddress = DirectFilesAddress,
            };
            if (DirectFilesAddress is not null)
            {
                // Checked before any node is touched (InvalidHostName).
                _ = DirectPath.ParseAddress(DirectFilesAddress, 22);
            }

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
