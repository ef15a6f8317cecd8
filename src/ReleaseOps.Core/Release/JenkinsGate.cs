using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// The Jenkins gate: the job's last completed build must have succeeded, on the develop commit being released when
    /// the build records its revision (the git plugin's lastBuiltRevision). Credentials come from JENKINS_USER and
    /// JENKINS_API_TOKEN, as the Jenkins CLI reads them; the token never reaches output or errors.
    /// </summary>
    public static class JenkinsGate
    {
        public static async Task<ReleaseGateResult> CheckAsync(string baseUrl, string job, string developSha, IOperationReporter reporter, CancellationToken token)
        {
            var watch = Stopwatch.StartNew();
            var jobPath = string.Join("/", job.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Select(j => "job/" + Uri.EscapeDataString(j)));
            var url = baseUrl.TrimEnd('/') + "/" + jobPath + "/lastCompletedBuild/api/json";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var user = Environment.GetEnvironmentVariable("JENKINS_USER");
            var apiToken = Environment.GetEnvironmentVariable("JENKINS_API_TOKEN");
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(apiToken))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + apiToken)));
            }

            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(new Uri(url), token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new ReleaseOpsException("JenkinsUnreachable", FailureCategory.ConnectionError, $"Jenkins at {baseUrl} did not answer: {ex.Message}. Nothing was released.",
                    "Check JenkinsUrl in releaseops.psd1 and that Jenkins runs.", baseUrl, ex);
            }
            catch (TaskCanceledException ex) when (!token.IsCancellationRequested)
            {
                throw new ReleaseOpsException("JenkinsUnreachable", FailureCategory.OperationTimeout, $"Jenkins at {baseUrl} did not answer in 30 s. Nothing was released.",
                    "Check JenkinsUrl in releaseops.psd1 and that Jenkins runs.", baseUrl, ex);
            }

            using (response)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw new ReleaseOpsException("JenkinsAuthFailed", FailureCategory.AuthenticationError,
                        $"Jenkins refused the request for {job} ({(int)response.StatusCode}). Nothing was released.",
                        "Set JENKINS_USER and JENKINS_API_TOKEN (an API token from the user's Jenkins settings).", job);
                }

                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new ReleaseOpsException("JenkinsJobNotFound", FailureCategory.ObjectNotFound,
                        $"Jenkins has no job {job}, or it has no completed build. Nothing was released.", "Check JenkinsJob in releaseops.psd1, and run the job once.", job);
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new ReleaseOpsException("JenkinsUnreachable", FailureCategory.ConnectionError,
                        $"Jenkins answered {(int)response.StatusCode} for {job}. Nothing was released.", "Check Jenkins, then run Start-Release again.", job);
                }

                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var result = root.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                var number = root.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0;
                string? built = null;
                if (root.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array)
                {
                    foreach (var a in actions.EnumerateArray())
                    {
                        if (a.ValueKind == JsonValueKind.Object && a.TryGetProperty("lastBuiltRevision", out var rev) && rev.TryGetProperty("SHA1", out var sha))
                        {
                            built = sha.GetString();
                        }
                    }
                }

                var passed = result == "SUCCESS" && (built is null || string.Equals(built, developSha, StringComparison.OrdinalIgnoreCase));
                if (result == "SUCCESS" && built is null)
                {
                    reporter.Warning($"Jenkins build #{number} of {job} does not record which commit it built; its success is taken as is.");
                }

                return new ReleaseGateResult
                {
                    Name = "Jenkins",
                    Target = baseUrl.TrimEnd('/') + "/" + jobPath,
                    Passed = passed,
                    OutputTail = $"build #{number}: {result ?? "no result"}" + (built is null ? string.Empty : $", built {built}" + (passed || result != "SUCCESS" ? string.Empty : $", not develop's {developSha}")),
                    Duration = watch.Elapsed,
                };
            }
        }
    }
}
