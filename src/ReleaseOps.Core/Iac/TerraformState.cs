using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Core.Iac
{
    /// <summary>
    /// Reads the nodes that Terraform manages: the droplets, EC2 instances and Scaleway servers of a state file
    /// (format version 4, as `terraform state pull` prints it) or of `terraform show -json` output, as the same
    /// ProjectNode objects that Get-ProjectNode reads from the providers' APIs. Nothing in the state is run: it is
    /// read as data, and only the attributes below are used.
    /// </summary>
    public static class TerraformState
    {
        /// <summary>The resource types read, and their provider.</summary>
        public static readonly IReadOnlyDictionary<string, HostingProvider> NodeTypes = new Dictionary<string, HostingProvider>(StringComparer.Ordinal)
        {
            ["digitalocean_droplet"] = HostingProvider.DigitalOcean,
            ["aws_instance"] = HostingProvider.Aws,
            ["scaleway_instance_server"] = HostingProvider.Scaleway,
        };

        /// <summary>The nodes of a state document; source names it in errors.</summary>
        public static IReadOnlyList<ProjectNode> Read(string json, string source)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException ex)
            {
                throw Invalid(source, "it is not JSON (" + ex.Message + ")");
            }

            using (document)
            {
                var root = document.RootElement;
                var found = new List<(string Address, string Type, JsonElement Values)>();
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Number && root.TryGetProperty("resources", out var resources))
                {
                    if (version.GetInt32() != 4)
                    {
                        throw Invalid(source, $"its state format is version {version.GetInt32()}; Terraform 0.12 and later write version 4");
                    }

                    foreach (var r in Array(resources))
                    {
                        if (Str(r, "mode") != "managed" || Str(r, "type") is not { } type || !NodeTypes.ContainsKey(type))
                        {
                            continue;
                        }

                        var address = (Str(r, "module") is { } module ? module + "." : string.Empty) + type + "." + Str(r, "name");
                        foreach (var instance in r.TryGetProperty("instances", out var instances) ? Array(instances) : Enumerable.Empty<JsonElement>())
                        {
                            if (instance.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
                            {
                                var key = instance.TryGetProperty("index_key", out var k) ? "[" + k.GetRawText() + "]" : string.Empty;
                                found.Add((address + key, type, attributes));
                            }
                        }
                    }
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format_version", out _))
                {
                    if (root.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object && values.TryGetProperty("root_module", out var module))
                    {
                        Walk(module, found, 0, source);
                    }
                }
                else
                {
                    throw Invalid(source, "it is neither a state file (version 4) nor `terraform show -json` output (format_version)");
                }

                return found.Select(f => ToNode(f.Type, f.Values)).OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
            }
        }

        private static void Walk(JsonElement module, List<(string, string, JsonElement)> found, int depth, string source)
        {
            if (depth > 64)
            {
                throw Invalid(source, "its modules nest more than 64 deep");
            }

            foreach (var r in module.TryGetProperty("resources", out var resources) ? Array(resources) : Enumerable.Empty<JsonElement>())
            {
                if (Str(r, "mode") == "managed" && Str(r, "type") is { } type && NodeTypes.ContainsKey(type) && r.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object)
                {
                    found.Add((Str(r, "address") ?? type, type, v));
                }
            }

            foreach (var child in module.TryGetProperty("child_modules", out var children) ? Array(children) : Enumerable.Empty<JsonElement>())
            {
                Walk(child, found, depth + 1, source);
            }
        }

        private static ProjectNode ToNode(string type, JsonElement a)
        {
            var kind = NodeTypes[type];
            return kind switch
            {
                HostingProvider.DigitalOcean => Node(kind, Str(a, "id"), Str(a, "name"), StrList(a, "tags"), Str(a, "region"), Str(a, "size"), Str(a, "ipv4_address"), Str(a, "ipv6_address"),
                    "root", Str(a, "status"), Str(a, "created_at"), n =>
                    {
                        n.Image = Str(a, "image");
                        n.DiskGB = Int(a, "disk");
                        n.Features = new[] { "backups", "ipv6", "monitoring" }.Where(f => Bool(a, f)).ToList();
                    }),
                HostingProvider.Aws => Aws(a),
                _ => Scaleway(a),
            };
        }

        private static ProjectNode Aws(JsonElement a)
        {
            var tags = a.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object
                ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? string.Empty : p.Value.GetRawText(), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            var list = tags.Select(p => AwsProvider.TagText(p.Key, p.Value)).ToList();
            var ipv6 = a.TryGetProperty("ipv6_addresses", out var six) && six.ValueKind == JsonValueKind.Array ? six.EnumerateArray().Select(x => x.GetString()).FirstOrDefault() : null;
            return Node(HostingProvider.Aws, Str(a, "id"), tags.TryGetValue("Name", out var name) ? name : Str(a, "id"), list, Str(a, "availability_zone"), Str(a, "instance_type"),
                Str(a, "public_ip"), ipv6, "ubuntu", Str(a, "instance_state"), null, n =>
                {
                    n.Image = Str(a, "ami");
                    n.KeyName = Str(a, "key_name");
                    n.ProviderTags = tags;
                });
        }

        private static ProjectNode Scaleway(JsonElement a)
        {
            // Scaleway's ids in state carry their zone (fr-par-1/uuid); the API's do not.
            static string? Bare(string? id) => id is null ? null : id.Substring(id.LastIndexOf('/') + 1);
            string? v4 = null, v6 = null;
            foreach (var ip in a.TryGetProperty("public_ips", out var ips) ? Array(ips) : Enumerable.Empty<JsonElement>())
            {
                var address = Str(ip, "address");
                if (Str(ip, "family") == "inet6")
                {
                    v6 ??= address;
                }
                else
                {
                    v4 ??= address;
                }
            }

            v4 ??= Str(a, "public_ip");
            return Node(HostingProvider.Scaleway, Bare(Str(a, "id")), Str(a, "name"), StrList(a, "tags"), Str(a, "zone"), Str(a, "type"), v4, v6, "root", Str(a, "state"), null, n =>
            {
                n.Image = Bare(Str(a, "image"));
                n.AddressId = Bare(Str(a, "ip_id"));
                if (a.TryGetProperty("root_volume", out var rv) && rv.ValueKind == JsonValueKind.Array && rv.GetArrayLength() > 0)
                {
                    n.DiskGB = Int(rv[0], "size_in_gb");
                    n.Volumes = new[] { Bare(Str(rv[0], "volume_id")) + ":" + Str(rv[0], "volume_type") };
                }
            });
        }

        private static ProjectNode Node(HostingProvider kind, string? id, string? name, List<string> tags, string? region, string? size, string? v4, string? v6,
            string user, string? status, string? created, Action<ProjectNode> more)
        {
            var nodeName = name ?? id ?? string.Empty;
            var node = new ProjectNode
            {
                Provider = kind,
                Id = id ?? string.Empty,
                Name = nodeName,
                Project = NodeNaming.ProjectOf(nodeName, tags),
                Role = NodeNaming.RoleOf(tags),
                Region = region,
                Size = size,
                PublicIPv4 = string.IsNullOrEmpty(v4) ? null : v4,
                PublicIPv6 = string.IsNullOrEmpty(v6) ? null : v6,
                HostName = v4 ?? string.Empty,
                Port = 22,
                User = user,
                Tags = tags,
                Status = status ?? string.Empty,
                Created = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : default,
            };
            more(node);
            return node;
        }

        private static ReleaseOpsException Invalid(string source, string why) =>
            new(ErrorIds.TerraformStateInvalid, FailureCategory.InvalidData, $"{source} cannot be read as Terraform state: {why}.",
                "Pass a state file (terraform state pull > state.json) or the output of terraform show -json.", source);

        private static IEnumerable<JsonElement> Array(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>();

        private static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            } : null;

        private static int? Int(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

        private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

        private static List<string> StrList(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList() : new List<string>();
    }
}
