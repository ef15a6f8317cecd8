using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>Get-Migration: where each migration stands, from its journal.</summary>
    [Cmdlet(VerbsCommon.Get, "Migration")]
    [OutputType(typeof(MigrationInfo))]
    public sealed class GetMigrationCommand : ReleaseOpsCmdlet
    {
        /// <summary>Only this project's migrations.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectCompleter))]
        public string? Project { get; set; }

        /// <summary>Only the migration with this id (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MigrationIdCompleter))]
        public string Id { get; set; } = "*";

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var pattern = new WildcardPattern(Id, WildcardOptions.IgnoreCase);
            ForEachInput(Project, () =>
            {
                var found = false;
                foreach (var m in MigrationJournal.List(string.IsNullOrEmpty(Project) ? null : Project))
                {
                    if (pattern.IsMatch(m.Id))
                    {
                        found = true;
                        WriteObject(m);
                    }
                }

                // As Get-Process -Id: a plain id that names no migration is an error; a wildcard that matches none is not.
                if (!found && !WildcardPattern.ContainsWildcardCharacters(Id))
                {
                    throw new ReleaseOpsException(ErrorIds.MigrationNotFound, FailureCategory.ObjectNotFound, $"There is no migration {Id} in {MigrationJournal.Directory}.",
                        "List the migrations with Get-Migration; point RELEASEOPS_MIGRATIONS at the folder that holds the journals.", Id);
                }
            });
        }
    }
}
