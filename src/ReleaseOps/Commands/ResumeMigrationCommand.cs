using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>Resume-Migration: finishes a stopped migration from its journal, by id; the nodes and plan come from the journal.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationInfo))]
    public sealed class ResumeMigrationCommand : MigrationCmdlet
    {
        /// <summary>The migration's id (from Get-Migration, or the error that stopped it).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MigrationIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                var (info, setup) = MigrationDecisions.Find(Id);
                MigrationRuns.Run(this, this, info.Project, info, setup);
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, Id));
            }
        }
    }
}
