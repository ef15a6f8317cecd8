using System.Management.Automation;
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
        public string? Project { get; set; }

        /// <summary>Only the migration with this id (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        public string Id { get; set; } = "*";

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var pattern = new WildcardPattern(Id, WildcardOptions.IgnoreCase);
            ForEachInput(Project, () =>
            {
                foreach (var m in MigrationJournal.List(string.IsNullOrEmpty(Project) ? null : Project))
                {
                    if (pattern.IsMatch(m.Id))
                    {
                        WriteObject(m);
                    }
                }
            });
        }
    }
}
