using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Invoke-Migration: moves a stack from an old node to a new one, step by step, with a journal that makes it
    /// resumable. The same command resumes an unfinished migration of the same project and nodes; -Resume takes a
    /// migration's id and needs nothing else, because the nodes and the plan are stored beside the journal.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PlanSet)]
    [OutputType(typeof(MigrationInfo))]
    public sealed class InvokeMigrationCommand : MigrationPlanCmdlet
    {
        private const string ResumeSet = "Resume";

        /// <summary>The id of a migration to resume (from Get-Migration, or the error that stopped it).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ResumeSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string Resume { get; set; } = string.Empty;

        /// <summary>May set wal_level = logical on the old database and restart it, so that the database moves by logical replication.</summary>
        [Parameter(ParameterSetName = PlanSet)]
        public SwitchParameter AllowDatabaseRestart { get; set; }

        /// <inheritdoc />
        protected override bool AllowRestart => AllowDatabaseRestart;

        /// <summary>
        /// The file syncs (InitialSync, FinalSync) go node to node, as Sync-NodeFile -Direct: the new node's rsync
        /// connects to the old node with a temporary key, restricted there to the new node's addresses and to rsync's
        /// sender, and removed afterwards (and by a resume or Undo-Migration after a crash).
        /// </summary>
        [Parameter(ParameterSetName = PlanSet)]
        public SwitchParameter DirectFileSync { get; set; }

        /// <summary>With -DirectFileSync: the old node's address as the new node reaches it (host, host:port or [v6]:port); default the one this machine uses.</summary>
        [Parameter(ParameterSetName = PlanSet)]
        [ValidateNotNullOrEmpty]
        public string? DirectAddress { get; set; }

        /// <summary>
        /// With -DirectFileSync: more addresses that the old node may see the new node's connections come from, added to
        /// the temporary key's from= (a NAT's public address). One IP address each.
        /// </summary>
        [Parameter(ParameterSetName = PlanSet)]
        [ValidateNotNullOrEmpty]
        public string[] DirectFrom { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The database's logical replication goes node to node: the new node's ssh to the old one forwards its 127.0.0.1
        /// to the old database, with a temporary key that the old node allows only that forward (permitopen=), from the new
        /// node's addresses, removed as soon as it has logged in. -DirectAddress and -DirectFrom apply to it too.
        /// </summary>
        [Parameter(ParameterSetName = PlanSet)]
        public SwitchParameter DirectDatabase { get; set; }

        /// <inheritdoc />
        protected override bool DirectDatabaseRelay => DirectDatabase;

        /// <inheritdoc />
        protected override bool DirectFiles => DirectFileSync;

        /// <inheritdoc />
        protected override IReadOnlyList<string> DirectFilesFrom => DirectFrom;

        /// <inheritdoc />
        protected override string? DirectFilesAddress => DirectAddress;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var project = ParameterSetName == ResumeSet ? Resume : Project;
            try
            {
                if (ParameterSetName == ResumeSet)
                {
                    var (stopped, stored) = MigrationDecisions.Find(Resume);
                    MigrationRuns.Run(this, this, stopped.Project, stopped, stored);
                    return;
                }

                var fresh = BuildSetup();
                var journal = MigrationDecisions.FindUnfinished(Project, fresh.Source(), fresh.Target());
                MigrationRuns.Run(this, this, Project, journal, MigrationDecisions.SetupFor(journal, fresh));
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, project));
            }
        }
    }
}
