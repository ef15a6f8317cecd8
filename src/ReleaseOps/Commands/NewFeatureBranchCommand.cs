using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>New-FeatureBranch: feature/&lt;name&gt; from the latest develop.</summary>
    [Cmdlet(VerbsCommon.New, "FeatureBranch", SupportsShouldProcess = true)]
    [OutputType(typeof(FeatureBranch))]
    public sealed class NewFeatureBranchCommand : ReleaseOpsCmdlet
    {
        /// <summary>The feature's name, such as login-page; the branch is feature/login-page.</summary>
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
                var branch = "feature/" + BranchNames.Validate(Name, "feature", allowSubPaths: true);
                var project = ProjectLoader.Load(path).Project;

                if (!ShouldProcess(path, $"Create {branch} from {project.Remote}/{project.DevelopBranch}{(Push ? " and push it" : string.Empty)}"))
                {
                    return;
                }

                WriteObject(RunEngine((reporter, token) => FeatureBranches.CreateAsync(path, project, branch, Push, Checkout, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Name);
            }
        }
    }
}
