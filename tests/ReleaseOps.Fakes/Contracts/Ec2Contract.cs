using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes.Contracts
{
    /// <summary>
    /// The EC2 Query API as botocore's service model describes it (tests/contracts/spec/ec2.json, the listed
    /// operations' shapes). A request is read as botocore's ec2 serializer writes it: members by queryName, else
    /// locationName with a capital, else the member name; lists as Name.1, Name.2 (always flattened); structures as
    /// Prefix.Member; blobs in base64; timestamps in ISO 8601; booleans as true/false; enums by value. Answers are
    /// read as its ec2 parser reads them: elements by locationName, lists of item elements.
    /// </summary>
    public sealed class Ec2Contract
    {
        private readonly JsonObject shapes;
        private readonly Dictionary<string, (string Id, string? Input, string? Output)> operations;

        public Ec2Contract(string specFile)
        {
            var doc = JsonNode.Parse(File.ReadAllText(specFile))!;
            shapes = doc["shapes"]!.AsObject();
            ApiVersion = doc["metadata"]!["apiVersion"]!.GetValue<string>();
            operations = doc["operations"]!.AsArray().ToDictionary(o => o!["operation"]!.GetValue<string>(), o => (o!["id"]!.GetValue<string>(), o["input"]?.GetValue<string>(), o["output"]?.GetValue<string>()));
        }

        public string ApiVersion { get; }

        public IEnumerable<string> OperationIds => operations.Values.Select(o => o.Id);

        /// <summary>The listed operation of the request's Action (or null) and the rules the request breaks.</summary>
        public (string? OperationId, List<string> Errors) CheckRequest(IFormCollection form, string? contentType)
        {
            var errors = new List<string>();
            var action = form["Action"].ToString();
            if (!operations.TryGetValue(action, out var op))
            {
                errors.Add($"Action '{action}' is not on the operation list (tests/contracts/operations.json)");
                return (null, errors);
            }

            if (!(contentType ?? string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"content type '{contentType}' is not application/x-www-form-urlencoded");
            }

            if (form["Version"].ToString() != ApiVersion)
            {
                errors.Add($"Version is '{form["Version"]}', not {ApiVersion}");
            }

            var keys = new HashSet<string>(form.Keys.Where(k => k is not "Action" and not "Version"), StringComparer.Ordinal);
            if (op.Input is not null)
            {
                Structure(op.Input, string.Empty, form, keys, errors);
            }

            foreach (var left in keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                errors.Add($"{left} is not a parameter of {action} in the service model");
            }

            return (op.Id, errors);
        }

        private void Structure(string shapeName, string prefix, IFormCollection form, HashSet<string> keys, List<string> errors)
        {
            var shape = shapes[shapeName]!.AsObject();
            var required = shape["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? new HashSet<string>();
            foreach (var (member, refNode) in shape["members"]?.AsObject() ?? new JsonObject())
            {
                var r = refNode!.AsObject();
                var serialized = r["queryName"]?.GetValue<string>() ?? (r["locationName"]?.GetValue<string>() is { } loc ? char.ToUpperInvariant(loc[0]) + loc[1..] : member);
                var key = prefix.Length == 0 ? serialized : prefix + "." + serialized;
                var present = Member(r["shape"]!.GetValue<string>(), key, form, keys, errors);
                if (!present && required.Contains(member))
                {
                    errors.Add($"{key} is required");
                }
            }
        }

        private bool Member(string shapeName, string key, IFormCollection form, HashSet<string> keys, List<string> errors)
        {
            var shape = shapes[shapeName]!.AsObject();
            var type = shape["type"]!.GetValue<string>();
            switch (type)
            {
                case "structure":
                    if (!form.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)))
                    {
                        return false;
                    }

                    Structure(shapeName, key, form, keys, errors);
                    return true;
                case "list":
                    var any = false;
                    var member = shape["member"]!["shape"]!.GetValue<string>();
                    for (var i = 1; form.Keys.Any(k => k == $"{key}.{i}" || k.StartsWith($"{key}.{i}.", StringComparison.Ordinal)); i++)
                    {
                        any = true;
                        Member(member, $"{key}.{i}", form, keys, errors);
                    }

                    return any;
                default:
                    if (!form.ContainsKey(key))
                    {
                        return false;
                    }

                    keys.Remove(key);
                    var problem = Scalar(shape, type, form[key].ToString());
                    if (problem is not null)
                    {
                        errors.Add($"{key} {problem}");
                    }

                    return true;
            }
        }

        private static string? Scalar(JsonObject shape, string type, string value)
        {
            switch (type)
            {
                case "string":
                    if (shape["enum"] is JsonArray e && !e.Any(x => x!.GetValue<string>() == value))
                    {
                        return $"is '{value}', not one of the service model's values";
                    }

                    return null;
                case "integer":
                case "long":
                    return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"is '{value}', not an {type}";
                case "float":
                case "double":
                    return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"is '{value}', not a number";
                case "boolean":
                    return value is "true" or "false" ? null : $"is '{value}', not true or false";
                case "timestamp":
                    return DateTimeOffset.TryParseExact(value, new[] { "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.fffK" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                        ? null : $"is '{value}', not an ISO 8601 timestamp";
                case "blob":
                    var buffer = new byte[value.Length];
                    return value.Length > 0 && value.Length % 4 == 0 && Convert.TryFromBase64String(value, buffer, out _) ? null : "is a blob, which travels in base64 on the wire, and this is not base64";
                default:
                    return null;
            }
        }

        /// <summary>The rules an answer breaks: the XML must be the output shape of the action, or EC2's error document.</summary>
        public List<string> CheckResponse(string action, int status, string body)
        {
            var errors = new List<string>();
            XDocument doc;
            try
            {
                doc = XDocument.Parse(body);
            }
            catch (System.Xml.XmlException ex)
            {
                errors.Add($"response is not XML ({ex.Message})");
                return errors;
            }

            var root = doc.Root!;
            if (status >= 400)
            {
                var error = root.Name.LocalName == "Response" ? root.Element("Errors")?.Element("Error") : null;
                if (error?.Element("Code") is null || error.Element("Message") is null || root.Element("RequestID") is null)
                {
                    errors.Add("response: an error must be Response/Errors/Error/{Code,Message} with RequestID");
                }

                return errors;
            }

            if (!operations.TryGetValue(action, out var op))
            {
                return errors;
            }

            if (root.Name.LocalName != action + "Response")
            {
                errors.Add($"response: the root is {root.Name.LocalName}, not {action}Response");
            }

            if (op.Output is not null)
            {
                OutStructure(op.Output, root, "response", errors, allowRequestId: true);
            }

            return errors;
        }

        private void OutStructure(string shapeName, XElement element, string path, List<string> errors, bool allowRequestId = false)
        {
            var members = shapes[shapeName]!["members"]?.AsObject() ?? new JsonObject();
            var byElement = members.ToDictionary(m => m.Value!["locationName"]?.GetValue<string>() ?? m.Key, m => m.Value!["shape"]!.GetValue<string>(), StringComparer.Ordinal);
            foreach (var child in element.Elements())
            {
                var name = child.Name.LocalName;
                if (allowRequestId && name == "requestId")
                {
                    continue;
                }

                if (!byElement.TryGetValue(name, out var childShape))
                {
                    errors.Add($"{path}.{name} is not in the service model");
                    continue;
                }

                OutMember(childShape, child, $"{path}.{name}", errors);
            }
        }

        private void OutMember(string shapeName, XElement element, string path, List<string> errors)
        {
            var shape = shapes[shapeName]!.AsObject();
            var type = shape["type"]!.GetValue<string>();
            switch (type)
            {
                case "structure":
                    OutStructure(shapeName, element, path, errors);
                    break;
                case "list":
                    var itemName = shape["member"]!["locationName"]?.GetValue<string>() ?? "member";
                    var member = shape["member"]!["shape"]!.GetValue<string>();
                    var i = 0;
                    foreach (var item in element.Elements())
                    {
                        if (item.Name.LocalName != itemName)
                        {
                            errors.Add($"{path}.{item.Name.LocalName}: list items are <{itemName}>");
                            continue;
                        }

                        OutMember(member, item, $"{path}[{i++}]", errors);
                    }

                    break;
                default:
                    var problem = Scalar(shape, type, element.Value);
                    if (problem is not null && !(type == "timestamp" && DateTimeOffset.TryParse(element.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
                    {
                        errors.Add($"{path} {problem}");
                    }

                    break;
            }
        }
    }
}
