using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Complete-Migration: the process's last step. A week after the old node stopped serving, it deletes the old node
    /// (a client's server is only forgotten) and closes the migration. Before the week is over it says when, and
    /// changes nothing, so a daily scheduled task can pipe every migration into it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationInfo))]
    public sealed class CompleteMigrationCommand : MigrationCmdlet
    {
        /// <summary>The migration's id (from Get-Migration).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MigrationIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <summary>The migration's status, when it comes from Get-Migration: one that is not complete is passed over.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string? Status { get; set; }

        /// <summary>Deletes the old node before its week is over, and skips the confirmation.</summary>
        [Parameter]
        public SwitchParameter DeleteNow { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            // Get-Migration | Complete-Migration: migrations that are running, failed or undone are not this cmdlet's business.
            if (MyInvocation.ExpectingInput && Status is not null && Status != "Completed" && Status != "Closed")
            {
                WriteVerbose($"Migration {Id} is {Status}; passed over.");
                return;
            }

            try
            {
                var info = MigrationJournal.Find(Id);
                MigrationEngine.EnsureCompleted(info);
                MigrationRuns.CompleteOrReport(this, this, info, MigrationJournal.LoadSetup(info), DeleteNow);
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, Id));
            }
        }
    }
}
