using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// Scaleway's Instance, Block and Marketplace APIs over HttpClient. Servers are created stopped (201), so they
    /// are powered on (202 and a task) and polled until running. Deleting a server leaves its volumes and flexible
    /// IPs behind, so they are deleted too. The admin's key goes in through cloud-init user data.
    /// </summary>
    public sealed class ScalewayProvider : INodeProvider
    {
        private static readonly Regex UbuntuName = new(@"^Ubuntu (\d+)\.(\d+)\b", RegexOptions.CultureInvariant);
        private readonly ProviderHttpClient api;
        private readonly ProviderSettings settings;
        private readonly IOperationReporter reporter;

        public ScalewayProvider(ProviderSettings settings, IOperationReporter reporter)
        {
            this.settings = settings;
            this.reporter = reporter;
            api = settings.ScalewayClient(reporter);
        }

        /// <inheritdoc />
        public HostingProvider Kind => HostingProvider.Scaleway;

        /// <inheritdoc />
        public int RequestCount => api.RequestCount;

        /// <summary>The HTTP client, for request logs.</summary>
        public ProviderHttpClient Api => api;

        /// <inheritdoc />
        public async Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token)
        {
            var zone = request.Region ?? settings.ScalewayZone;
            var project = settings.ScalewayProjectId ?? throw ProviderSettings.Missing("Scaleway", "SCW_DEFAULT_PROJECT_ID", "-ScalewayProjectId");
            var name = request.Name;
            var tags = NodeNaming.TagsFor(request);
            var existing = await FindAsync(zone, request.Project, name, request.Role, token).ConfigureAwait(false);
            string id;
            if (existing is not null)
            {
                reporter.Verbose($"Scaleway server {name} ({Id(existing.Value)}) already exists; it is not created again.");
                request.FoundExisting = true;
                id = Id(existing.Value);
            }
            else
            {
                var sizes = await ListSizesAsync(zone, token).ConfigureAwait(false);
                var size = request.Size is { } explicitSize
                    ? ProviderSteps.RequireSize(Kind, sizes, zone, explicitSize)
                    : ProviderSteps.ChooseSize(Kind, sizes, zone, request.MemoryGB, request.DiskGB);
                var image = await LatestUbuntuAsync(zone, size.Name, token).ConfigureAwait(false);
                reporter.Verbose($"Creating Scaleway server {name} in {zone}: {size.Name}, {image.Label} ({image.Id}).");
                var body = new Dictionary<string, object?>
                {
                    ["name"] = name,
                    ["commercial_type"] = size.Name,
                    ["image"] = image.Id,
                    ["project"] = project,
                    ["tags"] = tags,
                    ["dynamic_ip_required"] = true,
                    ["enable_ipv6"] = false,
                    ["boot_type"] = "local",
                    ["volumes"] = new Dictionary<string, object> { ["0"] = new { size = (long)request.DiskGB * 1_000_000_000L, volume_type = "sbs_volume" } },
                };
                try
                {
                    var created = await api.SendAsync(HttpMethod.Post, $"instance/v1/zones/{zone}/servers", body, token, unsafeToRepeat: true).ConfigureAwait(false);
                    id = Id(api.Need(created.Body, "server", "POST servers"));
                }
                catch (ReleaseOpsException ex) when (ex.ErrorId is ErrorIds.ProviderUnavailable or ErrorIds.ProviderTimeout or ErrorIds.ProviderUnreachable)
                {
                    reporter.Warning($"Scaleway did not confirm the creation of {name} ({ex.ErrorId}); checking whether it was created.");
                    JsonElement? found = null;
                    for (var i = 0; i < settings.ConsistencyChecks && found is null; i++)
                    {
                        found = await FindAsync(zone, request.Project, name, request.Role, token).ConfigureAwait(false);
                        if (found is null)
                        {
                            await Task.Delay(settings.PollInterval, token).ConfigureAwait(false);
                        }
                    }

                    found ??= api.Need((await api.SendAsync(HttpMethod.Post, $"instance/v1/zones/{zone}/servers", body, token, unsafeToRepeat: true).ConfigureAwait(false)).Body, "server", "POST servers");
                    id = Id(found.Value);
                }
            }

            var server = await GetAsync(zone, id, token).ConfigureAwait(false);
            if (Str(server, "state") is "stopped" or "stopped in place")
            {
                // The key is given as cloud-init user data before the first boot.
                var keys = request.PublicKeys.Select(k => PublicKey.Parse(k).Line).ToList();
                if (keys.Count > 0)
                {
                    await api.SendAsync(new HttpMethod("PATCH"), $"instance/v1/zones/{zone}/servers/{id}/user_data/cloud-init", new RawContent(CloudConfig(keys), "text/plain"), token).ConfigureAwait(false);
                }

                await api.SendAsync(HttpMethod.Post, $"instance/v1/zones/{zone}/servers/{id}/action", new { action = "poweron" }, token, accept: 400).ConfigureAwait(false);
            }

            var running = await ProviderSteps.PollAsync($"Waiting for Scaleway server {name} to run", async _ =>
            {
                var s = await TryGetAsync(zone, id, token).ConfigureAwait(false);
                return s is { } x && Str(x, "state") == "running" && PublicAddress(x, "inet") is not null ? (object)x : null;
            }, settings.CreateTimeout, settings.PollInterval, reporter, token, ErrorIds.NodeCreateTimeout,
                "The server may still start. Run the same New-ProjectNode again: it finds the server and waits for it.", name).ConfigureAwait(false);
            return ToNode((JsonElement)running, zone);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token)
        {
            // Servers live in zones: every zone that ReleaseOps creates in is listed (SCW_ZONES, else the default zone).
            var tag = project is null ? NodeNaming.ManagedTag : NodeNaming.ProjectTag(project);
            var nodes = new List<ProjectNode>();
            foreach (var zone in settings.ScalewayZones)
            {
                var servers = await PagesAsync($"instance/v1/zones/{zone}/servers?tags={Uri.EscapeDataString(tag)}", "servers", token).ConfigureAwait(false);
                nodes.AddRange(servers.Select(s => ToNode(s, zone)));
            }

            return nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Region, StringComparer.Ordinal).ToList();
        }

        /// <inheritdoc />
        public async Task RemoveAsync(ProjectNode node, CancellationToken token)
        {
            var zone = node.Region ?? settings.ScalewayZone;
            var server = await TryGetAsync(zone, node.Id, token).ConfigureAwait(false);
            if (server is null)
            {
                reporter.Verbose($"Scaleway server {node.Id} was already gone.");
                return;
            }

            var volumes = Volumes(server.Value).ToList();
            var ips = server.Value.TryGetProperty("public_ips", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(ip => Str(ip, "id")).Where(x => x is not null).Select(x => x!).ToList()
                : new List<string>();
            if (Str(server.Value, "state") != "stopped")
            {
                await api.SendAsync(HttpMethod.Post, $"instance/v1/zones/{zone}/servers/{node.Id}/action", new { action = "poweroff" }, token, accept: 400).ConfigureAwait(false);
                await ProviderSteps.PollAsync($"Stopping Scaleway server {node.Name}", async _ =>
                {
                    var s = await TryGetAsync(zone, node.Id, token).ConfigureAwait(false);
                    return s is null || Str(s.Value, "state") == "stopped" ? "stopped" : null;
                }, settings.CreateTimeout, settings.PollInterval, reporter, token, "NodeStopTimeout", "Run Remove-ProjectNode again; it resumes.", node).ConfigureAwait(false);
            }

            await api.SendAsync(HttpMethod.Delete, $"instance/v1/zones/{zone}/servers/{node.Id}", null, token, accept: 404).ConfigureAwait(false);
            foreach (var (volumeId, type) in volumes)
            {
                var path = type.StartsWith("sbs", StringComparison.Ordinal) ? $"block/v1alpha1/zones/{zone}/volumes/{volumeId}" : $"instance/v1/zones/{zone}/volumes/{volumeId}";
                await api.SendAsync(HttpMethod.Delete, path, null, token, accept: 404).ConfigureAwait(false);
                reporter.Verbose($"Deleted volume {volumeId} of {node.Name}.");
            }

            foreach (var ip in ips)
            {
                await api.SendAsync(HttpMethod.Delete, $"instance/v1/zones/{zone}/ips/{ip}", null, token, accept: 404).ConfigureAwait(false);
                reporter.Verbose($"Released the flexible IP {ip} of {node.Name}.");
            }
        }

        /// <inheritdoc />
        public async Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token)
        {
            var zone = node.Region ?? settings.ScalewayZone;
            var server = await GetAsync(zone, node.Id, token).ConfigureAwait(false);
            var root = Volumes(server).FirstOrDefault();
            if (root.Id is null)
            {
                throw new ReleaseOpsException(ErrorIds.NodeHasNoVolume, FailureCategory.InvalidData, $"Scaleway server {node.Name} has no volume to snapshot.", "Check the server in the Scaleway console.", node);
            }

            var posted = await api.SendAsync(HttpMethod.Post, $"block/v1alpha1/zones/{zone}/snapshots",
                new { volume_id = root.Id, name, project_id = settings.ScalewayProjectId, tags = new[] { NodeNaming.ManagedTag, "node:" + node.Id } }, token, unsafeToRepeat: true).ConfigureAwait(false);
            var id = Id(posted.Body);
            var done = await ProviderSteps.PollAsync($"Snapshot {name} of {node.Name}", async _ =>
            {
                var s = await api.GetAsync($"block/v1alpha1/zones/{zone}/snapshots/{id}", token).ConfigureAwait(false);
                if (Str(s, "status") == "error")
                {
                    throw new ReleaseOpsException(ErrorIds.SnapshotFailed, FailureCategory.InvalidResult, $"Scaleway reports that the snapshot {name} of {node.Name} failed.", "Check it in the Scaleway console, then take it again.", node);
                }

                return Str(s, "status") == "available" ? (object)s : null;
            }, settings.SnapshotTimeout, settings.PollInterval, reporter, token, ErrorIds.SnapshotTimeout, "The snapshot may still complete; list it later with Get-NodeSnapshot.", node).ConfigureAwait(false);
            return ToSnapshot((JsonElement)done, node);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token)
        {
            var zone = node?.Region ?? settings.ScalewayZone;
            var query = node is null ? string.Empty : "?volume_id=" + Uri.EscapeDataString(Volumes(await GetAsync(zone, node.Id, token).ConfigureAwait(false)).FirstOrDefault().Id ?? string.Empty);
            var items = await PagesAsync($"block/v1alpha1/zones/{zone}/snapshots{query}", "snapshots", token, "page_size").ConfigureAwait(false);
            return items.Select(s => ToSnapshot(s, node)).ToList();
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token)
        {
            var zone = region ?? settings.ScalewayZone;
            var sizes = new List<NodeSize>();
            for (var page = 1; ; page++)
            {
                var response = await api.SendAsync(HttpMethod.Get, $"instance/v1/zones/{zone}/products/servers?per_page=100&page={page}", null, token).ConfigureAwait(false);
                var servers = api.Need(response.Body, "servers", "GET products/servers");
                foreach (var p in servers.EnumerateObject())
                {
                    if (Str(p.Value, "arch") is { } arch && arch != "x86_64")
                    {
                        continue;
                    }

                    sizes.Add(new NodeSize
                    {
                        Name = p.Name,
                        MemoryGB = Num(p.Value, "ram") / (1024.0 * 1024 * 1024),
                        Cpus = (int)Num(p.Value, "ncpus"),
                        MonthlyPrice = Num(p.Value, "monthly_price"),
                        Regions = new[] { zone },
                    });
                }

                var total = response.Headers.TryGetValue("x-total-count", out var t) && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
                if (servers.EnumerateObject().Count() == 0 || page * 100 >= total)
                {
                    return ProviderCatalog.Record(Kind, sizes, region);
                }
            }
        }

        /// <inheritdoc />
        public async Task TagAsync(ProjectNode node, string tag, CancellationToken token)
        {
            var zone = node.Region ?? settings.ScalewayZone;
            var server = await GetAsync(zone, node.Id, token).ConfigureAwait(false);
            var tags = server.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>();
            if (tag.StartsWith(NodeNaming.StackStoppedPrefix, StringComparison.Ordinal))
            {
                tags.RemoveAll(x => x.StartsWith(NodeNaming.StackStoppedPrefix, StringComparison.Ordinal));
            }

            tags.Add(tag);
            await api.SendAsync(new HttpMethod("PATCH"), $"instance/v1/zones/{zone}/servers/{node.Id}", new { tags }, token).ConfigureAwait(false);
        }

        /// <summary>The newest Ubuntu LTS in the Marketplace, resolved to the local image for the zone and type.</summary>
        public async Task<(string Label, string Id)> LatestUbuntuAsync(string zone, string commercialType, CancellationToken token)
        {
            var labels = new List<(string Label, int Major)>();
            for (var page = 1; ; page++)
            {
                var body = await api.GetAsync($"marketplace/v2/images?include_eol=false&order_by=name_asc&page_size=100&page={page}", token).ConfigureAwait(false);
                var images = api.Need(body, "images", "GET marketplace images");
                foreach (var image in images.EnumerateArray())
                {
                    var m = UbuntuName.Match(Str(image, "name") ?? string.Empty);
                    if (m.Success && ProviderSteps.IsLts(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) && Str(image, "label") is { } label)
                    {
                        labels.Add((label, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
                    }
                }

                var total = body.TryGetProperty("total_count", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0;
                if (images.GetArrayLength() == 0 || page * 100 >= total)
                {
                    break;
                }
            }

            foreach (var (label, _) in labels.OrderByDescending(l => l.Major))
            {
                var local = await api.SendAsync(HttpMethod.Get, $"marketplace/v2/local-images?image_label={Uri.EscapeDataString(label)}&zone={Uri.EscapeDataString(zone)}&type=instance_sbs&order_by=type_asc", null, token, accept: 404).ConfigureAwait(false);
                if (local.Status == 404)
                {
                    continue;
                }

                var match = api.Need(local.Body, "local_images", "GET local-images").EnumerateArray()
                    .FirstOrDefault(i => Str(i, "arch") == "x86_64" && i.TryGetProperty("compatible_commercial_types", out var types) && types.EnumerateArray().Any(x => x.GetString() == commercialType));
                if (match.ValueKind != JsonValueKind.Undefined)
                {
                    return (label, Id(match));
                }
            }

            throw new ReleaseOpsException(ErrorIds.NoUbuntuImage, FailureCategory.ObjectNotFound, $"Scaleway's Marketplace has no Ubuntu LTS image for {commercialType} in {zone}.",
                "Choose another size with -Size, or another zone with -Region.", zone);
        }

        /// <inheritdoc />
        public void Dispose() => api.Dispose();

        /// <summary>
        /// The cloud-init user data that authorizes these keys: "#cloud-config" and then a JSON document, which is
        /// valid YAML, written by a real serializer. A key's comment is free text (quotes, backslashes, a literal
        /// "\n", colons, "#"), and each key comes back from the YAML as exactly one string, comment intact.
        /// </summary>
        public static string CloudConfig(IEnumerable<string> keyLines)
        {
            var document = new Dictionary<string, object> { ["ssh_authorized_keys"] = keyLines.ToList() };

            // The relaxed encoder leaves non-ASCII text as UTF-8 (YAML's \u escapes cannot carry a surrogate pair);
            // quotes, backslashes and control characters are still escaped, as JSON and YAML both read them.
            var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            return "#cloud-config\n" + JsonSerializer.Serialize(document, options) + "\n";
        }

        private async Task<JsonElement?> FindAsync(string zone, string project, string name, string? role, CancellationToken token)
        {
            var servers = await PagesAsync($"instance/v1/zones/{zone}/servers?tags={Uri.EscapeDataString(NodeNaming.ProjectTag(project))}&name={Uri.EscapeDataString(name)}", "servers", token).ConfigureAwait(false);
            var match = servers.Where(s => Str(s, "name") == name && NodeNaming.RoleOf(s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty) : Enumerable.Empty<string>()) == role).OrderBy(s => Str(s, "creation_date"), StringComparer.Ordinal).ToList();
            return match.Count == 0 ? null : match[0];
        }

        private async Task<JsonElement> GetAsync(string zone, string id, CancellationToken token) =>
            await TryGetAsync(zone, id, token).ConfigureAwait(false) ?? throw new ReleaseOpsException(ErrorIds.NodeNotFound, FailureCategory.ObjectNotFound,
                $"Scaleway has no server {id} in {zone}.", "List the nodes with Get-ProjectNode -Provider Scaleway.", id);

        private async Task<JsonElement?> TryGetAsync(string zone, string id, CancellationToken token)
        {
            var response = await api.SendAsync(HttpMethod.Get, $"instance/v1/zones/{zone}/servers/{Uri.EscapeDataString(id)}", null, token, accept: 404).ConfigureAwait(false);
            return response.Status == 404 ? null : api.Need(response.Body, "server", "GET server");
        }

        /// <summary>Every page of a list. The Instance API sizes pages with per_page; the Block API with page_size.</summary>
        private async Task<List<JsonElement>> PagesAsync(string path, string key, CancellationToken token, string sizeParameter = "per_page")
        {
            var items = new List<JsonElement>();
            var sep = path.IndexOf('?') >= 0 ? "&" : "?";
            for (var page = 1; ; page++)
            {
                var response = await api.SendAsync(HttpMethod.Get, $"{path}{sep}{sizeParameter}=100&page={page}", null, token).ConfigureAwait(false);
                var list = api.Need(response.Body, key, "GET " + path);
                items.AddRange(list.EnumerateArray());

                // Instance lists give the total in X-Total-Count; Block lists in the body's total_count.
                var total = response.Headers.TryGetValue("x-total-count", out var t) && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : response.Body.TryGetProperty("total_count", out var tc) && tc.ValueKind == JsonValueKind.Number ? tc.GetInt32() : 0;
                if (list.GetArrayLength() == 0 || items.Count >= total)
                {
                    return items;
                }
            }
        }

        private static IEnumerable<(string Id, string Type)> Volumes(JsonElement server)
        {
            if (!server.TryGetProperty("volumes", out var volumes) || volumes.ValueKind != JsonValueKind.Object)
            {
                yield break;
            }

            foreach (var v in volumes.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (Str(v.Value, "id") is { } id)
                {
                    yield return (id, Str(v.Value, "volume_type") ?? "sbs_volume");
                }
            }
        }

        private ProjectNode ToNode(JsonElement s, string zone)
        {
            var name = Str(s, "name") ?? string.Empty;
            var tags = s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>();
            var v4 = PublicAddress(s, "inet");
            return new ProjectNode
            {
                Provider = Kind,
                Id = Id(s),
                Name = name,
                Project = NodeNaming.ProjectOf(name, tags),
                Role = NodeNaming.RoleOf(tags),
                Region = Str(s, "zone") ?? zone,
                Size = Str(s, "commercial_type"),
                PublicIPv4 = v4,
                PublicIPv6 = PublicAddress(s, "inet6"),
                HostName = v4 ?? string.Empty,
                User = "root",
                Created = DateTimeOffset.TryParse(Str(s, "creation_date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : default,
                Tags = tags,
                Status = Str(s, "state") ?? string.Empty,
                Image = s.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.Object ? Str(image, "id") : null,
                DiskGB = RootVolume(s) is { } root && root.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number ? (int)(size.GetInt64() / 1_000_000_000L) : null,
                AddressId = s.TryGetProperty("public_ips", out var ips) && ips.ValueKind == JsonValueKind.Array
                    ? ips.EnumerateArray().Where(a => Str(a, "family") is null or "inet" && !(a.TryGetProperty("dynamic", out var dyn) && dyn.ValueKind == JsonValueKind.True)).Select(a => Str(a, "id")).FirstOrDefault()
                    : null,
                Features = new[] { ("dynamic_ip_required", "dynamic_ip"), ("protected", "protected"), ("enable_ipv6", "ipv6") }
                    .Where(x => s.TryGetProperty(x.Item1, out var flag) && flag.ValueKind == JsonValueKind.True).Select(x => x.Item2).ToList(),
                Volumes = s.TryGetProperty("volumes", out var volumes) && volumes.ValueKind == JsonValueKind.Object
                    ? volumes.EnumerateObject().OrderBy(p => p.Name.Length).ThenBy(p => p.Name, StringComparer.Ordinal).Select(p => Str(p.Value, "id") + ":" + (Str(p.Value, "volume_type") ?? string.Empty)).ToList()
                    : new List<string>(),
            };
        }

        private static JsonElement? RootVolume(JsonElement s) =>
            s.TryGetProperty("volumes", out var volumes) && volumes.ValueKind == JsonValueKind.Object && volumes.TryGetProperty("0", out var root) && root.ValueKind == JsonValueKind.Object ? root : null;

        private NodeSnapshot ToSnapshot(JsonElement s, ProjectNode? node) => new()
        {
            Provider = Kind,
            Id = Id(s),
            Name = Str(s, "name") ?? string.Empty,
            NodeId = node?.Id ?? string.Empty,
            NodeName = node?.Name ?? string.Empty,
            Region = Str(s, "zone"),
            SizeGB = Num(s, "size") / 1_000_000_000.0,
            Status = Str(s, "status") ?? string.Empty,
            Created = DateTimeOffset.TryParse(Str(s, "created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : default,
        };

        private static string? PublicAddress(JsonElement s, string family)
        {
            if (s.TryGetProperty("public_ips", out var ips) && ips.ValueKind == JsonValueKind.Array)
            {
                var address = ips.EnumerateArray().Where(ip => (Str(ip, "family") ?? "inet") == family).Select(ip => Str(ip, "address")).FirstOrDefault();
                if (address is not null)
                {
                    return address;
                }
            }

            return family == "inet" && s.TryGetProperty("public_ip", out var one) && one.ValueKind == JsonValueKind.Object ? Str(one, "address") : null;
        }

        private static string Id(JsonElement e) => ProviderHttpClient.Str(e, "id") ?? string.Empty;

        private static string? Str(JsonElement e, string name) => ProviderHttpClient.Str(e, name);

        private static double Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
    }
}
