using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Jenkins
{
    /// <summary>
    /// the process (about_ReleaseOps)'s last bootstrap step, "Run your Jenkins job to test the software works": Initialize-Node -TestJob
    /// runs the job for each bootstrapped node, with the parameters NODE (the node's name) and NODE_HOST (the address
    /// SSH used), and reports the outcome as one more step.
    /// </summary>
    public static class JenkinsTestJob
    {
        public const string NodeParameter = "NODE";
        public const string HostParameter = "NODE_HOST";

        /// <summary>The step's name in the results.</summary>
        public static string StepName(string job) => "Jenkins job " + JenkinsConnection.NormalizeJob(job);

        /// <summary>Runs the job for one node and returns the step: Passed, or Failed with the result and the build's URL.</summary>
        public static async Task<NodeStepResult> RunAsync(JenkinsConnection connection, string job, string nodeName, string hostName, TimeSpan timeout,
            Action<string>? onLogLine, IOperationReporter reporter, CancellationToken token)
        {
            var step = new NodeStepResult { HostName = hostName, Step = StepName(job) };
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { [NodeParameter] = nodeName, [HostParameter] = hostName };
            try
            {
                using var client = new JenkinsClient(connection, new JenkinsWaitOptions { Timeout = timeout });
                var queued = await client.TriggerAsync(job, parameters, reporter, token).ConfigureAwait(false);
                var build = await client.WaitAsync(queued, onLogLine, reporter, token).ConfigureAwait(false);
                step.Status = build.Result == "SUCCESS" ? StepStatus.Passed : StepStatus.Failed;
                step.Detail = $"#{build.Number} {build.Result} with {NodeParameter}={nodeName}: {build.Url}";
            }
            catch (ReleaseOpsException ex)
            {
                step.Status = StepStatus.Failed;
                step.Detail = $"{ex.ErrorId}: {ex.Message} {ex.RecommendedAction}";
            }

            return step;
        }
    }
}
