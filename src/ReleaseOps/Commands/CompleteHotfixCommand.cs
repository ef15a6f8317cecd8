using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Complete-Hotfix: merges hotfix/&lt;name&gt; into master with a patch release, and back into develop.</summary>
    [Cmdlet(VerbsLifecycle.Complete, "Hotfix", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseInfo))]
    public sealed class CompleteHotfixCommand : ReleaseOpsCmdlet
    {
        /// <inheritdoc />
        protected override bool StepsToInformation => true;

        /// <summary>The hotfix's name (hotfix/&lt;name&gt;).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The project's repository. The default is the current folder.</summary>
        [Parameter]
        public string? Path { get; set; }

        /// <summary>Breaks another release's lock.</summary>
        [Parameter]
        public SwitchParameter BreakLock { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var name = BranchNames.Validate(Name, "hotfix", allowSubPaths: false);
                var project = ProjectLoader.Load(path).Project;
                var check = !ShouldProcess(path, $"Merge hotfix/{name} into {project.ReleaseBranch} with a patch release tag, merge it back into {project.DevelopBranch} (or push backmerge/{name} for a pull request), and push");
                WriteObject(RunEngine((reporter, token) => HotfixEngine.CompleteAsync(path, project, name, BreakLock, check, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Name);
            }
        }
    }
}
