using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of the migration cmdlets: the SSH options, -Force, and the run of a migration's steps over its journal,
    /// which Invoke-Migration (new or -Resume) and Resume-Migration share.
    /// </summary>
    public abstract class MigrationCmdlet : SshOptionsCmdlet
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
            if (journal is { Status: MigrationStatus.Completed or MigrationStatus.Closed })
            {
                CompleteOrReport(journal, setup, force: false);
                return;
            }

            if (journal is { Status: MigrationStatus.RolledBack })
            {
                throw new ReleaseOpsException(ErrorIds.MigrationRolledBack, FailureCategory.InvalidOperation, $"Migration {journal.Id} was undone; it cannot be resumed.",
                    "Start a new migration with Invoke-Migration and the same parameters.", journal.Id);
            }

            var title = journal is null ? $"Migrate {project} from {source} to {target}" : $"Resume migration {journal.Id} of {project} from {source} to {target}";
            var describe = MigrationEngine.Describe(setup.Plan, source.ToString(), target.ToString());
            var text = PlanText(title, describe.Where((s, i) => journal is null || journal.Steps[i].State != MigrationStepState.Done).ToList());
            if (MyInvocation.BoundParameters.ContainsKey("WhatIf") && setup.Plan.Database is not null && journal?.DatabaseMethod is null)
            {
                text += "\nPreconditions (read from the nodes; nothing is changed):" + string.Concat(Preconditions(source, target, setup.Plan).Select(l => "\n  - " + l));
            }

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

        /// <summary>The database's preconditions for -WhatIf; a node that cannot be reached is reported, not raised.</summary>
        private System.Collections.Generic.IReadOnlyList<string> Preconditions(NodeTarget source, NodeTarget target, MigrationPlan plan)
        {
            try
            {
                return RunOnPair(source, target, (s, t, reporter, token) => MigrationEngine.PreconditionsAsync(s, t, plan, reporter, token));
            }
            catch (ReleaseOpsException ex)
            {
                return new[] { $"not checked ({ex.ErrorId}): {ex.Message}" };
            }
        }

        /// <summary>Deletes the old node of a completed migration whose week is over; before that, says when.</summary>
        protected void CompleteOrReport(MigrationInfo info, MigrationSetup setup, bool force)
        {
            if (info.Status == MigrationStatus.Closed)
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
}
