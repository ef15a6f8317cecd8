using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Jenkins;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// The Jenkins gate. By default (JenkinsGate = 'Run') the gate triggers the job and waits for that build, as
    /// Invoke-JenkinsJob does; with 'LastBuild' in releaseops.psd1 the job's last completed build must have succeeded. Either way, a
    /// build that records its revision (the git plugin's lastBuiltRevision) must have built the develop commit being
    /// released. Credentials come from JENKINS_USER_ID (or JENKINS_USER) and JENKINS_API_TOKEN, as the Jenkins CLI
    /// reads them; the token never reaches output or errors.
    /// </summary>
    public static class JenkinsGate
    {
        /// <summary>Checks the job's last completed build.</summary>
        public static Task<ReleaseGateResult> CheckAsync(string baseUrl, string job, string developSha, IOperationReporter reporter, CancellationToken token) =>
            CheckAsync(baseUrl, job, developSha, run: false, TimeSpan.FromHours(1), reporter, token);

        /// <summary>Checks the last completed build, or (run) triggers the job and waits for its build, its log going to the verbose stream.</summary>
        public static async Task<ReleaseGateResult> CheckAsync(string baseUrl, string job, string developSha, bool run, TimeSpan timeout, IOperationReporter reporter, CancellationToken token)
        {
            if (reporter is null)
            {
                throw new ArgumentNullException(nameof(reporter));
            }

            var watch = Stopwatch.StartNew();
            var jobPath = JenkinsConnection.JobPath(job);
            JenkinsBuild build;
            try
            {
                // The URL comes from releaseops.psd1; the user and token from the environment.
                var connection = JenkinsConnection.Resolve(baseUrl, null, null);
                using var client = new JenkinsClient(connection, new JenkinsWaitOptions { MaxRetries = run ? 5 : 2, Timeout = timeout });
                if (run)
                {
                    var queued = await client.TriggerAsync(job, null, reporter, token).ConfigureAwait(false);
                    build = await client.WaitAsync(queued, line => reporter.Verbose($"[{job}] {line}"), reporter, token).ConfigureAwait(false);
                }
                else
                {
                    var json = await client.GetJsonAsync(jobPath + "lastCompletedBuild/api/json", job,
                        () => new ReleaseOpsException("JenkinsJobNotFound", FailureCategory.ObjectNotFound,
                            $"Jenkins has no job {job}, or it has no completed build.", "Check JenkinsJob in releaseops.psd1, and run the job once.", job),
                        reporter, token).ConfigureAwait(false);
                    build = JenkinsClient.ParseBuild(JenkinsConnection.NormalizeJob(job), json);
                }
            }
            catch (ReleaseOpsException ex)
            {
                throw new ReleaseOpsException(ex.ErrorId, ex.Category, ex.Message + " Nothing was released.", ex.RecommendedAction, ex.Target, ex.InnerException);
            }

            var result = build.Result;
            var built = build.Commit;
            var passed = result == "SUCCESS" && (built is null || string.Equals(built, developSha, StringComparison.OrdinalIgnoreCase));
            if (result == "SUCCESS" && built is null)
            {
                reporter.Warning($"Jenkins build #{build.Number} of {job} does not record which commit it built; its success is taken as is.");
            }

            return new ReleaseGateResult
            {
                Name = "Jenkins",
                Target = baseUrl.TrimEnd('/') + "/" + jobPath.TrimEnd('/'),
                Passed = passed,
                OutputTail = $"build #{build.Number}: {result ?? "no result"}" + (built is null ? string.Empty : $", built {built}" + (passed || result != "SUCCESS" ? string.Empty : $", not develop's {developSha}")),
                Duration = watch.Elapsed,
            };
        }
    }
}
