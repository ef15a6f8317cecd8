using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Test-ReleasePolicy: audits master's history against the release process.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "ReleasePolicy")]
    [OutputType(typeof(ReleasePolicyFinding))]
    public sealed class TestReleasePolicyCommand : ReleaseOpsCmdlet
    {
        /// <summary>The project's repository. The default is the current folder.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RepositoryPath")]
        public string? Path { get; set; }

        /// <summary>Audits the history since this date. The default is 90 days ago.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Audits the history since the Nth most recent release instead of a date.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int LastReleases { get; set; }

        /// <summary>Makes any Error finding a terminating error (ReleasePolicyViolated), for a CI gate.</summary>
        [Parameter]
        public SwitchParameter FailOnViolation { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var project = ProjectLoader.Load(path).Project;
                var since = Since is DateTime d ? new DateTimeOffset(d) : DateTimeOffset.Now.AddDays(-90);
                string? stop = null;
                if (LastReleases > 0)
                {
                    // Back to (not including) the release before the last N, so that those N releases are all audited.
                    var releases = ReleaseHistory.List(path, project, LastReleases + 1);
                    since = DateTimeOffset.MinValue;
                    stop = releases.Count > LastReleases ? releases[LastReleases].Commit : null;
                }

                var findings = ReleaseHistory.Audit(path, project, since, stop);
                foreach (var f in findings)
                {
                    WriteObject(f);
                }

                var errors = findings.Count(f => f.Severity == "Error");
                if (FailOnViolation && errors > 0)
                {
                    throw new ReleaseOpsException(ErrorIds.ReleasePolicyViolated, FailureCategory.InvalidData,
                        $"{errors} commit(s) on master break the release process: {string.Join("; ", findings.Where(f => f.Severity == "Error").Take(3).Select(f => f.Rule + " " + f.Commit.Substring(0, 10)))}.",
                        "Merge into develop, never into master; use Start-Hotfix and Complete-Hotfix for urgent fixes.", path);
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, path);
            }
        }
    }
}
