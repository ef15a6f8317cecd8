using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ReleaseOps.Fakes.Contracts
{
    /// <summary>
    /// Checks a JSON value against an OpenAPI 3.0 schema (the subset the providers' specs use, with every $ref already
    /// inlined by tools/Extract-Contracts.py): type, nullable, enum, required, properties and additionalProperties
    /// (in a request, a property the schema does not declare is an error; in an answer, only where the schema says
    /// additionalProperties: false, as JSON Schema reads it), readOnly in requests, items, allOf, oneOf, anyOf,
    /// formats (date-time, ipv4, ipv6, uuid), minimum, maximum, minLength, maxLength and pattern.
    /// Each broken rule is one message that names the JSON path: "body.type is required".
    /// </summary>
    public static class SchemaValidator
    {
        public static List<string> Validate(JsonNode? value, JsonNode? schema, string path, bool request)
        {
            var errors = new List<string>();
            Check(value, schema, path, request, errors, checkUnknown: true);
            return errors;
        }

        private static void Check(JsonNode? value, JsonNode? schemaNode, string path, bool request, List<string> errors, bool checkUnknown)
        {
            if (schemaNode is not JsonObject schema || schema.Count == 0)
            {
                return;
            }

            if (value is null)
            {
                if (Bool(schema, "nullable") || schema["enum"] is JsonArray e && e.Any(x => x is null) || !HasType(schema))
                {
                    return;
                }

                errors.Add($"{path} is null, which the spec does not allow");
                return;
            }

            if (schema["allOf"] is JsonArray all)
            {
                foreach (var sub in all)
                {
                    Check(value, sub, path, request, errors, checkUnknown: false);
                }
            }

            foreach (var key in new[] { "oneOf", "anyOf" })
            {
                if (schema[key] is not JsonArray branches)
                {
                    continue;
                }

                var results = branches.Select(b => { var list = new List<string>(); Check(value, b, path, request, list, checkUnknown: false); return list; }).ToList();
                var matches = results.Count(r => r.Count == 0);
                if (matches == 0)
                {
                    var closest = results.OrderBy(r => r.Count).First();
                    errors.Add($"{path} matches none of the {key} schemas (closest: {string.Join("; ", closest)})");
                }
                else if (key == "oneOf" && matches > 1)
                {
                    errors.Add($"{path} matches {matches} of the oneOf schemas, where exactly one must match");
                }
            }

            var type = schema["type"]?.GetValue<string>();
            if (type is not null && !IsType(value, type))
            {
                errors.Add($"{path} is {Describe(value)}, where the spec wants {type}");
                return;
            }

            if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            {
                errors.Add($"{path} is {value.ToJsonString()}, not one of the spec's values ({string.Join(", ", options.Select(o => o?.ToJsonString() ?? "null"))})");
            }

            switch (value)
            {
                case JsonObject o:
                    CheckObject(o, schema, path, request, errors, checkUnknown);
                    break;
                case JsonArray a:
                    if (schema["minItems"] is { } minItems && a.Count < minItems.GetValue<int>())
                    {
                        errors.Add($"{path} has {a.Count} items, fewer than the spec's {minItems}");
                    }

                    for (var i = 0; i < a.Count; i++)
                    {
                        Check(a[i], schema["items"], $"{path}[{i}]", request, errors, checkUnknown: true);
                    }

                    break;
                case JsonValue v:
                    CheckScalar(v, schema, path, errors);
                    break;
            }
        }

        private static void CheckObject(JsonObject o, JsonObject schema, string path, bool request, List<string> errors, bool checkUnknown)
        {
            var declared = Declared(schema);
            if (schema["properties"] is JsonObject props)
            {
                foreach (var (name, sub) in props)
                {
                    if (!o.TryGetPropertyValue(name, out var child))
                    {
                        continue;
                    }

                    if (request && Bool(sub, "readOnly"))
                    {
                        errors.Add($"{path}.{name} is read-only and must not be sent");
                        continue;
                    }

                    Check(child, sub, $"{path}.{name}", request, errors, checkUnknown: true);
                }
            }

            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()))
                {
                    if (o.ContainsKey(name))
                    {
                        continue;
                    }

                    declared.TryGetValue(name, out var sub);
                    if ((request && Bool(sub, "readOnly")) || (!request && Bool(sub, "writeOnly")))
                    {
                        continue;
                    }

                    errors.Add($"{path}.{name} is required");
                }
            }

            var additional = schema["additionalProperties"];
            if (additional is JsonObject extraSchema)
            {
                foreach (var (name, child) in o.Where(kv => !declared.ContainsKey(kv.Key)))
                {
                    Check(child, extraSchema, $"{path}.{name}", request, errors, checkUnknown: true);
                }
            }
            else if (checkUnknown && (additional is JsonValue no && no.GetValueKind() == JsonValueKind.False || (request && additional is null && declared.Count > 0)))
            {
                foreach (var name in o.Select(kv => kv.Key).Where(k => !declared.ContainsKey(k)))
                {
                    errors.Add($"{path}.{name} is not in the spec");
                }
            }
        }

        /// <summary>Every property the schema declares, through allOf, oneOf and anyOf.</summary>
        private static Dictionary<string, JsonNode?> Declared(JsonObject schema)
        {
            var found = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            void Walk(JsonNode? node)
            {
                if (node is not JsonObject s)
                {
                    return;
                }

                if (s["properties"] is JsonObject p)
                {
                    foreach (var (k, v) in p)
                    {
                        found.TryAdd(k, v);
                    }
                }

                foreach (var key in new[] { "allOf", "oneOf", "anyOf" })
                {
                    if (s[key] is JsonArray subs)
                    {
                        foreach (var sub in subs)
                        {
                            Walk(sub);
                        }
                    }
                }
            }

            Walk(schema);
            return found;
        }

        private static void CheckScalar(JsonValue v, JsonObject schema, string path, List<string> errors)
        {
            if (v.GetValueKind() == JsonValueKind.String)
            {
                var s = v.GetValue<string>();
                if (schema["maxLength"] is { } max && s.Length > max.GetValue<int>())
                {
                    errors.Add($"{path} is longer than the spec's {max} characters");
                }

                if (schema["minLength"] is { } min && s.Length < min.GetValue<int>())
                {
                    errors.Add($"{path} is shorter than the spec's {min} characters");
                }

                if (schema["pattern"]?.GetValue<string>() is { } pattern && !Matches(pattern, s))
                {
                    errors.Add($"{path} '{s}' does not match the spec's pattern {pattern}");
                }

                var format = schema["format"]?.GetValue<string>();
                var bad = format switch
                {
                    "date-time" => !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) || !Regex.IsMatch(s, @"^\d{4}-\d\d-\d\dT\d\d:\d\d"),
                    "ipv4" => !IPAddress.TryParse(s, out var a4) || a4.AddressFamily != AddressFamily.InterNetwork,
                    "ipv6" => !IPAddress.TryParse(s, out var a6) || a6.AddressFamily != AddressFamily.InterNetworkV6,
                    "uuid" => !Guid.TryParse(s, out _),
                    _ => false,
                };
                if (bad)
                {
                    errors.Add($"{path} '{s}' is not a valid {format}");
                }
            }
            else if (v.GetValueKind() == JsonValueKind.Number)
            {
                var d = double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                if (schema["minimum"] is { } min && d < double.Parse(min.ToJsonString(), CultureInfo.InvariantCulture))
                {
                    errors.Add($"{path} is {d}, below the spec's minimum {min}");
                }

                if (schema["maximum"] is { } max && d > double.Parse(max.ToJsonString(), CultureInfo.InvariantCulture))
                {
                    errors.Add($"{path} is {d}, above the spec's maximum {max}");
                }
            }
        }

        private static readonly Dictionary<string, Regex?> Patterns = new();

        private static bool Matches(string pattern, string s)
        {
            Regex? rx;
            lock (Patterns)
            {
                if (!Patterns.TryGetValue(pattern, out rx))
                {
                    try
                    {
                        rx = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException)
                    {
                        rx = null; // An ECMA-262 construct .NET does not read; the pattern is not checked.
                    }

                    Patterns[pattern] = rx;
                }
            }

            return rx is null || rx.IsMatch(s);
        }

        public static bool IsType(JsonNode value, string type)
        {
            var kind = value.GetValueKind();
            return type switch
            {
                "object" => kind == JsonValueKind.Object,
                "array" => kind == JsonValueKind.Array,
                "string" => kind == JsonValueKind.String,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                "number" => kind == JsonValueKind.Number,
                "integer" => kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                _ => true,
            };
        }

        public static string Describe(JsonNode value) => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {value.ToJsonString()}",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "null",
        };

        private static bool HasType(JsonObject schema) => schema.ContainsKey("type");

        private static bool Bool(JsonNode? schema, string key) => schema is JsonObject o && o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
    }
}
