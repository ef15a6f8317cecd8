using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Get-Release: past releases and hotfixes, from tags on master's first-parent line.</summary>
    [Cmdlet(VerbsCommon.Get, "Release")]
    [OutputType(typeof(ReleaseInfo))]
    public sealed class GetReleaseCommand : ReleaseOpsCmdlet
    {
        /// <summary>The project's repository. The default is the current folder.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RepositoryPath")]
        public string? Path { get; set; }

        /// <summary>Only the last N releases (0 for all).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Last { get; set; } = 10;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            ForEachInput(path, () =>
            {
                foreach (var release in ReleaseHistory.List(path, ProjectLoader.Load(path).Project, Last))
                {
                    WriteObject(release);
                }
            });
        }
    }
}
