using System;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Start-Hotfix: hotfix/&lt;name&gt; from the latest master.</summary>
    [Cmdlet(VerbsLifecycle.Start, "Hotfix", SupportsShouldProcess = true)]
    [OutputType(typeof(FeatureBranch))]
    public sealed class StartHotfixCommand : ReleaseOpsCmdlet
    {
        /// <inheritdoc />
        protected override bool StepsToInformation => true;

        /// <summary>The hotfix's name, such as login-crash; the branch is hotfix/login-crash.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The project's repository. The default is the current folder.</summary>
        [Parameter]
        public string? Path { get; set; }

        /// <summary>Pushes the branch and sets its upstream.</summary>
        [Parameter]
        public SwitchParameter Push { get; set; }

        /// <summary>Checks the branch out (the worktree must be clean).</summary>
        [Parameter]
        public SwitchParameter Checkout { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var name = BranchNames.Validate(Name, "hotfix", allowSubPaths: false);
                var project = ProjectLoader.Load(path).Project;
                if (ShouldProcess(path, $"Create hotfix/{name} from {project.Remote}/{project.ReleaseBranch}"))
                {
                    WriteObject(RunEngine((reporter, token) => FeatureBranches.CreateAsync(path, project, "hotfix/" + name, project.ReleaseBranch, Push, Checkout, reporter, token)));
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Name);
            }
        }
    }
}
