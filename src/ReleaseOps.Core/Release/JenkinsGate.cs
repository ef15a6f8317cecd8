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
        /// <summary>
        /// The Jenkins URL the gate may send the admin's credentials to: the admin's own (the argument, else JENKINS_URL).
        /// releaseops.psd1 comes from develop, so a JenkinsUrl there only names the server; one that differs from the
        /// admin's is JenkinsUrlMismatch, and one without an admin URL is JenkinsUrlUntrusted.
        /// </summary>
        public static string TrustedUrl(string? adminUrl, string? projectUrl, string? settingsPath)
        {
            var admin = string.IsNullOrWhiteSpace(adminUrl) ? Environment.GetEnvironmentVariable(JenkinsConnection.UrlVariable) : adminUrl;
            if (string.IsNullOrWhiteSpace(admin))
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsUrlUntrusted, FailureCategory.SecurityError,
                    string.IsNullOrWhiteSpace(projectUrl)
                        ? "releaseops.psd1 names a JenkinsJob, but no Jenkins URL was given: neither -JenkinsUrl nor JENKINS_URL is set."
                        : $"releaseops.psd1 names the Jenkins server {projectUrl}, but it comes from the repository (whoever pushes to develop writes it), and the Jenkins credentials are not sent to a server that only the repository names.",
                    "Pass Start-Release -JenkinsUrl https://jenkins.example.com/, or set JENKINS_URL (Jenkins sets it for its own jobs).", settingsPath);
            }

            var adminRoot = JenkinsConnection.Resolve(admin, null, null, _ => null).BaseUrl;
            if (!string.IsNullOrWhiteSpace(projectUrl))
            {
                Uri projectRoot;
                try
                {
                    projectRoot = JenkinsConnection.Resolve(projectUrl, null, null, _ => null).BaseUrl;
                }
                catch (ReleaseOpsException ex)
                {
                    throw new ReleaseOpsException(ErrorIds.JenkinsUrlMismatch, FailureCategory.SecurityError,
                        $"releaseops.psd1 names the Jenkins server '{projectUrl}', which is not the admin's {adminRoot}.",
                        "Make JenkinsUrl in releaseops.psd1 name the same server as -JenkinsUrl or JENKINS_URL, or remove it from releaseops.psd1.", settingsPath, ex);
                }

                if (Uri.Compare(projectRoot, adminRoot, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                {
                    throw new ReleaseOpsException(ErrorIds.JenkinsUrlMismatch, FailureCategory.SecurityError,
                        $"releaseops.psd1 names the Jenkins server {projectRoot}, but the admin's is {adminRoot} (-JenkinsUrl or JENKINS_URL). The file comes from develop, so the credentials go only to the admin's server.",
                        "Make JenkinsUrl in releaseops.psd1 name the same server as -JenkinsUrl or JENKINS_URL, or remove it from releaseops.psd1.", settingsPath);
                }
            }

            return adminRoot.ToString();
        }

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
                // The URL is the admin's (TrustedUrl); the user and token come from the environment.
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
                        () => new ReleaseOpsException(ErrorIds.JenkinsJobNotFound, FailureCategory.ObjectNotFound,
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
