using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseOps.Fakes.Contracts;

namespace ReleaseOps.Fakes
{
    /// <summary>The secrets and behaviour of the fakes.</summary>
    public sealed class FakeOptions
    {
        public string DigitalOceanToken { get; set; } = "do-test-token";
        public string ScalewaySecretKey { get; set; } = "scw-test-secret";
        public string ScalewayProjectId { get; set; } = "fa1e3217-dc80-42ac-85c3-3f034b78b552";
        public string CloudflareToken { get; set; } = "cf-test-token";
        public string AwsAccessKeyId { get; set; } = "AKIAFAKEFAKEFAKE0001";

        /// <summary>The address new nodes get (a loopback address where a test's sshd may listen).</summary>
        public string NodeAddress { get; set; } = "127.0.0.1";

        /// <summary>GETs of a new node that answer "not running yet".</summary>
        public int PendingPolls { get; set; } = 2;

        /// <summary>List calls that do not show a new node yet (eventual consistency).</summary>
        public int HiddenListCalls { get; set; } = 2;

        /// <summary>How many nodes an account may have (quota).</summary>
        public int NodeLimit { get; set; } = 1000;

        /// <summary>The folder of the provider contracts (tests/contracts).</summary>
        public string ContractsDir { get; set; } = Path.Combine(AppContext.BaseDirectory, "contracts");
    }

    /// <summary>A fault to inject: the next Count requests that match answer Status.</summary>
    public sealed class Fault
    {
        public string Method { get; set; } = "*";
        public string Path { get; set; } = "/";
        public int Status { get; set; } = 429;
        public int Count { get; set; } = 1;

        /// <summary>The request takes effect first, then the answer is the fault (a lost response).</summary>
        public bool AfterEffect { get; set; }

        /// <summary>The body is not JSON.</summary>
        public bool Malformed { get; set; }

        /// <summary>The answer comes this late (a hanging API), then normally.</summary>
        public int DelayMs { get; set; }
    }

    /// <summary>One request as the fake saw it. Credentials are never logged.</summary>
    public sealed record LoggedRequest(string Method, string Path, string Query, int Status, bool Authorized);

    /// <summary>State shared by the fakes, under one lock.</summary>
    public sealed class FakeState
    {
        public FakeState(FakeOptions options)
        {
            Options = options;
            Contracts = new ProviderContracts(options.ContractsDir);
        }

        /// <summary>The providers' specs (tests/contracts/spec), which every request and answer is checked against.</summary>
        public ProviderContracts Contracts { get; }

        /// <summary>What the contract gate checked, and every rule broken.</summary>
        public ContractStats Checks { get; } = new();

        public object Gate { get; } = new();
        public FakeOptions Options { get; }
        public List<LoggedRequest> Log { get; } = new();
        public List<Fault> Faults { get; } = new();
        public int NextId { get; set; } = 3164444;

        /// <summary>DigitalOcean's domains and their records (relative names), which the DNS fake also serves.</summary>
        public Dictionary<string, List<JsonObject>> Domains { get; } = new(StringComparer.OrdinalIgnoreCase);

        public JsonNode Contract(string relative)
        {
            var path = Path.Combine(Options.ContractsDir, relative);
            return JsonNode.Parse(File.ReadAllText(path))!;
        }

        public JsonNode ScalewayCassette(string fileStart, bool response = true)
        {
            var file = Directory.GetFiles(Path.Combine(Options.ContractsDir, "scaleway"), fileStart + "*").Single();
            var doc = JsonNode.Parse(File.ReadAllText(file))!;
            return (response ? doc["response"]!["body"] : doc["request"]!["body"])!;
        }
    }

    /// <summary>Builds and runs the fake API host.</summary>
    public static class FakeHost
    {
        public static WebApplication Build(FakeState state, int port)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            app.Lifetime.ApplicationStopping.Register(() => ContractGate.WriteStats(state));
            app.Use(async (context, next) => await Intercept(state, context, next));
            Control.Map(app, state);
            DigitalOceanFake.Map(app, state);
            ScalewayFake.Map(app, state);
            CloudflareFake.Map(app, state);
            Ec2Fake.Map(app, state);
            return app;
        }

