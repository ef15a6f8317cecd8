using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Jenkins
{
    /// <summary>
    /// Jenkins' remote API over HttpClient: the CSRF crumb (only when Jenkins issues one; it is bound to the session
    /// cookie, which the client keeps), the trigger (201 and the queue item's Location), the queue item until its
    /// executable appears, the build, and the progressive console log (X-Text-Size, X-More-Data). Facts are in
    /// tests/contracts/jenkins. Errors are ReleaseOpsExceptions with stable ids; none contains the token.
    /// </summary>
    public sealed class JenkinsClient : IDisposable
    {
        /// <summary>What a secret parameter's value shows as.</summary>
        public const string SecretMark = "(secret)";

        /// <summary>The progress activity id of a Jenkins wait.</summary>
        public const int ProgressId = ProgressIds.Jenkins;

        private readonly HttpClient http;
        private readonly JenkinsWaitOptions options;
        private KeyValuePair<string, string>? crumb;
        private bool crumbChecked;
        private bool answered;
        private readonly List<string> secretValues = new();

        public JenkinsClient(JenkinsConnection connection, JenkinsWaitOptions? options = null)
            : this(connection, options, null)
        {
        }

        internal JenkinsClient(JenkinsConnection connection, JenkinsWaitOptions? options, HttpMessageHandler? handler)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            this.options = options ?? new JenkinsWaitOptions();
            // Redirects are not followed: the trigger's Location names the queue item, and credentials never follow a
            // redirect to another host. Cookies are kept, because the crumb is bound to the session.
            handler ??= new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = true,
                CookieContainer = new CookieContainer(),
                // Jenkins gzips log bodies over 4 KB when asked; X-Text-Size still counts the uncompressed bytes.
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
            http = new HttpClient(handler, disposeHandler: true) { BaseAddress = connection.BaseUrl, Timeout = this.options.RequestTimeout };
            var auth = connection.BasicAuthorization();
            if (auth is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", auth);
            }

            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ReleaseOps", "1.0"));
        }

        public JenkinsConnection Connection { get; }

        public void Dispose() => http.Dispose();

        /// <summary>Triggers the job and returns the queued build (State Queued, with QueueId and QueueUrl).</summary>
        /// <param name="parameters">null triggers /build; a dictionary, even an empty one, triggers /buildWithParameters.</param>
        /// <param name="secretNames">Parameters whose values are secret: they are sent, and shown nowhere (the build's Parameters say "(secret)").</param>
        public async Task<JenkinsBuild> TriggerAsync(string job, IDictionary<string, string>? parameters, IOperationReporter reporter, CancellationToken token,
            ICollection<string>? secretNames = null)
        {
            var jobPath = JenkinsConnection.JobPath(job);
            job = JenkinsConnection.NormalizeJob(job);
            await EnsureCrumbAsync(job, reporter, token).ConfigureAwait(false);
            foreach (var name in secretNames ?? Array.Empty<string>())
            {
                if (parameters is not null && parameters.TryGetValue(name, out var secret) && secret.Length > 0)
                {
                    secretValues.Add(secret);
                }
            }

            var path = jobPath + (parameters is null ? "build" : "buildWithParameters");
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent(parameters ?? new Dictionary<string, string>()),
            };
            if (crumb is { } c)
            {
                request.Headers.TryAddWithoutValidation(c.Key, c.Value);
            }

            reporter.Verbose($"POST {Connection.BaseUrl}{path}" + (parameters is null || parameters.Count == 0 ? string.Empty : " with " + string.Join(", ", parameters.Keys)));
            using var response = await SendOnceAsync(request, job, token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 404)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsJobNotFound, FailureCategory.ObjectNotFound, $"Jenkins at {Connection.BaseUrl} has no job {job}.",
                    "Check the job's name and folders (folder/name), and that the user may see it.", job);
            }

            if (status == 409)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsJobDisabled, FailureCategory.InvalidOperation, $"Jenkins refused to build {job}: the job is disabled (409).",
                    "Enable the job in Jenkins, then run the command again.", job);
            }

            ThrowIfAuthFailed(response, job, "trigger");
            var location = response.Headers.Location;
            var queueId = location is null ? null : QueueIdOf(location);
            if (queueId is null || status >= 400)
            {
                var hint = status == 500 && parameters is not null
                    ? "If the job takes no parameters, run it without -Parameter; Jenkins answers 500 to buildWithParameters on such a job."
                    : status == 400 || (status < 400 && parameters is null)
                        ? "If the job takes parameters, pass -Parameter (an empty hashtable uses their defaults)."
                        : "Check the job in Jenkins, then run the command again.";
                throw new ReleaseOpsException(ErrorIds.JenkinsTriggerFailed, FailureCategory.InvalidResult,
                    $"Jenkins did not queue {job}: it answered {status} {response.ReasonPhrase} without a queue item's Location.", hint, job);
            }

            reporter.Verbose($"{job} is queued as item {queueId}.");
            return new JenkinsBuild
            {
                Job = job,
                State = JenkinsBuildState.Queued,
                QueueId = queueId,
                QueueUrl = new Uri(Connection.BaseUrl, $"queue/item/{queueId}/").ToString(),
                Parameters = parameters is null
                    ? new Dictionary<string, string>(StringComparer.Ordinal)
                    : parameters.ToDictionary(p => p.Key, p => secretNames?.Contains(p.Key) == true ? SecretMark : p.Value, StringComparer.Ordinal),
            };
        }

        /// <summary>
        /// Waits for a queued build to start and finish, passing the console log to onLogLine line by line as it
        /// grows. Returns the finished build with its log; its result, whatever it is, is for the caller to judge.
        /// </summary>
        public async Task<JenkinsBuild> WaitAsync(JenkinsBuild queued, Action<string>? onLogLine, IOperationReporter reporter, CancellationToken token)
        {
            if (queued?.QueueId is null)
            {
                throw new ArgumentException("The build has no queue item.", nameof(queued));
            }

            var watch = Stopwatch.StartNew();
            var job = queued.Job;
            var activity = $"Jenkins {job}";
            try
            {
                var number = await WaitForExecutableAsync(queued, activity, watch, reporter, token).ConfigureAwait(false);
                reporter.Verbose($"{job} #{number} started.");
                var build = await FollowBuildAsync(job, number, onLogLine, activity, watch, reporter, token).ConfigureAwait(false);
                build.QueueId ??= queued.QueueId;
                build.QueueUrl = queued.QueueUrl;
                if (build.Parameters.Count == 0)
                {
                    build.Parameters = queued.Parameters;
                }

                foreach (var secret in queued.Parameters.Where(p => p.Value == SecretMark).Select(p => p.Key).ToList())
                {
                    build.Parameters[secret] = SecretMark;
                }

                return build;
            }
            finally
            {
                reporter.CompleteProgress(ProgressId, activity);
            }
        }

        /// <summary>Reads one build: a number, or the last build when number is null. The log only when asked for.</summary>
        public async Task<JenkinsBuild> GetBuildAsync(string job, int? number, bool includeLog, IOperationReporter reporter, CancellationToken token)
        {
            var jobPath = JenkinsConnection.JobPath(job);
            job = JenkinsConnection.NormalizeJob(job);
            var which = number is int n ? n.ToString(CultureInfo.InvariantCulture) : "lastBuild";
            var json = await GetJsonAsync(jobPath + which + "/api/json", job, () => new ReleaseOpsException(ErrorIds.JenkinsBuildNotFound, FailureCategory.ObjectNotFound,
                number is null ? $"Jenkins has no job {job}, or it has not been built yet." : $"Jenkins has no build #{number} of {job}.",
                "Check the job's name (folder/name) and the build number; old builds may have been discarded.", job), reporter, token).ConfigureAwait(false);
            var build = ParseBuild(job, json);
            if (includeLog && build.Number is int built)
            {
                // One read: all of a finished build's log, or what a running build has written so far (up to its last full line).
                var piece = await ReadLogAsync(job, jobPath, built, 0, null, reporter, token).ConfigureAwait(false);
                build.Log = piece.Text;
            }

            return build;
        }

        /// <summary>GETs a JSON document below the root, retrying transient failures; 404 becomes notFound's error.</summary>
        public async Task<JsonElement> GetJsonAsync(string path, string target, Func<ReleaseOpsException> notFound, IOperationReporter reporter, CancellationToken token)
        {
            using var response = await GetWithRetryAsync(path, target, reporter, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw notFound();
            }

            ThrowIfAuthFailed(response, target, "read");
            if (!response.IsSuccessStatusCode)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsRequestFailed, FailureCategory.InvalidResult,
                    $"Jenkins answered {(int)response.StatusCode} {response.ReasonPhrase} to GET {path}.", "Check Jenkins' log, then run the command again.", target);
            }

            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsInvalidResponse, FailureCategory.InvalidData,
                    $"Jenkins' answer to GET {path} is not JSON (is {Connection.BaseUrl} the Jenkins root URL?).", "Check -JenkinsUrl or JENKINS_URL.", target, ex);
            }
        }

        /// <summary>The error a finished build's result stands for, or null for SUCCESS (and for a build that has not finished).</summary>
        public static ReleaseOpsException? ResultError(JenkinsBuild build)
        {
            if (build is null)
            {
                throw new ArgumentNullException(nameof(build));
            }

            var which = $"{build.Job} #{build.Number}";
            var see = build.Url is null ? string.Empty : $" See {build.Url}console.";
            return build.Result switch
            {
                null or "SUCCESS" => null,
                "FAILURE" => new ReleaseOpsException(ErrorIds.JenkinsBuildFailed, FailureCategory.InvalidResult, $"{which} failed (FAILURE).{see}",
                    "Read the console log (the information stream, or Get-JenkinsBuild -IncludeLog), fix the cause, and run the job again.", build),
                "UNSTABLE" => new ReleaseOpsException(ErrorIds.JenkinsBuildUnstable, FailureCategory.InvalidResult, $"{which} is UNSTABLE (tests failed or were flaky).{see}",
                    "Read the test report in Jenkins, fix the failing tests, and run the job again.", build),
                "ABORTED" => new ReleaseOpsException(ErrorIds.JenkinsBuildAborted, FailureCategory.OperationStopped, $"{which} was aborted in Jenkins.{see}",
                    "Find out who or what aborted it (a timeout step, a newer build, a user), then run the job again.", build),
                "NOT_BUILT" => new ReleaseOpsException(ErrorIds.JenkinsBuildNotBuilt, FailureCategory.InvalidResult, $"{which} was not built (NOT_BUILT).{see}",
                    "Check the job's conditions in Jenkins, then run it again.", build),
                _ => new ReleaseOpsException(ErrorIds.JenkinsBuildFailed, FailureCategory.InvalidResult, $"{which} ended with the result {build.Result}.{see}",
                    "Read the console log, fix the cause, and run the job again.", build),
            };
        }

        internal static long? QueueIdOf(Uri location)
        {
            var segments = location.IsAbsoluteUri ? location.Segments : location.OriginalString.Split('/');
            var parts = segments.Select(s => s.Trim('/')).Where(s => s.Length > 0).ToList();
            var i = parts.LastIndexOf("item");
            return i > 0 && parts[i - 1] == "queue" && i + 1 < parts.Count && long.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }

        internal static JenkinsBuild ParseBuild(string job, JsonElement json)
        {
            var build = new JenkinsBuild
            {
                Job = job,
                Number = Int(json, "number") is long n ? (int)n : null,
                Result = Str(json, "result"),
                Building = json.TryGetProperty("building", out var b) && b.ValueKind == JsonValueKind.True,
                Url = Str(json, "url"),
                QueueId = Int(json, "queueId"),
                Duration = TimeSpan.FromMilliseconds(Int(json, "duration") ?? 0),
                Timestamp = Int(json, "timestamp") is long ms && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            };
            build.State = build.Building || build.Result is null ? JenkinsBuildState.Building : JenkinsBuildState.Completed;
            if (json.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array)
            {
                foreach (var action in actions.EnumerateArray())
                {
                    if (action.ValueKind == JsonValueKind.Object && action.TryGetProperty("lastBuiltRevision", out var revision) && Str(revision, "SHA1") is { } sha)
                    {
                        build.Commit = sha;
                    }

                    if (action.ValueKind == JsonValueKind.Object && action.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var p in ps.EnumerateArray())
                        {
                            if (Str(p, "name") is { } name && p.TryGetProperty("value", out var v))
                            {
                                build.Parameters[name] = v.ValueKind switch
                                {
                                    JsonValueKind.String => v.GetString() ?? string.Empty,
                                    JsonValueKind.True => "true",
                                    JsonValueKind.False => "false",
                                    JsonValueKind.Null => string.Empty,
                                    _ => v.GetRawText(),
                                };
                            }
                        }
                    }
                }
            }

            return build;
        }

        /// <summary>Hides the values of secret parameters in log text, as Jenkins' own masking does.</summary>
        private string Mask(string text)
        {
            foreach (var secret in secretValues)
            {
                text = text.Replace(secret, "****");
            }

            return text;
        }

        private static string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static long? Int(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
                ? v.TryGetInt64(out var l) ? l : v.TryGetDouble(out var d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : null
                : null;

        private async Task<int> WaitForExecutableAsync(JenkinsBuild queued, string activity, Stopwatch watch, IOperationReporter reporter, CancellationToken token)
        {
            var job = queued.Job;
            var path = $"queue/item/{queued.QueueId}/api/json";
            var pause = new Pause(options.MaxPollInterval);
            string? lastWhy = null;
            while (true)
            {
                CheckTimeout(watch, job, null, "waiting in the queue");
                var item = await GetJsonAsync(path, job,
                    () => new ReleaseOpsException(ErrorIds.JenkinsQueueItemExpired, FailureCategory.ObjectNotFound,
                        $"Jenkins' queue item {queued.QueueId} for {job} is gone before its build was seen to start (queue items expire about 5 minutes after their build starts, and vanish when Jenkins restarts).",
                        $"Look for the build in Jenkins ({Connection.BaseUrl}{JenkinsConnection.JobPath(job)}), or use Get-JenkinsBuild -Job {job} -Last.", queued),
                    reporter, token).ConfigureAwait(false);
                if (item.TryGetProperty("cancelled", out var cancelled) && cancelled.ValueKind == JsonValueKind.True)
                {
                    throw new ReleaseOpsException(ErrorIds.JenkinsQueueItemCancelled, FailureCategory.OperationStopped,
                        $"The queued build of {job} (queue item {queued.QueueId}) was cancelled in Jenkins before it started.",
                        "Find out who cancelled it in Jenkins, then trigger the job again.", queued);
                }

                if (item.TryGetProperty("executable", out var executable) && Int(executable, "number") is long number)
                {
                    return (int)number;
                }

                var why = Str(item, "why") ?? "waiting";
                if (why != lastWhy)
                {
                    reporter.Verbose($"{job} is queued: {why}");
                    lastWhy = why;
                }

                reporter.Progress(ProgressId, activity, $"Queued: {why}", -1);
                await pause.WaitAsync(false, token).ConfigureAwait(false);
            }
        }

        private async Task<JenkinsBuild> FollowBuildAsync(string job, int number, Action<string>? onLogLine, string activity, Stopwatch watch, IOperationReporter reporter, CancellationToken token)
        {
            var jobPath = JenkinsConnection.JobPath(job);
            var log = new StringBuilder();
            var lines = new LineSplitter(onLogLine is null ? null : line => onLogLine(Mask(line)));
            long start = 0;
            var logDone = false;
            var pause = new Pause(options.MaxPollInterval);
            var building = Stopwatch.StartNew();
            long? estimate = null;
            while (true)
            {
                CheckTimeout(watch, job, number, "building");
                var changed = false;
                if (!logDone)
                {
                    var piece = await ReadLogAsync(job, jobPath, number, start, lines, reporter, token).ConfigureAwait(false);
                    log.Append(piece.Text);
                    changed = piece.Text.Length > 0;
                    start = piece.Next;
                    // X-More-Data is absent, not "false", once the build has ended.
                    logDone = !piece.More;
                }

                if (logDone)
                {
                    var json = await GetJsonAsync($"{jobPath}{number}/api/json", job,
                        () => new ReleaseOpsException(ErrorIds.JenkinsBuildNotFound, FailureCategory.ObjectNotFound, $"Build #{number} of {job} disappeared while it was followed.",
                            "Check Jenkins' build discarder, then run the command again.", job), reporter, token).ConfigureAwait(false);
                    var build = ParseBuild(job, json);
                    if (!build.Building && build.Result is not null)
                    {
                        lines.Flush();
                        build.Log = Mask(log.ToString());
                        build.Url ??= new Uri(Connection.BaseUrl, $"{jobPath}{number}/").ToString();
                        return build;
                    }
                }
                else if (estimate is null)
                {
                    // Only to show a percentage: the first poll of the build reads how long builds usually take.
                    using var r = await GetWithRetryAsync($"{jobPath}{number}/api/json?tree=estimatedDuration", job, reporter, token).ConfigureAwait(false);
                    estimate = -1;
                    if (r.IsSuccessStatusCode)
                    {
                        try
                        {
                            using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync().ConfigureAwait(false));
                            estimate = Int(doc.RootElement, "estimatedDuration") ?? -1;
                        }
                        catch (JsonException)
                        {
                            estimate = -1;
                        }
                    }
                }

                var percent = estimate > 0 ? (int)Math.Min(99, building.ElapsedMilliseconds * 100 / estimate.Value) : -1;
                reporter.Progress(ProgressId, activity, $"Building #{number} ({(int)building.Elapsed.TotalSeconds} s)", percent);
                await pause.WaitAsync(changed, token).ConfigureAwait(false);
            }
        }

        private async Task<LogPiece> ReadLogAsync(string job, string jobPath, int number, long start, LineSplitter? lines, IOperationReporter reporter, CancellationToken token)
        {
            var path = $"{jobPath}{number}/logText/progressiveText?start={start.ToString(CultureInfo.InvariantCulture)}";
            using var response = await GetWithRetryAsync(path, job, reporter, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsBuildNotFound, FailureCategory.ObjectNotFound, $"Jenkins has no build #{number} of {job}, or no log for it.",
                    "Check the job's name and the build number.", job);
            }

            ThrowIfAuthFailed(response, job, "read the log of");
            if (!response.IsSuccessStatusCode)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsRequestFailed, FailureCategory.InvalidResult,
                    $"Jenkins answered {(int)response.StatusCode} {response.ReasonPhrase} to the console log of {job} #{number}.", "Check Jenkins' log, then run the command again.", job);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(bytes);
            var next = response.Headers.TryGetValues("X-Text-Size", out var sizes) && long.TryParse(sizes.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? size
                : start + bytes.Length;
            var more = response.Headers.TryGetValues("X-More-Data", out var flags) && flags.Any(f => string.Equals(f, "true", StringComparison.OrdinalIgnoreCase));
            if (next < start)
            {
                // "Text rolled over": Jenkins restarted the log from 0 because start was past its end.
                reporter.Warning($"The console log of {job} #{number} restarted from its beginning; some lines may repeat.");
            }

            lines?.Add(text);
            return new LogPiece(text, next, more);
        }

        private async Task EnsureCrumbAsync(string job, IOperationReporter reporter, CancellationToken token)
        {
            if (crumbChecked)
            {
                return;
            }

            using var response = await GetWithRetryAsync("crumbIssuer/api/json", job, reporter, token).ConfigureAwait(false);
            crumbChecked = true;
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                reporter.Verbose("Jenkins issues no CSRF crumb (404 from crumbIssuer); none is sent.");
                return;
            }

            ThrowIfAuthFailed(response, job, "get a CSRF crumb to trigger");
            if (!response.IsSuccessStatusCode)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsRequestFailed, FailureCategory.InvalidResult,
                    $"Jenkins answered {(int)response.StatusCode} {response.ReasonPhrase} for a CSRF crumb.", "Check Jenkins' log, then run the command again.", job);
            }

            try
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                var field = Str(doc.RootElement, "crumbRequestField") ?? "Jenkins-Crumb";
                var value = Str(doc.RootElement, "crumb");
                if (!string.IsNullOrEmpty(value))
                {
                    crumb = new KeyValuePair<string, string>(field, value!);
                    reporter.Verbose($"Jenkins issued a CSRF crumb; it is sent as {field}.");
                }
            }
            catch (JsonException ex)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsInvalidResponse, FailureCategory.InvalidData,
                    "Jenkins' crumb issuer did not answer JSON (is the URL Jenkins' root URL?).", "Check -JenkinsUrl or JENKINS_URL.", job, ex);
            }
        }

        private void ThrowIfAuthFailed(HttpResponseMessage response, string target, string what)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsAuthFailed, FailureCategory.AuthenticationError,
                    Connection.Authenticated
                        ? $"Jenkins at {Connection.BaseUrl} refused the user {Connection.User} and its API token (401) when asked to {what} {target}."
                        : $"Jenkins at {Connection.BaseUrl} requires a login (401) to {what} {target}, and no user and API token were given.",
                    "Pass -Credential (the user and an API token from the user's Jenkins settings), or set JENKINS_USER_ID and JENKINS_API_TOKEN.", target);
            }

            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsPermissionDenied, FailureCategory.PermissionDenied,
                    $"Jenkins at {Connection.BaseUrl} forbade {(Connection.Authenticated ? "the user " + Connection.User : "anonymous access")} to {what} {target} (403).",
                    Connection.Authenticated
                        ? "Give the user the Job/Build and Job/Read permissions in Jenkins."
                        : "Pass -Credential, or set JENKINS_USER_ID and JENKINS_API_TOKEN.", target);
            }
        }

        private void CheckTimeout(Stopwatch watch, string job, int? number, string doing)
        {
            if (watch.Elapsed > options.Timeout)
            {
                var which = number is int n ? $"{job} #{n}" : job;
                throw new ReleaseOpsException(ErrorIds.JenkinsTimeout, FailureCategory.OperationTimeout,
                    $"{which} was still {doing} after {(int)options.Timeout.TotalSeconds} s; it was left running in Jenkins.",
                    $"Raise -Timeout, or follow it with Get-JenkinsBuild -Job {job}" + (number is null ? " -Last." : $" -Number {number}."), job);
            }
        }

        private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string target, CancellationToken token)
        {
            try
            {
                return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(target, ex);
            }
            catch (TaskCanceledException ex) when (!token.IsCancellationRequested)
            {
                throw Unreachable(target, ex);
            }
        }

        private ReleaseOpsException Unreachable(string target, Exception ex) =>
            new(ErrorIds.JenkinsUnreachable, ex is TaskCanceledException ? FailureCategory.OperationTimeout : FailureCategory.ConnectionError,
                ex is TaskCanceledException
                    ? $"Jenkins at {Connection.BaseUrl} did not answer in {(int)options.RequestTimeout.TotalSeconds} s."
                    : $"Jenkins at {Connection.BaseUrl} did not answer: {ex.Message}",
                "Check the URL (-JenkinsUrl or JENKINS_URL) and that Jenkins runs.", target, ex);

        /// <summary>GETs with bounded retries on a lost connection, a request timeout and 502/503/504.</summary>
        private async Task<HttpResponseMessage> GetWithRetryAsync(string path, string target, IOperationReporter reporter, CancellationToken token)
        {
            for (var attempt = 0; ; attempt++)
            {
                Exception? failure = null;
                string? why = null;
                try
                {
                    var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (status is not (502 or 503 or 504))
                    {
                        answered = true;
                        return response;
                    }

                    why = $"{status} {response.ReasonPhrase}";
                    response.Dispose();
                }
                catch (HttpRequestException ex)
                {
                    failure = ex;
                    why = ex.InnerException?.Message ?? ex.Message;
                }
                catch (TaskCanceledException ex) when (!token.IsCancellationRequested)
                {
                    failure = ex;
                    why = $"no answer in {(int)options.RequestTimeout.TotalSeconds} s";
                }

                if (attempt >= options.MaxRetries)
                {
                    // Unreachable: Jenkins never answered this client. Lost: it did, and then stopped answering.
                    throw new ReleaseOpsException(answered ? ErrorIds.JenkinsConnectionLost : ErrorIds.JenkinsUnreachable, FailureCategory.ConnectionError,
                        !answered
                            ? $"Jenkins at {Connection.BaseUrl} did not answer ({attempt + 1} tries): {why}."
                            : $"Lost the connection to Jenkins at {Connection.BaseUrl}: {attempt + 1} tries in a row failed ({why}).",
                        "Check that Jenkins runs and is reachable (-JenkinsUrl or JENKINS_URL); a build that was started goes on in Jenkins: follow it with Get-JenkinsBuild.", target, failure);
                }

                reporter.Warning($"Jenkins did not answer ({why}); retrying in {(int)options.RetryDelay.TotalMilliseconds} ms ({attempt + 1} of {options.MaxRetries}).");
                await Task.Delay(options.RetryDelay, token).ConfigureAwait(false);
            }
        }

        private readonly struct LogPiece
        {
            public LogPiece(string text, long next, bool more)
            {
                Text = text;
                Next = next;
                More = more;
            }

            public string Text { get; }

            public long Next { get; }

            public bool More { get; }
        }

        /// <summary>Polls fast at first and while things change, then backs off to the longest pause.</summary>
        private sealed class Pause
        {
            private readonly TimeSpan max;
            private TimeSpan current = TimeSpan.FromMilliseconds(100);

            public Pause(TimeSpan max) => this.max = max;

            public Task WaitAsync(bool changed, CancellationToken token)
            {
                current = changed ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, current.TotalMilliseconds * 1.5));
                return Task.Delay(current, token);
            }
        }

        /// <summary>Cuts log text into lines; a partial last line waits for its end (or for the build's end).</summary>
        private sealed class LineSplitter
        {
            private readonly Action<string>? onLine;
            private readonly StringBuilder pending = new();

            public LineSplitter(Action<string>? onLine) => this.onLine = onLine;

            public void Add(string text)
            {
                if (onLine is null)
                {
                    return;
                }

                pending.Append(text);
                var all = pending.ToString();
                var end = all.LastIndexOf('\n');
                if (end < 0)
                {
                    return;
                }

                foreach (var line in all.Substring(0, end).Split('\n'))
                {
                    onLine(line.TrimEnd('\r'));
                }

                pending.Clear().Append(all.Substring(end + 1));
            }

            public void Flush()
            {
                if (onLine is not null && pending.Length > 0)
                {
                    onLine(pending.ToString().TrimEnd('\r'));
                    pending.Clear();
                }
            }
        }
    }
}
