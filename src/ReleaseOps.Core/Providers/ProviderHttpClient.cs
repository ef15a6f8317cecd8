using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// HTTP to a provider's REST API. It authenticates every request, retries rate limits (429, honouring
    /// retry-after and ratelimit-reset) and server errors with backoff through Polly, and turns every failure into
    /// a ReleaseOpsException that names the provider, the request and its id. A POST that may have reached the
    /// provider is not retried on a 5xx or a timeout: the caller decides (looking up what was created first).
    /// Tokens are set in headers only and never appear in a message.
    /// </summary>
    public sealed class ProviderHttpClient : IDisposable
    {
        private static readonly HttpMessageHandler SharedHandler = CreateHandler();
        private readonly HttpClient http;
        private readonly Action<HttpRequestHeaders> authorize;
        private readonly RetrySettings retry;
        private readonly IOperationReporter reporter;
        private readonly ConcurrentQueue<string> log = new();
        private readonly string credentialHint;
        private int requests;

        public ProviderHttpClient(string provider, Uri baseUri, Action<HttpRequestHeaders> authorize, IOperationReporter reporter, RetrySettings? retry = null, string? credentialHint = null)
        {
            this.credentialHint = credentialHint ?? "the provider's environment variables";
            Provider = provider;
            BaseUri = baseUri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
            this.authorize = authorize;
            this.reporter = reporter;
            this.retry = retry ?? RetrySettings.Default;
            http = new HttpClient(SharedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        }

        /// <summary>The provider's name, for messages.</summary>
        public string Provider { get; }

        /// <summary>The API's base address.</summary>
        public Uri BaseUri { get; }

        /// <summary>HTTP requests sent so far, retries included.</summary>
        public int RequestCount => Volatile.Read(ref requests);

        /// <summary>Each request sent, as "METHOD path status".</summary>
        public IReadOnlyList<string> RequestLog => log.ToArray();

        /// <summary>Sends a request and returns the answer; a status outside 2xx and <paramref name="accept"/> throws.</summary>
        /// <param name="unsafeToRepeat">True for a POST that creates something: a 5xx or timeout is then not retried.</param>
        public async Task<ProviderResponse> SendAsync(HttpMethod method, string path, object? body, CancellationToken token, bool unsafeToRepeat = false, params int[] accept)
        {
            var describe = $"{method} {StripQuery(path)}";
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = Math.Max(1, retry.MaxRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = retry.BaseDelay,
                    MaxDelay = retry.MaxDelay,
                    ShouldHandle = args => new ValueTask<bool>(retry.MaxRetries > 0 && ShouldRetry(args.Outcome, unsafeToRepeat, token)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(ProviderDelay(args.Outcome.Result)),
                    OnRetry = args =>
                    {
                        var why = args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name;
                        reporter.Verbose($"{Provider} answered {why} to {describe}; retry {args.AttemptNumber + 1} of {retry.MaxRetries} in {args.RetryDelay.TotalSeconds:0.0} s.");
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                })
                .Build();

            HttpResponseMessage response;
            try
            {
                response = await pipeline.ExecuteAsync(async ct => await SendOnceAsync(method, path, body, describe, ct).ConfigureAwait(false), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderTimeout, FailureCategory.OperationTimeout,
                    $"{Provider} did not answer {describe} within {retry.RequestTimeout.TotalSeconds:0} s.",
                    unsafeToRepeat ? "The request may have taken effect. Run the same command again: it finds what was created before creating anything." : "Check the provider's status page and run the command again.", describe);
            }
            catch (HttpRequestException ex)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderUnreachable, FailureCategory.ConnectionError,
                    $"{Provider} could not be reached at {BaseUri.GetLeftPart(UriPartial.Authority)} for {describe}: {ex.Message}",
                    "Check the network, a proxy, or the endpoint override; then run the command again.", describe);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var headers = response.Headers.Concat(response.Content.Headers)
                    .GroupBy(h => h.Key.ToLowerInvariant())
                    .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                JsonElement? json = null;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    try
                    {
                        using var doc = JsonDocument.Parse(text);
                        json = doc.RootElement.Clone();
                    }
                    catch (JsonException) when (status >= 400)
                    {
                        // An HTML error page from a proxy; the status says enough.
                    }
                    catch (JsonException ex)
                    {
                        throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult,
                            $"{Provider} answered {describe} with a body that is not JSON ({ex.Message}).", "Check the endpoint override points at the provider's API; retry later.", describe);
                    }
                }

                var requestId = RequestIdOf(headers, json);
                if ((status >= 200 && status < 300) || accept.Contains(status))
                {
                    return new ProviderResponse(status, json, headers, requestId);
                }

                throw Failure(status, describe, json, requestId, unsafeToRepeat);
            }
        }

        /// <summary>Sends a GET and returns the body.</summary>
        public async Task<JsonElement> GetAsync(string path, CancellationToken token) => (await SendAsync(HttpMethod.Get, path, null, token).ConfigureAwait(false)).Body;

        /// <inheritdoc />
        public void Dispose() => http.Dispose();

        /// <summary>Reads a string property, or null.</summary>
        public static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

        /// <summary>Reads a property that must be there, or throws ProviderInvalidResponse.</summary>
        public JsonElement Need(JsonElement e, string name, string what)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
            {
                return v;
            }

            throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult,
                $"{Provider}'s answer for {what} has no '{name}'.", "The API may have changed or a proxy answered; check the endpoint and retry.", what);
        }

        private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, object? body, string describe, CancellationToken token)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(retry.RequestTimeout);
            var target = new Uri(BaseUri, path.TrimStart('/'));
            for (var hops = 0; ; hops++)
            {
                using var request = new HttpRequestMessage(method, target);
                authorize(request.Headers);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ReleaseOps", "1.0"));
                if (body is RawContent raw)
                {
                    request.Content = new StringContent(raw.Text, Encoding.UTF8, raw.MediaType);
                }
                else if (body is not null)
                {
                    request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
                }

                Interlocked.Increment(ref requests);
                reporter.Debug($"{Provider}: {describe}");
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                log.Enqueue($"{method} {StripQuery(path)} {(int)response.StatusCode}");
                var next = RedirectTarget(response, target, method, describe, hops);
                if (next is null)
                {
                    return response;
                }

                response.Dispose();
                target = next;
            }
        }

        /// <summary>
        /// Redirects are followed by hand, and only within the API's own origin (scheme, host and port): the request
        /// carries the provider's credentials (Authorization, X-Auth-Token), which must never reach another host. A
        /// redirect elsewhere is ProviderRedirectRefused; only a GET follows 301, 302 and 303, and 307 and 308 keep
        /// the method and body.
        /// </summary>
        private Uri? RedirectTarget(HttpResponseMessage response, Uri from, HttpMethod method, string describe, int hops)
        {
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return null;
            }

            var to = location.IsAbsoluteUri ? location : new Uri(from, location);
            var sameOrigin = Uri.Compare(to, BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
            if (!sameOrigin)
            {
                response.Dispose();
                throw new ReleaseOpsException(ErrorIds.ProviderRedirectRefused, FailureCategory.SecurityError,
                    $"{Provider} answered {describe} with {status}, a redirect to {to.GetLeftPart(UriPartial.Authority)}, another host than {BaseUri.GetLeftPart(UriPartial.Authority)}; it was not followed, so the credentials were not sent there.",
                    "Check the endpoint override (or a proxy that rewrites the API's answers): it must be the provider's API itself.", describe);
            }

            if (hops >= 5 || (status is 301 or 302 or 303 && method != HttpMethod.Get))
            {
                response.Dispose();
                throw new ReleaseOpsException(ErrorIds.ProviderRedirectRefused, FailureCategory.InvalidResult,
                    $"{Provider} answered {describe} with {status} to {to.AbsolutePath}{(hops >= 5 ? " after 5 redirects" : ", which a " + method + " does not follow")}.",
                    "Check the endpoint override: it must be the API's base address.", describe);
            }

            return to;
        }

        private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, bool unsafeToRepeat, CancellationToken token)
        {
            if (token.IsCancellationRequested)
            {
                return false;
            }

            if (outcome.Exception is HttpRequestException ex)
            {
                // A refused connection never reached the provider; anything else may have.
                return !unsafeToRepeat || ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            }

            if (outcome.Exception is OperationCanceledException)
            {
                return !unsafeToRepeat;
            }

            if (outcome.Result is not { } response)
            {
                return false;
            }

            var status = (int)response.StatusCode;
            return status == 429 || (status >= 500 && status != 501 && !unsafeToRepeat);
        }

        private TimeSpan? ProviderDelay(HttpResponseMessage? response)
        {
            if (response is null)
            {
                return null;
            }

            TimeSpan? wait = null;
            if (response.Headers.RetryAfter is { } after)
            {
                wait = after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            }
            else if (response.Headers.TryGetValues("ratelimit-reset", out var values) &&
                     long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
            {
                // DigitalOcean: the Unix time at which the window resets. A small number is a delta, as in the IETF draft.
                wait = reset > 1_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(reset) - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(reset);
            }

            if (wait is null)
            {
                return null;
            }

            if (wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }

            return wait > retry.MaxDelay ? retry.MaxDelay : wait;
        }

        private ReleaseOpsException Failure(int status, string describe, JsonElement? json, string? requestId, bool unsafeToRepeat)
        {
            var exception = Classify(status, describe, json, requestId, unsafeToRepeat);
            exception.ProviderCode = ProviderCodeOf(json);
            return exception;
        }

        /// <summary>
        /// The provider's error code, from the field each API documents for it: DigitalOcean's <c>id</c>, Scaleway's
        /// <c>type</c>, Cloudflare's <c>errors[].code</c> (the first).
        /// </summary>
        public static string? ProviderCodeOf(JsonElement? json)
        {
            if (json is not { ValueKind: JsonValueKind.Object } e)
            {
                return null;
            }

            if (e.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0 && Str(errors[0], "code") is { } code)
            {
                return code;
            }

            return Str(e, "type") ?? Str(e, "id");
        }

        private ReleaseOpsException Classify(int status, string describe, JsonElement? json, string? requestId, bool unsafeToRepeat)
        {
            var detail = ErrorText(json);
            var id = requestId is null ? string.Empty : $" (request id {requestId})";
            var code = ProviderCodeOf(json);
            var what = $"{Provider} answered {status} to {describe}{id}{(detail.Length > 0 ? ": " + detail : ".")}{(code is null ? string.Empty : $" (error {code})")}";
            var type = json is { ValueKind: JsonValueKind.Object } j ? (Str(j, "type") ?? Str(j, "id") ?? string.Empty) : string.Empty;
            if (status == 401 || type == "denied_authentication" || type == "unauthorized")
            {
                return new ReleaseOpsException(ErrorIds.ProviderAuthenticationFailed, FailureCategory.AuthenticationError, what,
                    $"Check the {Provider} credentials ({credentialHint}); the token may be wrong, expired or revoked.", describe);
            }

            if (type.IndexOf("quota", StringComparison.Ordinal) >= 0 || (detail.IndexOf("limit", StringComparison.OrdinalIgnoreCase) >= 0 && status is 403 or 422))
            {
                return new ReleaseOpsException(ErrorIds.ProviderQuotaExceeded, FailureCategory.LimitsExceeded, what,
                    $"Raise the quota in the {Provider} console, or remove nodes that are no longer needed.", describe);
            }

            if (status == 403)
            {
                return new ReleaseOpsException(ErrorIds.ProviderPermissionDenied, FailureCategory.PermissionDenied, what,
                    $"Give the {Provider} token the scope it needs (read and write), or use another token.", describe);
            }

            if (status == 404)
            {
                return new ReleaseOpsException(ErrorIds.ProviderResourceNotFound, FailureCategory.ObjectNotFound, what,
                    "Check the name, id, region or zone; list what exists with the Get- cmdlets.", describe);
            }

            if (status == 429)
            {
                return new ReleaseOpsException(ErrorIds.ProviderRateLimited, FailureCategory.LimitsExceeded, $"{what} It was retried {retry.MaxRetries} times.",
                    "Wait a few minutes, or run fewer operations at once; the provider's rate limit is per account.", describe);
            }

            if (status >= 500)
            {
                return new ReleaseOpsException(ErrorIds.ProviderUnavailable, FailureCategory.ResourceUnavailable, unsafeToRepeat ? what : $"{what} It was retried {retry.MaxRetries} times.",
                    unsafeToRepeat ? "The request may have taken effect. Run the same command again: it finds what was created before creating anything." : "Check the provider's status page and run the command again later.", describe);
            }

            return new ReleaseOpsException(ErrorIds.ProviderRequestRejected, FailureCategory.InvalidArgument, what,
                "Correct the value that the provider names (a region, size, image or name), then run the command again.", describe);
        }

        private static string ErrorText(JsonElement? json)
        {
            if (json is not { ValueKind: JsonValueKind.Object } e)
            {
                return string.Empty;
            }

            var parts = new List<string>();
            if (Str(e, "message") is { } message)
            {
                parts.Add(message);
            }

            // Cloudflare: {"errors":[{"code":7003,"message":"..."}]}; Scaleway: {"details":[{"argument_name":..,"reason":..}]}.
            foreach (var list in new[] { "errors", "details" })
            {
                if (e.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        var text = Str(item, "message") ?? string.Join(" ", new[] { Str(item, "argument_name"), Str(item, "reason"), Str(item, "help_message") }.Where(s => s is not null));
                        if (!string.IsNullOrEmpty(text))
                        {
                            parts.Add(text!);
                        }
                    }
                }
            }

            return string.Join("; ", parts);
        }

        private static string? RequestIdOf(IReadOnlyDictionary<string, string> headers, JsonElement? json)
        {
            foreach (var name in new[] { "x-request-id", "x-amzn-requestid", "cf-ray" })
            {
                if (headers.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            return json is { ValueKind: JsonValueKind.Object } e ? Str(e, "request_id") : null;
        }

        private static string StripQuery(string path)
        {
            var q = path.IndexOf('?');
            return "/" + (q < 0 ? path : path.Substring(0, q)).TrimStart('/');
        }

        private static HttpMessageHandler CreateHandler()
        {
#if NET
            // No automatic redirects: SendOnceAsync follows same-origin ones only, so credentials never cross hosts.
            return new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate, AllowAutoRedirect = false };
#else
            return new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate, AllowAutoRedirect = false };
#endif
        }
    }
}
