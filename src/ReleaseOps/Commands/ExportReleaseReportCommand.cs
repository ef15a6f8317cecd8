using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Export-ReleaseReport: one self-contained HTML page (SVG charts, light and dark, printable) from the Overall rows
    /// of Get-ReleaseMetrics, with a row and a section of charts per project.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ReleaseReport", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseReportInfo))]
    public sealed class ExportReleaseReportCommand : ReleaseOpsCmdlet
    {
        private readonly List<ReleaseMetrics> input = new();

        /// <summary>The HTML file to write. An existing file is replaced (atomically).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Get-ReleaseMetrics' output; its Overall rows make the page, one per project.</summary>
        [Parameter(ValueFromPipeline = true)]
        public ReleaseMetrics[]? InputObject { get; set; }

        /// <summary>The page's title. The default is "Release insights".</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "Release insights";

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputObject is not null)
            {
                input.AddRange(InputObject.Where(m => m is not null));
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                var projects = input.Where(m => string.Equals(m.Period, "Overall", StringComparison.OrdinalIgnoreCase)).ToList();
                if (projects.Count == 0)
                {
                    throw new ReleaseOpsException(ErrorIds.NoReleaseMetrics, FailureCategory.InvalidArgument,
                        input.Count == 0 ? "No release metrics came in, so there is nothing to report." : "None of the release metrics that came in is an Overall row, and the page is made of those.",
                        "Pipe Get-ReleaseMetrics into Export-ReleaseReport (with -Period Overall, the default, among its periods).", path);
                }

                var info = new ReleaseReportInfo { Path = path, Projects = projects.Select(m => m.Project).ToList(), Charts = ReleaseReport.ChartIds(projects), Status = FileWriteStatus.WouldWrite };
                if (!ShouldProcess(path, $"Write the release report of {string.Join(", ", info.Projects)}"))
                {
                    WriteObject(info);
                    return;
                }

                var html = ReleaseReport.Render(projects, Title, DateTimeOffset.UtcNow);
                info.Length = ReleaseReport.Write(path, html);
                info.Status = FileWriteStatus.Written;
                WriteObject(info);
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, path);
            }
        }
    }
}
