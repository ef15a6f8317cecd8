using System;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>New-FeatureBranch: feature/&lt;name&gt; from the latest develop.</summary>
    [Cmdlet(VerbsCommon.New, "FeatureBranch", SupportsShouldProcess = true)]
    [OutputType(typeof(FeatureBranch))]
    public sealed class NewFeatureBranchCommand : ReleaseOpsCmdlet
    {
        private static readonly Regex NamePattern = new("^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$", RegexOptions.CultureInvariant);

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
                var name = Name.Trim();
                if (name.StartsWith("feature/", StringComparison.Ordinal))
                {
                    name = name.Substring("feature/".Length);
                }

                var branch = "feature/" + name;
                if (!NamePattern.IsMatch(name) || ProjectSettings.GitRefProblem(branch) is not null)
                {
                    throw new ReleaseOpsException("InvalidBranchName", FailureCategory.InvalidArgument,
                        $"'{Name}' is not a valid feature name{(ProjectSettings.GitRefProblem(branch) is string why ? ": " + why : string.Empty)}.",
                        "Use lower-case words joined by hyphens, such as login-page or jira-123-export.", Name);
                }

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
