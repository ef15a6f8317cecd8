using System;
using System.Linq;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The cmdlet side of a migration's run, shared by both migration bases: ask (or -WhatIf), take the project's
    /// lock, run the engine, write the result. What to do is decided in Core (MigrationDecisions).
    /// </summary>
    internal static class MigrationRuns
    {
        /// <summary>The provider settings of a migration: the environment, then -Token/-Credential for the old node's provider and -DnsToken for DNS.</summary>
        internal static ProviderSettings Settings(IMigrationCredentials c, MigrationPlan plan)
        {
            var settings = ProviderSettings.FromEnvironment();
            var nodeProvider = plan.SourceNode?.Provider;
            if (nodeProvider is not null)
            {
                ProviderCredentials.Apply(settings, nodeProvider, null, c.Token, c.Credential);
            }

            var dnsToken = c.DnsToken ?? (nodeProvider is null || (plan.DnsProvider == DnsProvider.DigitalOcean && nodeProvider == HostingProvider.DigitalOcean) ? c.Token : null);
            ProviderCredentials.Apply(settings, null, plan.DnsProvider, dnsToken, null);
            return settings;
        }

        /// <summary>The known_hosts file of this call, where a deleted node's host key is forgotten.</summary>
        internal static string KnownHostsPath(SshOptionsCmdlet cmdlet) =>
            cmdlet.KnownHostsFile is null ? NodeConnector.DefaultKnownHostsPath
            : cmdlet.KnownHostsFile == KnownHostsFile.NoFile ? cmdlet.KnownHostsFile : cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.KnownHostsFile);

        /// <summary>
        /// Runs (or resumes) a migration after the confirmation: the steps that are not Done, in order. A journal that
        /// is Completed has nothing left to run but the old node's deletion, which happens once its week is over.
        /// </summary>
        internal static void Run(SshOptionsCmdlet cmdlet, IMigrationCredentials c, string project, MigrationInfo? journal, MigrationSetup setup)
        {
            var next = MigrationDecisions.Next(journal, deleteNow: false, DateTimeOffset.UtcNow);
            if (next != MigrationNextAction.RunSteps)
            {
                CompleteOrReport(cmdlet, c, journal!, setup, deleteNow: false);
                return;
            }

            var source = setup.Source();
            var target = setup.Target();
            var (title, steps) = MigrationDecisions.RunPlan(project, journal, setup);
            var text = SshOptionsCmdlet.PlanText(title, steps);
            if (cmdlet.MyInvocation.BoundParameters.ContainsKey("WhatIf") && setup.Plan.Database is not null && journal?.DatabaseMethod is null)
            {
                text += "\nPreconditions (read from the nodes; nothing is changed):" + string.Concat(Preconditions(cmdlet, source, target, setup.Plan).Select(l => "\n  - " + l));
            }

            if (!cmdlet.ShouldProcessUnlessForced($"{source} -> {target}", text, c.Force))
            {
                return;
            }

            var settings = Settings(c, setup.Plan);
            // One run at a time per project (MigrationLock); the journal is read again under the lock.
            using var held = MigrationLock.Acquire(project);
            journal = journal is null ? null : MigrationJournal.Load(journal.JournalPath);
            var result = cmdlet.RunOnPair(source, target, async (src, dst, reporter, token) =>
            {
                var info = journal ?? MigrationJournal.Create(project, source.ToString(), target.ToString(), MigrationEngine.StepNames, DateTimeOffset.UtcNow, setup: setup);
                reporter.Verbose($"Journal: {info.JournalPath}");
                var run = MigrationEngine.Steps(src, dst, setup.Plan, settings, () => DateTimeOffset.UtcNow, reporter);
                return await MigrationJournal.RunAsync(info, run, () => DateTimeOffset.UtcNow, reporter, token).ConfigureAwait(false);
            });
            cmdlet.WriteObject(result);
        }

        /// <summary>Deletes the old node of a completed migration whose week is over (or -DeleteNow); before that, says when.</summary>
        internal static void CompleteOrReport(SshOptionsCmdlet cmdlet, IMigrationCredentials c, MigrationInfo info, MigrationSetup setup, bool deleteNow)
        {
            switch (MigrationDecisions.Next(info, deleteNow, DateTimeOffset.UtcNow))
            {
                case MigrationNextAction.NothingLeft:
                    cmdlet.WriteVerbose($"Migration {info.Id} is closed: the old node was removed on {info.OldNodeRemoved:yyyy-MM-dd HH:mm} UTC.");
                    cmdlet.WriteObject(info);
                    return;
                case MigrationNextAction.KeepOldNode:
                    cmdlet.WriteWarning($"Migration {info.Id} is complete; its old node {info.Source} is kept until {MigrationEngine.KeptUntil(info, DateTimeOffset.UtcNow):yyyy-MM-dd HH:mm} UTC. Run Complete-Migration after that to delete it.");
                    cmdlet.WriteObject(info);
                    return;
            }

            var (what, action) = MigrationDecisions.Deletion(info, setup);
            if (!cmdlet.ShouldProcessUnlessForced(what, action, c.Force))
            {
                return;
            }

            var settings = Settings(c, setup.Plan);
            var known = KnownHostsPath(cmdlet);
            using var held = MigrationLock.Acquire(info.Project);
            info = MigrationJournal.Load(info.JournalPath);
            cmdlet.WriteObject(cmdlet.RunEngine((reporter, token) => MigrationEngine.CompleteAsync(info, setup, settings, known, deleteNow, DateTimeOffset.UtcNow, reporter, token)));
        }

        /// <summary>The database's preconditions for -WhatIf; a node that cannot be reached is reported, not raised.</summary>
        private static System.Collections.Generic.IReadOnlyList<string> Preconditions(SshOptionsCmdlet cmdlet, NodeTarget source, NodeTarget target, MigrationPlan plan)
        {
            try
            {
                return cmdlet.RunOnPair(source, target, (s, t, reporter, token) => MigrationEngine.PreconditionsAsync(s, t, plan, reporter, token));
            }
            catch (ReleaseOpsException ex)
            {
                return new[] { $"not checked ({ex.ErrorId}): {ex.Message}" };
            }
        }
    }
}
