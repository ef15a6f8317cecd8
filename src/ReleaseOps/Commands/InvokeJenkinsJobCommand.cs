using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Jenkins;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Invoke-JenkinsJob: triggers a Jenkins job and, unless -NoWait, waits for its build, streaming the console log
    /// to the information stream. A FAILURE, UNSTABLE, ABORTED or NOT_BUILT result is a non-terminating error whose
    /// target is the build, so that -ErrorAction Stop fails the caller.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "JenkinsJob", SupportsShouldProcess = true)]
    [OutputType(typeof(JenkinsBuild))]
    public sealed class InvokeJenkinsJobCommand : JenkinsCmdlet
    {
        /// <summary>The job, with its folders: folder/name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Job { get; set; } = string.Empty;

        /// <summary>The build's parameters; even an empty hashtable triggers buildWithParameters (the defaults).</summary>
        [Parameter(Position = 1)]
        public Hashtable? Parameter { get; set; }

        /// <summary>Returns once the job is queued, with State Queued and the queue item.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>How long the queue wait and the build may take together.</summary>
        [Parameter]
        [Seconds]
        [Alias("TimeoutSeconds")]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var job = JenkinsConnection.NormalizeJob(Job);
            var secrets = new HashSet<string>(StringComparer.Ordinal);
            var parameters = ToParameters(Parameter, secrets);
            var what = parameters is null ? "Trigger a build" : parameters.Count == 0 ? "Trigger a build with the default parameters"
                : "Trigger a build with " + string.Join(", ", parameters.Select(p => p.Key + "=" + (secrets.Contains(p.Key) ? JenkinsClient.SecretMark : p.Value)));
            if (!ShouldProcess($"{job} at {Connection.BaseUrl}", what))
            {
                return;
            }

            ForEachInput(job, () =>
            {
                var build = RunEngine(async (reporter, post, token) =>
                {
                    using var client = new JenkinsClient(Connection, new JenkinsWaitOptions { Timeout = Timeout });
                    var queued = await client.TriggerAsync(job, parameters, reporter, token, secrets).ConfigureAwait(false);
                    if (NoWait)
                    {
                        return queued;
                    }

                    return await client.WaitAsync(queued, line => post(() => WriteInformation(line, LogTags)), reporter, token).ConfigureAwait(false);
                });
                WriteObject(build);
                if (JenkinsClient.ResultError(build) is { } failed)
                {
                    WriteError(ToErrorRecord(failed, build));
                }
            });
        }
    }
}
