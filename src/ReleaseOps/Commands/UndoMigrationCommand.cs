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
                    (journal, setup) = MigrationDecisions.Find(Id);
                }
                else
                {
                    setup = BuildSetup();
                    journal = MigrationDecisions.FindUndoable(Project, setup.Source(), setup.Target());
                }

                var node = setup.Source();
                if (!ShouldProcessUnlessForced($"{node} <- {setup.Target()}", MigrationDecisions.UndoPlan(journal, setup), Force))
                {
                    return;
                }

                var settings = MigrationRuns.Settings(this, setup.Plan);
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
