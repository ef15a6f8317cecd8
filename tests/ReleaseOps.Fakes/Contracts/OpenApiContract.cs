using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes.Contracts
{
    /// <summary>One operation of a provider's spec, as extracted into tests/contracts/spec/&lt;provider&gt;.json.</summary>
    public sealed class SpecOperation
    {
        public SpecOperation(string provider, JsonObject json, string prefix)
        {
            Provider = provider;
            Json = json;
            Id = json["id"]!.GetValue<string>();
            Method = json["method"]!.GetValue<string>();
            Path = json["path"]!.GetValue<string>();
            var segments = (prefix + Path).Split('/', StringSplitOptions.RemoveEmptyEntries);
            Parameters = segments.Count(s => s.StartsWith('{'));
            Pattern = new Regex("^/" + string.Join("/", segments.Select(s => s.StartsWith('{') ? $"(?<{s.Trim('{', '}')}>[^/]+)" : Regex.Escape(s))) + "/?$", RegexOptions.CultureInvariant);
        }

        public string Provider { get; }
        public JsonObject Json { get; }
        public string Id { get; }
        public string Method { get; }
        public string Path { get; }
        public int Parameters { get; }
        public Regex Pattern { get; }

        public string Describe => $"{Method} {Path}";
    }

    /// <summary>The operations of one provider's OpenAPI spec (or, for Scaleway, the rules written from its SDK and cassettes).</summary>
    public sealed class OpenApiContract
    {
        private readonly List<SpecOperation> operations;

        public OpenApiContract(string provider, string specFile, string prefix)
        {
            Provider = provider;
            var doc = JsonNode.Parse(File.ReadAllText(specFile))!;
            operations = doc["operations"]!.AsArray().Select(o => new SpecOperation(provider, o!.AsObject(), prefix)).OrderBy(o => o.Parameters).ToList();
        }

        public string Provider { get; }

        public IReadOnlyList<SpecOperation> Operations => operations;

        /// <summary>The listed operation for a request, or null when the module's operation list has none.</summary>
        public (SpecOperation? Operation, Match? Match) Find(string method, string path)
        {
            foreach (var op in operations)
            {
                var m = op.Pattern.Match(path);
                if (m.Success && string.Equals(op.Method, method, StringComparison.OrdinalIgnoreCase))
                {
                    return (op, m);
                }
            }

            return (null, null);
        }

        /// <summary>The rules a request breaks: path and query parameters, content type, and the body's schema.</summary>
        public static List<string> CheckRequest(SpecOperation op, Match match, IQueryCollection query, string? contentType, string body)
        {
            var errors = new List<string>();
            var parameters = op.Json["parameters"]!.AsArray().Select(p => p!.AsObject()).ToList();
            foreach (var p in parameters.Where(p => p["in"]!.GetValue<string>() == "path"))
            {
                var name = p["name"]!.GetValue<string>();
                var value = Uri.UnescapeDataString(match.Groups[name].Value);
                errors.AddRange(CheckParameter($"path.{name}", value, p["schema"]));
            }

            foreach (var (key, values) in query)
            {
                var p = parameters.FirstOrDefault(x => x["in"]!.GetValue<string>() == "query" && x["name"]!.GetValue<string>() == key);
                if (p is null)
                {
                    errors.Add($"query.{key} is not a parameter of this operation");
                    continue;
                }

                foreach (var value in values)
                {
                    errors.AddRange(CheckParameter($"query.{key}", value ?? string.Empty, p["schema"]));
                }
            }

            foreach (var p in parameters.Where(p => p["in"]!.GetValue<string>() == "query" && p["required"]?.GetValue<bool>() == true))
            {
                if (!query.ContainsKey(p["name"]!.GetValue<string>()))
                {
                    errors.Add($"query.{p["name"]} is required");
                }
            }

            var requestBody = op.Json["requestBody"] as JsonObject;
            var hasBody = body.Length > 0;
            if (requestBody is null)
            {
                if (hasBody)
                {
                    errors.Add("body: this operation takes no request body");
                }

                return errors;
            }

            if (!hasBody)
            {
                if (requestBody["required"]?.GetValue<bool>() == true)
                {
                    errors.Add("body is required");
                }

                return errors;
            }

            var media = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
            var content = requestBody["content"]!.AsObject();
            if (!content.ContainsKey(media))
            {
                errors.Add($"content type '{media}' is not one the spec accepts ({string.Join(", ", content.Select(c => c.Key))})");
                return errors;
            }

            if (media.EndsWith("json", StringComparison.Ordinal))
            {
                JsonNode? json;
                try
                {
                    json = JsonNode.Parse(body);
                }
                catch (System.Text.Json.JsonException ex)
                {
                    errors.Add($"body is not JSON ({ex.Message})");
                    return errors;
                }

                errors.AddRange(SchemaValidator.Validate(json, content[media], "body", request: true));
            }

            return errors;
        }

        /// <summary>The rules a response breaks: the status must be documented, and the body must match its schema.</summary>
        public static List<string> CheckResponse(SpecOperation op, int status, string? contentType, string body)
        {
            var errors = new List<string>();
            var responses = op.Json["responses"]!.AsObject();
            var s = status.ToString(CultureInfo.InvariantCulture);
            var entry = responses[s] ?? responses[s[0] + "XX"] ?? responses[s[0] + "xx"] ?? responses["default"];
            if (entry is not JsonObject content)
            {
                errors.Add($"response: status {status} is not documented for this operation");
                return errors;
            }

            if (body.Trim().Length == 0)
            {
                return errors;
            }

            var media = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
            if (content.Count == 0)
            {
                errors.Add($"response: status {status} has no body in the spec, but one was sent");
                return errors;
            }

            if (!content.ContainsKey(media))
            {
                errors.Add($"response: content type '{media}' is not the spec's ({string.Join(", ", content.Select(c => c.Key))})");
                return errors;
            }

            JsonNode? json;
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException ex)
            {
                errors.Add($"response: body is not JSON ({ex.Message})");
                return errors;
            }

            errors.AddRange(SchemaValidator.Validate(json, content[media], "response", request: false));
            return errors;
        }

        private static IEnumerable<string> CheckParameter(string path, string text, JsonNode? schema)
        {
            var type = schema?["type"]?.GetValue<string>();
            JsonNode? value = type switch
            {
                "integer" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(text),
                "number" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(text),
                "boolean" => text is "true" or "false" ? JsonValue.Create(text == "true") : JsonValue.Create(text),
                _ => JsonValue.Create(text),
            };
            return SchemaValidator.Validate(value, schema, path, request: true);
        }
    }
}
