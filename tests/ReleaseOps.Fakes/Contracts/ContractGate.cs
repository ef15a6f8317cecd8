using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes.Contracts
{
    /// <summary>What the gate checked: requests and answers validated, per listed operation, and every broken rule.</summary>
    public sealed class ContractStats
    {
        public int Requests { get; set; }
        public int Responses { get; set; }
        public List<string> Violations { get; } = new();

        /// <summary>Per operation id: requests validated, answers validated.</summary>
        public Dictionary<string, int[]> Operations { get; } = new(StringComparer.Ordinal);

        internal void Hit(string id, int request, int response)
        {
            if (!Operations.TryGetValue(id, out var counts))
            {
                Operations[id] = counts = new int[2];
            }

            counts[0] += request;
            counts[1] += response;
        }
    }

    /// <summary>The providers' specs, loaded once per fake host from tests/contracts.</summary>
    public sealed class ProviderContracts
    {
        public ProviderContracts(string contractsDir)
        {
            var spec = Path.Combine(contractsDir, "spec");
            DigitalOcean = new OpenApiContract("digitalocean", Path.Combine(spec, "digitalocean.json"), string.Empty);
            Cloudflare = new OpenApiContract("cloudflare", Path.Combine(spec, "cloudflare.json"), "/client/v4");
            Scaleway = new OpenApiContract("scaleway", Path.Combine(spec, "scaleway.json"), string.Empty);
            Ec2 = new Ec2Contract(Path.Combine(spec, "ec2.json"));
        }

        public OpenApiContract DigitalOcean { get; }
        public OpenApiContract Cloudflare { get; }
        public OpenApiContract Scaleway { get; }
        public Ec2Contract Ec2 { get; }

        public OpenApiContract? ForPath(string path) =>
            path.StartsWith("/v2/", StringComparison.Ordinal) ? DigitalOcean
            : path.StartsWith("/client/v4/", StringComparison.Ordinal) ? Cloudflare
            : path.StartsWith("/instance/", StringComparison.Ordinal) || path.StartsWith("/block/", StringComparison.Ordinal) || path.StartsWith("/marketplace/", StringComparison.Ordinal) ? Scaleway
            : null;
    }

    /// <summary>
    /// Every request to a fake is checked against the provider's spec before the fake sees it; a request that breaks
    /// a rule is answered 400 in the provider's own error shape, naming the rule. Every answer is checked against the
    /// response schema of its status; an answer that breaks one is recorded as a violation (tests fail on it).
    /// </summary>
    public static class ContractGate
    {
        public sealed class Check
        {
            public string Provider = "";
            public string? OperationId;
            public SpecOperation? Operation;
            public string? Ec2Action;
            public string RequestBody = "";
        }

        private static async Task<string> RawBodyAsync(HttpRequest request)
        {
            request.EnableBuffering();
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true))
            {
                body = await reader.ReadToEndAsync();
            }

            request.Body.Position = 0;
            return body;
        }

        /// <summary>
        /// With RELEASEOPS_CONTRACT_TRAFFIC set, every provider request and its answer are appended to that file, one
        /// JSON line each, for a checker that does not share this code (tools/Check-ContractTraffic.py).
        /// </summary>
        private static void Record(Check check, HttpRequest request, int status, string? contentType, string body)
        {
            var file = Environment.GetEnvironmentVariable("RELEASEOPS_CONTRACT_TRAFFIC");
            if (string.IsNullOrEmpty(file))
            {
                return;
            }

            var line = JsonSerializer.Serialize(new
            {
                provider = check.Provider, method = request.Method, path = request.Path.Value, query = request.QueryString.Value ?? string.Empty,
                contentType = request.ContentType, body = check.RequestBody, status, responseContentType = contentType, response = body,
            });
            lock (typeof(ContractGate))
            {
                File.AppendAllText(file, line + "\n");
            }
        }

        /// <summary>Checks the request; null when the path is no provider's. Writes the 400 itself when the request breaks the spec.</summary>
        public static async Task<(Check? Check, bool Rejected)> BeginAsync(FakeState state, HttpContext context)
        {
            var request = context.Request;
            var path = request.Path.Value ?? "/";
            var contracts = state.Contracts;
            List<string> errors;
            var check = new Check();
            if (path == "/" && HttpMethods.IsPost(request.Method))
            {
                check.Provider = "aws";
                check.RequestBody = await RawBodyAsync(request);
                var form = await request.ReadFormAsync();
                check.Ec2Action = form["Action"].ToString();
                (check.OperationId, errors) = contracts.Ec2.CheckRequest(form, request.ContentType);
            }
            else if (contracts.ForPath(path) is { } contract)
            {
                check.Provider = contract.Provider;
                var body = check.RequestBody = await RawBodyAsync(request);
                var (op, match) = contract.Find(request.Method, path);
                if (op is null)
                {
                    errors = new List<string> { $"{request.Method} {path} is not on the operation list (tests/contracts/operations.json)" };
                }
                else
                {
                    check.Operation = op;
                    check.OperationId = op.Id;
                    errors = OpenApiContract.CheckRequest(op, match!, request.Query, request.ContentType, body);
                    errors.AddRange(Conventions(op.Id, body));
                }
            }
            else
            {
                return (null, false);
            }

            var where = check.Operation?.Describe ?? check.Ec2Action ?? $"{request.Method} {path}";
            lock (state.Gate)
            {
                state.Checks.Requests++;
                if (check.OperationId is not null)
                {
                    state.Checks.Hit(check.OperationId, 1, 0);
                }

                state.Checks.Violations.AddRange(errors.Select(e => $"request {where}: {e}"));
            }

            if (errors.Count == 0)
            {
                return (check, false);
            }

            await RejectAsync(context, check.Provider, $"spec: {string.Join("; ", errors)} ({where})");
            Record(check, request, 400, null, string.Empty);
            return (check, true);
        }

        /// <summary>Checks the answer the fake wrote (captured), then lets it through unchanged.</summary>
        public static void End(FakeState state, HttpRequest request, Check check, int status, string? contentType, string body, bool malformedOnPurpose)
        {
            Record(check, request, status, contentType, malformedOnPurpose ? string.Empty : body);
            if (malformedOnPurpose)
            {
                return;
            }

            List<string> errors;
            string where;
            if (check.Provider == "aws")
            {
                where = check.Ec2Action ?? "?";
                errors = body.Length == 0 ? new List<string> { "response: empty" } : state.Contracts.Ec2.CheckResponse(check.Ec2Action ?? string.Empty, status, body);
            }
            else if (check.Operation is { } op)
            {
                where = op.Describe;
                errors = OpenApiContract.CheckResponse(op, status, contentType, body);
            }
            else
            {
                return;
            }

            lock (state.Gate)
            {
                state.Checks.Responses++;
                if (check.OperationId is not null)
                {
                    state.Checks.Hit(check.OperationId, 0, 1);
                }

                state.Checks.Violations.AddRange(errors.Select(e => $"answer {status} to {where}: {e}"));
            }
        }

        /// <summary>Where the spec leaves room, the providers' own clients decide: these are their choices.</summary>
        private static IEnumerable<string> Conventions(string operation, string body)
        {
            if (operation != "do.droplets.create" || body.Length == 0)
            {
                yield break;
            }

            // godo and doctl send ssh_keys ids as integers and fingerprints as strings.
            if (JsonNode.Parse(body)?["ssh_keys"] is JsonArray keys)
            {
                for (var i = 0; i < keys.Count; i++)
                {
                    if (keys[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().All(char.IsAsciiDigit))
                    {
                        yield return $"body.ssh_keys[{i}] is the id {v.ToJsonString()} as a string; DigitalOcean's clients (godo, doctl) send ids as integers and fingerprints as strings";
                    }
                }
            }
        }

        /// <summary>A 400 in the provider's own error shape.</summary>
        public static Task RejectAsync(HttpContext context, string provider, string message)
        {
            var response = context.Response;
            response.StatusCode = 400;
            var requestId = Guid.NewGuid().ToString();
            response.Headers["x-request-id"] = requestId;
            switch (provider)
            {
                case "aws":
                    response.ContentType = "text/xml;charset=UTF-8";
                    return response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>{SecurityElement.Escape(message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>");
                case "cloudflare":
                    response.ContentType = "application/json";
                    return response.WriteAsync(new JsonObject
                    {
                        ["success"] = false, ["result"] = null, ["messages"] = new JsonArray(),
                        ["errors"] = new JsonArray(new JsonObject { ["code"] = 9207, ["message"] = message }),
                    }.ToJsonString());
                case "scaleway":
                    response.ContentType = "application/json";
                    return response.WriteAsync(new JsonObject { ["type"] = "invalid_arguments", ["message"] = message }.ToJsonString());
                default:
                    response.ContentType = "application/json";
                    return response.WriteAsync(new JsonObject { ["id"] = "bad_request", ["message"] = message, ["request_id"] = requestId }.ToJsonString());
            }
        }

        /// <summary>Appends this host's counts to the file named by RELEASEOPS_CONTRACT_STATS, one JSON line per host.</summary>
        public static void WriteStats(FakeState state)
        {
            var file = Environment.GetEnvironmentVariable("RELEASEOPS_CONTRACT_STATS");
            if (string.IsNullOrEmpty(file))
            {
                return;
            }

            string line;
            lock (state.Gate)
            {
                line = JsonSerializer.Serialize(new { requests = state.Checks.Requests, responses = state.Checks.Responses, violations = state.Checks.Violations.Count, operations = state.Checks.Operations });
            }

            lock (typeof(ContractGate))
            {
                File.AppendAllText(file, line + "\n");
            }
        }
    }
}
