using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Undo-Migration: returns a migration's traffic and stack to the old node.</summary>
    [Cmdlet(VerbsCommon.Undo, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PlanSet)]
    [OutputType(typeof(MigrationInfo))]
    // Four levels (MigrationPlanCmdlet, MigrationCmdlet, SshOptionsCmdlet, ReleaseOpsCmdlet), one over the house's
    // three: the plan's parameters and the migration's credentials are both shared with other cmdlets, and flattening
    // them needs the engine decisions of MigrationCmdlet (RunMigration, CompleteOrReport) moved to Core first.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Maintainability", "CA1501:Avoid excessive inheritance", Justification = "See the comment above; issue 19 leaves this one open.")]
    public sealed class UndoMigrationCommand : MigrationPlanCmdlet
    {
        private const string IdSet = "Id";

        /// <summary>The id of the migration to undo (from Get-Migration); its nodes and plan come from its journal.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MigrationIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                MigrationInfo journal;
                MigrationSetup setup;
                if (ParameterSetName == IdSet)
                {
                    (journal, setup) = FindWithSetup(Id);
                }
                else
                {
                    setup = BuildSetup();
                    var (source, target) = (setup.Source().ToString(), setup.Target().ToString());
                    journal = MigrationJournal.List(Project).FirstOrDefault(m => m.Status is not MigrationStatus.RolledBack and not MigrationStatus.Closed && m.Source == source && m.Target == target)
                        ?? throw new ReleaseOpsException(ErrorIds.MigrationNotFound, FailureCategory.ObjectNotFound, $"There is no migration of {Project} from {source} to {target} to undo.",
                            "List the migrations with Get-Migration; give the same -Source and -Target as Invoke-Migration, or the migration's -Id.", Project);
                }

                if (journal.Status is MigrationStatus.RolledBack or MigrationStatus.Closed)
                {
                    throw new ReleaseOpsException(ErrorIds.MigrationNotUndoable, FailureCategory.InvalidOperation,
                        $"Migration {journal.Id} is {journal.Status}: {(journal.Status == MigrationStatus.Closed ? "its old node is deleted" : "it is already undone")}.",
                        "Nothing to undo; start a new migration with Invoke-Migration if the stack should move.", journal.Id);
                }

                var node = setup.Source();
                var done = string.Join(", ", journal.Steps.Where(s => s.State != MigrationStepState.Pending).Select(s => s.Name));
                if (!ShouldProcessUnlessForced($"{node} <- {setup.Target()}",
                    $"Undo migration {journal.Id} (steps run: {(done.Length == 0 ? "none" : done)}): remove the redirect, point the DNS names back at {setup.SourceAddress}, start the old stack", Force))
                {
                    return;
                }

                var settings = MigrationSettings(setup.Plan);
                var options = ConnectOptions();
                using var held = MigrationLock.Acquire(journal.Project);
                journal = MigrationJournal.Load(journal.JournalPath);
                var result = RunEngine(async (reporter, token) =>
                {
                    using var session = await NodeConnector.ConnectAsync(node.HostName, options.With(o =>
                    {
                        o.Port = node.Port ?? options.Port;
                        o.User = node.User ?? options.User;
                    }), reporter, token).ConfigureAwait(false);
                    return await MigrationEngine.UndoAsync(journal, session, setup.Plan, setup.SourceAddress, settings, reporter, token).ConfigureAwait(false);
                });
                WriteObject(result);
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, ParameterSetName == IdSet ? Id : Project));
            }
        }
    }
}
