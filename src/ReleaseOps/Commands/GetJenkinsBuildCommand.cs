using System;
using System.Management.Automation;
using ReleaseOps.Core.Jenkins;

namespace ReleaseOps.Commands
{
    /// <summary>Get-JenkinsBuild: reads a build's status, and its console log with -IncludeLog.</summary>
    [Cmdlet(VerbsCommon.Get, "JenkinsBuild", DefaultParameterSetName = LastSet)]
    [OutputType(typeof(JenkinsBuild))]
    public sealed class GetJenkinsBuildCommand : JenkinsCmdlet
    {
        private const string LastSet = "Last";
        private const string NumberSet = "Number";

        /// <summary>The job, with its folders: folder/name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Job { get; set; } = string.Empty;

        /// <summary>The build number; a build from the pipeline that has no number yet reads the last build.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = NumberSet, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public int? Number { get; set; }

        /// <summary>The job's last build (the default).</summary>
        [Parameter(ParameterSetName = LastSet)]
        public SwitchParameter Last { get; set; }

        /// <summary>Also reads the console log into the Log property.</summary>
        [Parameter]
        public SwitchParameter IncludeLog { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var job = JenkinsConnection.NormalizeJob(Job);
            var number = ParameterSetName == NumberSet ? Number : null;
            ForEachInput(job, () =>
            {
                var build = RunEngine(async (reporter, token) =>
                {
                    // One read, not a long wait: fewer and shorter retries than Invoke-JenkinsJob.
                    using var client = new JenkinsClient(Connection, new JenkinsWaitOptions { MaxRetries = 2, RetryDelay = TimeSpan.FromSeconds(1) });
                    return await client.GetBuildAsync(job, number, IncludeLog, reporter, token).ConfigureAwait(false);
                });
                WriteObject(build);
            });
        }
    }
}
