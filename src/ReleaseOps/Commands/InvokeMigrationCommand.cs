using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Invoke-Migration: moves a stack from an old node to a new one, step by step, with a journal that makes it resumable.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationInfo))]
    public sealed class InvokeMigrationCommand : MigrationCmdlet
    {
        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                var (source, target, plan) = BuildPlan();
                var journal = MigrationJournal.List(Project).FirstOrDefault(m => m.Status != "Completed" && m.Status != "RolledBack" && m.Source == source.ToString() && m.Target == target.ToString());
                var title = journal is null ? $"Migrate {Project} from {source} to {target}" : $"Resume migration {journal.Id} of {Project} from {source} to {target}";
                var describe = MigrationEngine.Describe(plan, source.ToString(), target.ToString());
                var text = PlanText(title, describe.Where((s, i) => journal is null || journal.Steps[i].State != "Done").ToList());
                if (!ShouldProcessUnlessForced($"{source} -> {target}", text, Force))
                {
                    return;
                }

                var settings = ProviderSettings.FromEnvironment();
                var result = RunOnPair(source, target, async (src, dst, reporter, token) =>
                {
                    var info = journal ?? MigrationJournal.Create(Project, source.ToString(), target.ToString(), MigrationEngine.StepNames, DateTimeOffset.UtcNow);
                    reporter.Verbose($"Journal: {info.JournalPath}");
                    var steps = MigrationEngine.Steps(src, dst, plan, settings, () => DateTimeOffset.UtcNow, reporter);
                    return await MigrationJournal.RunAsync(info, steps, () => DateTimeOffset.UtcNow, reporter, token).ConfigureAwait(false);
                });
                WriteObject(result);
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, Project));
            }
        }
    }
}