        public static async Task Main(string[] args)
        {
            var port = 0;
            var dnsPort = 0;
            var options = new FakeOptions();
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--port": port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--contracts": options.ContractsDir = args[i + 1]; break;
                    case "--node-address": options.NodeAddress = args[i + 1]; break;
                    case "--pending-polls": options.PendingPolls = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--hidden-list-calls": options.HiddenListCalls = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--dns-port": dnsPort = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException("unknown option " + args[i]);
                }
            }

            var state = new FakeState(options);
            var app = Build(state, port);
            await app.StartAsync();
            using var dns = dnsPort > 0 ? DnsFake.Start(state, dnsPort) : null;
            Console.WriteLine("listening on " + string.Join(",", app.Urls));
            var deadline = Task.Delay(TimeSpan.FromMinutes(30));
            await Task.WhenAny(deadline, app.WaitForShutdownAsync());
            await app.StopAsync();
        }

        private static async Task Intercept(FakeState state, HttpContext context, Func<Task> next)
        {
            var request = context.Request;
            var path = request.Path.Value ?? "/";
            if (path.StartsWith("/_fake", StringComparison.Ordinal))
            {
                await next();
                return;
            }

            // The provider's spec first: a request that breaks it is answered 400, naming the rule.
            var (check, rejected) = await ContractGate.BeginAsync(state, context);
            if (rejected)
            {
                lock (state.Gate)
                {
                    state.Log.Add(new LoggedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, 400, false));
                }

                return;
            }

            var answer = context.Response.Body;
            var captured = new MemoryStream();
            if (check is not null)
            {
                context.Response.Body = captured;
            }

            Fault? fault;
            lock (state.Gate)
            {
                fault = state.Faults.FirstOrDefault(f => f.Count > 0 && (f.Method == "*" || string.Equals(f.Method, request.Method, StringComparison.OrdinalIgnoreCase)) &&
                                                         path.StartsWith(f.Path, StringComparison.Ordinal));
                if (fault is not null)
                {
                    fault.Count--;
                }
            }

            if (fault is not null && fault.DelayMs > 0)
            {
                try
                {
                    await Task.Delay(fault.DelayMs, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await next();
            }
            else if (fault is not null && fault.AfterEffect)
            {
                var original = context.Response.Body;
                context.Response.Body = new MemoryStream();
                await next();
                context.Response.Body = original;
                context.Response.Headers.Clear();
                await WriteFault(context, fault, check?.Provider);
            }
            else if (fault is not null)
            {
                await WriteFault(context, fault, check?.Provider);
            }
            else
            {
                await next();
            }

            if (check is not null)
            {
                context.Response.Body = answer;
                var text = Encoding.UTF8.GetString(captured.ToArray());
                ContractGate.End(state, request, check, context.Response.StatusCode, context.Response.ContentType, text, fault is { Malformed: true });
                captured.Position = 0;
                await captured.CopyToAsync(answer);
            }

            lock (state.Gate)
            {
                var authorized = context.Items.TryGetValue("authorized", out var a) && a is true;
                state.Log.Add(new LoggedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, context.Response.StatusCode, authorized));
            }
        }

        private static async Task WriteFault(HttpContext context, Fault fault, string? provider)
        {
            var response = context.Response;
            response.StatusCode = fault.Status;
            response.Headers["x-request-id"] = Guid.NewGuid().ToString();
            if (fault.Status == 429)
            {
                // DigitalOcean's rate-limit headers; Scaleway and Cloudflare send retry-after.
                response.Headers["retry-after"] = "1";
                response.Headers["ratelimit-limit"] = "5000";
                response.Headers["ratelimit-remaining"] = "0";
                response.Headers["ratelimit-reset"] = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var (code, message) = fault.Status switch
            {
                429 => ("too_many_requests", "API rate limit exceeded."),
                401 => ("unauthorized", "Unable to authenticate you."),
                _ => ("server_error", "Unexpected server-side error"),
            };
            if (fault.Malformed)
            {
                response.ContentType = "text/html";
                await response.WriteAsync("<html>502 Bad Gateway</html>");
                return;
            }

            // Each provider's own error shape: DigitalOcean id/message, Cloudflare errors[].code, Scaleway type/message, EC2 XML.
            switch (provider)
            {
                case "cloudflare":
                    response.ContentType = "application/json";
                    var cfCode = fault.Status switch { 429 => 10000 + 971, 401 => 10000, _ => 10001 };
                    await response.WriteAsync(new JsonObject { ["success"] = false, ["result"] = null, ["messages"] = new JsonArray(), ["errors"] = new JsonArray(new JsonObject { ["code"] = cfCode, ["message"] = message }) }.ToJsonString());
                    break;
                case "scaleway":
                    response.ContentType = "application/json";
                    await response.WriteAsync(new JsonObject { ["type"] = fault.Status == 401 ? "denied_authentication" : code, ["message"] = message }.ToJsonString());
                    break;
                case "aws":
                    response.ContentType = "text/xml;charset=UTF-8";
                    var awsCode = fault.Status switch { 429 => "RequestLimitExceeded", 401 => "AuthFailure", _ => "InternalError" };
                    await response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{awsCode}</Code><Message>{message}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>");
                    break;
                default:
                    response.ContentType = "application/json";
                    await response.WriteAsync(new JsonObject { ["id"] = code, ["message"] = message }.ToJsonString());
                    break;
            }
        }

        internal static IResult Json(HttpContext context, int status, JsonNode? body, IDictionary<string, string>? headers = null)
        {
            context.Response.Headers["x-request-id"] = Guid.NewGuid().ToString();
            if (headers is not null)
            {
                foreach (var (k, v) in headers)
                {
                    context.Response.Headers[k] = v;
                }
            }

            return body is null ? Results.StatusCode(status) : Results.Content(body.ToJsonString(), "application/json", null, status);
        }

        internal static async Task<JsonNode?> Body(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync();
            try
            {
                return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        internal static bool Bearer(HttpContext context, string token)
        {
            var ok = context.Request.Headers.Authorization.ToString() == "Bearer " + token;
            context.Items["authorized"] = ok;
            return ok;
        }

        internal static (int Page, int PerPage) Paging(HttpContext context, int defaultPerPage, int max)
        {
            var q = context.Request.Query;
            var page = int.TryParse(q["page"], out var p) && p > 0 ? p : 1;
            var perPage = int.TryParse(q["per_page"], out var pp) && pp > 0 ? Math.Min(pp, max) : defaultPerPage;
            return (page, perPage);
        }
    }

    /// <summary>Endpoints that tests use to arrange and observe the fakes.</summary>
    internal static class Control
    {
        public static void Map(WebApplication app, FakeState state)
        {
            app.MapPost("/_fake/faults", async (HttpContext c) =>
            {
                var fault = JsonSerializer.Deserialize<Fault>((await FakeHost.Body(c))!.ToJsonString(), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
                lock (state.Gate)
                {
                    state.Faults.Add(fault);
                }

                return Results.NoContent();
            });
            app.MapGet("/_fake/log", () =>
            {
                lock (state.Gate)
                {
                    return Results.Json(state.Log.ToList());
                }
            });
            app.MapGet("/_fake/contract", () =>
            {
                lock (state.Gate)
                {
                    return Results.Json(new { requests = state.Checks.Requests, responses = state.Checks.Responses, violations = state.Checks.Violations.ToList(), operations = state.Checks.Operations });
                }
            });
            app.MapPost("/_fake/contract/clear", () =>
            {
                lock (state.Gate)
                {
                    state.Checks.Violations.Clear();
                }

                return Results.NoContent();
            });
            app.MapPost("/_fake/log/clear", () =>
            {
                lock (state.Gate)
                {
                    state.Log.Clear();
                }

                return Results.NoContent();
            });
            app.MapPost("/_fake/options", async (HttpContext c) =>
            {
                var o = (await FakeHost.Body(c))!.AsObject();
                lock (state.Gate)
                {
                    if (o["nodeAddress"] is { } a) state.Options.NodeAddress = a.GetValue<string>();
                    if (o["pendingPolls"] is { } p) state.Options.PendingPolls = p.GetValue<int>();
                    if (o["hiddenListCalls"] is { } h) state.Options.HiddenListCalls = h.GetValue<int>();
                    if (o["nodeLimit"] is { } l) state.Options.NodeLimit = l.GetValue<int>();
                }

                return Results.NoContent();
            });
        }
    }
}
