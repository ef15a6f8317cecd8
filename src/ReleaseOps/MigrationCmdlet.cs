using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps
{
    /// <summary>
    /// The base of the migration cmdlets: the SSH options, -Force, and the run of a migration's steps over its journal,
    /// which Invoke-Migration (new or -Resume) and Resume-Migration share.
    /// </summary>
    public abstract class MigrationCmdlet : NodeSshCmdlet
    {
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

        /// <summary>The provider settings of a migration: the environment, then -Token/-Credential for the old node's provider and -DnsToken for DNS.</summary>
        internal ProviderSettings MigrationSettings(MigrationPlan plan)
        {
            var settings = ProviderSettings.FromEnvironment();
            var nodeProvider = plan.SourceNode?.Provider;
            if (nodeProvider is not null)
            {
                ProviderCredentials.Apply(settings, nodeProvider, null, Token, Credential);
            }

            var dnsToken = DnsToken ?? (nodeProvider is null || (plan.DnsProvider == DnsProvider.DigitalOcean && nodeProvider == HostingProvider.DigitalOcean) ? Token : null);
            ProviderCredentials.Apply(settings, null, plan.DnsProvider, dnsToken, null);
            return settings;
        }

        /// <summary>Skips the confirmation (scheduled tasks, Jenkins).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The known_hosts file of this call, where a deleted node's host key is forgotten.</summary>
        protected string KnownHostsPath => KnownHostsFile is null ? NodeConnector.DefaultKnownHostsPath : KnownHostsFile == Core.Ssh.KnownHostsFile.NoFile ? KnownHostsFile : GetUnresolvedProviderPathFromPSPath(KnownHostsFile);

        /// <summary>The migration with this id, with its stored nodes and plan.</summary>
        protected static (MigrationInfo Info, MigrationSetup Setup) FindWithSetup(string id)
        {
            var info = MigrationJournal.Find(id);
            return (info, MigrationJournal.LoadSetup(info));
        }

        /// <summary>
        /// Runs (or resumes) a migration after the confirmation: the steps that are not Done, in order. A journal that
        /// is Completed has nothing left to run but the old node's deletion, which happens once its week is over.
        /// </summary>
        protected void RunMigration(string project, MigrationInfo? journal, MigrationSetup setup)
        {
            var source = setup.Source();
            var target = setup.Target();
            if (journal is { Status: "Completed" or "Closed" })
            {
                CompleteOrReport(journal, setup, force: false);
                return;
            }

            if (journal is { Status: "RolledBack" })
            {
                throw new ReleaseOpsException(ErrorIds.MigrationRolledBack, FailureCategory.InvalidOperation, $"Migration {journal.Id} was undone; it cannot be resumed.",
                    "Start a new migration with Invoke-Migration and the same parameters.", journal.Id);
            }

            var title = journal is null ? $"Migrate {project} from {source} to {target}" : $"Resume migration {journal.Id} of {project} from {source} to {target}";
            var describe = MigrationEngine.Describe(setup.Plan, source.ToString(), target.ToString());
            var text = PlanText(title, describe.Where((s, i) => journal is null || journal.Steps[i].State != "Done").ToList());
            if (!ShouldProcessUnlessForced($"{source} -> {target}", text, Force))
            {
                return;
            }

            var settings = MigrationSettings(setup.Plan);
            // One run at a time per project (MigrationLock); the journal is read again under the lock.
            using var held = MigrationLock.Acquire(project);
            journal = journal is null ? null : MigrationJournal.Load(journal.JournalPath);
            var result = RunOnPair(source, target, async (src, dst, reporter, token) =>
            {
                var info = journal ?? MigrationJournal.Create(project, source.ToString(), target.ToString(), MigrationEngine.StepNames, DateTimeOffset.UtcNow, setup: setup);
                reporter.Verbose($"Journal: {info.JournalPath}");
                var steps = MigrationEngine.Steps(src, dst, setup.Plan, settings, () => DateTimeOffset.UtcNow, reporter);
                return await MigrationJournal.RunAsync(info, steps, () => DateTimeOffset.UtcNow, reporter, token).ConfigureAwait(false);
            });
            WriteObject(result);
        }

        /// <summary>Deletes the old node of a completed migration whose week is over; before that, says when.</summary>
        protected void CompleteOrReport(MigrationInfo info, MigrationSetup setup, bool force)
        {
            if (info.Status == "Closed")
            {
                WriteVerbose($"Migration {info.Id} is closed: the old node was removed on {info.OldNodeRemoved:yyyy-MM-dd HH:mm} UTC.");
                WriteObject(info);
                return;
            }

            if (!force && MigrationEngine.KeptUntil(info, DateTimeOffset.UtcNow) is { } due)
            {
                WriteWarning($"Migration {info.Id} is complete; its old node {info.Source} is kept until {due:yyyy-MM-dd HH:mm} UTC. Run Complete-Migration after that to delete it.");
                WriteObject(info);
                return;
            }

            var node = setup.Plan.SourceNode;
            var what = node is null ? info.Source : $"{node.Name} ({node.Provider} {node.Id})";
            var action = node?.Provider == HostingProvider.Client ? "Forget the client's old server (it is not deleted)" : "Delete the old node, its volumes and addresses";
            if (!ShouldProcessUnlessForced(what, $"{action}; close migration {info.Id}", Force))
            {
                return;
            }

            var settings = MigrationSettings(setup.Plan);
            var known = KnownHostsPath;
            using var held = MigrationLock.Acquire(info.Project);
            info = MigrationJournal.Load(info.JournalPath);
            WriteObject(RunEngine((reporter, token) => MigrationEngine.CompleteAsync(info, setup, settings, known, force, DateTimeOffset.UtcNow, reporter, token)));
        }
    }

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
