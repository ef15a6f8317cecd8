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

        /// <summary>Makes any Error finding a terminating error (ReleasePolicyViolated), for a CI gate.</summary>
        [Parameter]
        public SwitchParameter FailOnViolation { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var since = Since is DateTime d ? new DateTimeOffset(d) : DateTimeOffset.Now.AddDays(-90);
                var findings = ReleaseHistory.Audit(path, ProjectLoader.Load(path).Project, since);
                foreach (var f in findings)
                {
                    WriteObject(f);
                }

                var errors = findings.Count(f => f.Severity == "Error");
                if (FailOnViolation && errors > 0)
                {
                    throw new ReleaseOpsException("ReleasePolicyViolated", FailureCategory.InvalidData,
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
