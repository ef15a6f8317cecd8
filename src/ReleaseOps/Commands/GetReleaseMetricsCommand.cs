using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Get-ReleaseMetrics: the DORA measures (deployment frequency, lead time for changes, change failure rate, time to
    /// restore) and the policy violations of one or more repositories, per week, per month and overall.
    /// </summary>
    /// <remarks>The noun is plural on purpose: "metrics" is the name of the thing measured (as Measure-Object's statistics), and the issue names it so.</remarks>
    [Cmdlet(VerbsCommon.Get, "ReleaseMetrics")]
    [OutputType(typeof(ReleaseMetrics))]
    public sealed class GetReleaseMetricsCommand : ReleaseOpsCmdlet
    {
        /// <summary>The repositories. The default is the current folder.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RepositoryPath", "FullName")]
        public string[]? Path { get; set; }

        /// <summary>Measures from this date. The default is all of the history.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Measures up to this date (exclusive). The default is now.</summary>
        [Parameter]
        public DateTime? Until { get; set; }

        /// <summary>The periods: Week, Month and/or Overall. The default is Overall.</summary>
        [Parameter]
        [ValidateSet("Week", "Month", "Overall")]
        public string[] Period { get; set; } = { "Overall" };

        /// <summary>Deploy records (Deploy-ProjectStack's output); each counts for the repository that holds its commit.</summary>
        [Parameter]
        [Records(typeof(DeploymentInfo))]
        public DeploymentInfo[]? Deployment { get; set; }

        /// <summary>Migrations (Get-Migration's output); each counts for the project of its slug.</summary>
        [Parameter]
        [Records(typeof(MigrationInfo))]
        public MigrationInfo[]? Migration { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var given in Path ?? new[] { SessionState.Path.CurrentFileSystemLocation.ProviderPath })
            {
                var path = GetUnresolvedProviderPathFromPSPath(given);
                ForEachInput(path, () =>
                {
                    if (!System.IO.Directory.Exists(path))
                    {
                        throw new ReleaseOpsException(ErrorIds.ProjectPathNotFound, FailureCategory.ObjectNotFound, $"The folder '{path}' does not exist.",
                            "Pass the folder of a project's repository with -Path, or pipe folders from Get-ChildItem -Directory.", path);
                    }

                    var options = new ReleaseMetricsOptions
                    {
                        Since = Since is DateTime s ? new DateTimeOffset(s) : null,
                        Until = Until is DateTime u ? new DateTimeOffset(u) : DateTimeOffset.UtcNow,
                        Periods = Period.Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1).ToLowerInvariant()).ToArray(),
                        Deployments = Deployment ?? new DeploymentInfo[0],
                        Migrations = Migration ?? new MigrationInfo[0],
                    };
                    if (options.Since >= options.Until)
                    {
                        throw new ReleaseOpsException(ErrorIds.InvalidDateRange, FailureCategory.InvalidArgument, $"-Since ({options.Since:u}) is not before -Until ({options.Until:u}).",
                            "Give a -Since earlier than -Until.", path);
                    }

                    var project = ProjectLoader.Load(path).Project;
                    foreach (var m in RunEngine((reporter, token) => ReleaseMetricsEngine.MeasureAsync(path, project, options, reporter, token)))
                    {
                        WriteObject(m);
                    }
                });
            }
        }
    }
}
