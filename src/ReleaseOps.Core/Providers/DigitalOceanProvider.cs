using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// DigitalOcean's REST API v2 over HttpClient. Droplet names are not unique, so a droplet is found by its
    /// project tag and name before one is created; creation is asynchronous (202, status new, then active).
    /// </summary>
    public sealed class DigitalOceanProvider : INodeProvider
    {
        /// <summary>The region for data that must stay in Canada, and the default.</summary>
        public const string DefaultRegion = "tor1";

        private static readonly Regex UbuntuSlug = new(@"^ubuntu-(\d+)-(\d+)-x64$", RegexOptions.CultureInvariant);
        private readonly ProviderHttpClient api;
        private readonly ProviderSettings settings;
        private readonly IOperationReporter reporter;

        public DigitalOceanProvider(ProviderSettings settings, IOperationReporter reporter)
        {
            this.settings = settings;
            this.reporter = reporter;
            api = settings.DigitalOceanClient(reporter);
        }

        /// <inheritdoc />
        public HostingProvider Kind => HostingProvider.DigitalOcean;

        /// <inheritdoc />
        public int RequestCount => api.RequestCount;

        /// <summary>The HTTP client, for request logs.</summary>
        public ProviderHttpClient Api => api;

        /// <inheritdoc />
        public async Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token)
        {
            var name = request.Name;
            var tags = NodeNaming.TagsFor(request);
            var existing = await FindAsync(request.Project, name, request.Role, token).ConfigureAwait(false);
            if (existing is not null)
            {
                reporter.Verbose($"Droplet {name} ({Id(existing.Value)}) already exists; it is not created again.");
                request.FoundExisting = true;
                return await WaitActiveAsync(Id(existing.Value), name, token).ConfigureAwait(false);
            }

            var region = request.Region ?? DefaultRegion;
            await RequireRegionAsync(region, token).ConfigureAwait(false);
            var sizes = await ListSizesAsync(region, token).ConfigureAwait(false);
            var size = request.Size is { } explicitSize
                ? ProviderSteps.RequireSize(Kind, sizes, region, explicitSize)
                : ProviderSteps.ChooseSize(Kind, sizes, region, request.MemoryGB, request.DiskGB);
            var image = await LatestUbuntuAsync(region, token).ConfigureAwait(false);
            var keyId = await EnsureKeyAsync(request.PublicKeys, token).ConfigureAwait(false);
            reporter.Verbose($"Creating droplet {name} in {region}: {size.Name}, {image}.");

            var body = new Dictionary<string, object?>
            {
                ["name"] = name,
                ["region"] = region,
                ["size"] = size.Name,
                ["image"] = image,
                ["ssh_keys"] = new object[] { SshKeyReference(keyId) },
                ["ipv6"] = true,
                ["monitoring"] = true,
                ["tags"] = tags,
            };

            string id;
            try
            {
                var created = await api.SendAsync(HttpMethod.Post, "v2/droplets", body, token, unsafeToRepeat: true).ConfigureAwait(false);
                id = Id(api.Need(created.Body, "droplet", "POST /v2/droplets"));
            }
            catch (ReleaseOpsException ex) when (ex.ErrorId is ErrorIds.ProviderUnavailable or ErrorIds.ProviderTimeout or ErrorIds.ProviderUnreachable)
            {
                // The request may have created the droplet. Look for it (lists lag behind creation) before trying again.
                reporter.Warning($"DigitalOcean did not confirm the creation of {name} ({ex.ErrorId}); checking whether it was created.");
                var found = await FindAfterAmbiguousCreateAsync(request.Project, name, request.Role, token).ConfigureAwait(false);
                if (found is null)
                {
                    var created = await api.SendAsync(HttpMethod.Post, "v2/droplets", body, token, unsafeToRepeat: true).ConfigureAwait(false);
                    found = api.Need(created.Body, "droplet", "POST /v2/droplets");
                }

                id = Id(found.Value);
            }

            return await WaitActiveAsync(id, name, token).ConfigureAwait(false);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token)
        {
            var tag = project is null ? NodeNaming.ManagedTag : NodeNaming.ProjectTag(project);
            var droplets = await PagesAsync($"v2/droplets?tag_name={Uri.EscapeDataString(tag)}&per_page=200", "droplets", token).ConfigureAwait(false);
            return droplets.Select(ToNode).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        }

        /// <inheritdoc />
        public async Task RemoveAsync(ProjectNode node, CancellationToken token)
        {
            var response = await api.SendAsync(HttpMethod.Delete, $"v2/droplets/{Uri.EscapeDataString(node.Id)}", null, token, accept: 404).ConfigureAwait(false);
            if (response.Status == 404)
            {
                reporter.Verbose($"Droplet {node.Id} was already gone.");
            }
        }

        /// <inheritdoc />
        public async Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token)
        {
            var posted = await api.SendAsync(HttpMethod.Post, $"v2/droplets/{Uri.EscapeDataString(node.Id)}/actions", new { type = "snapshot", name }, token, unsafeToRepeat: true).ConfigureAwait(false);
            var actionId = Id(api.Need(posted.Body, "action", "snapshot action"));
            await ProviderSteps.PollAsync($"Snapshot {name} of {node.Name}", async _ =>
            {
                var action = api.Need(await api.GetAsync($"v2/actions/{actionId}", token).ConfigureAwait(false), "action", "GET /v2/actions");
                var status = Str(action, "status");
                if (status == "errored")
                {
                    throw new ReleaseOpsException(ErrorIds.SnapshotFailed, FailureCategory.InvalidResult, $"DigitalOcean reports that the snapshot {name} of {node.Name} failed (action {actionId}).",
                        "Check the droplet in the DigitalOcean console, then take the snapshot again.", node);
                }

                return status == "completed" ? (object)status : null;
            }, settings.SnapshotTimeout, settings.PollInterval, reporter, token, ErrorIds.SnapshotTimeout, "The snapshot may still complete; list it later with Get-NodeSnapshot.", node).ConfigureAwait(false);

            // The action does not name the image; the droplet's snapshots do.
            var snapshots = await ListSnapshotsAsync(node, token).ConfigureAwait(false);
            return snapshots.Where(s => s.Name == name).OrderByDescending(s => s.Created).FirstOrDefault()
                ?? throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult,
                    $"The snapshot action {actionId} completed, but {node.Name} has no snapshot named {name}.", "List the snapshots with Get-NodeSnapshot; retry if it is missing.", node);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token)
        {
            if (node is null)
            {
                var all = new List<NodeSnapshot>();
                foreach (var n in await ListAsync(null, token).ConfigureAwait(false))
                {
                    all.AddRange(await ListSnapshotsAsync(n, token).ConfigureAwait(false));
                }

                return all;
            }

            var items = await PagesAsync($"v2/droplets/{Uri.EscapeDataString(node.Id)}/snapshots?per_page=200", "snapshots", token).ConfigureAwait(false);
            return items.Select(s => new NodeSnapshot
            {
                Provider = Kind,
                Id = Id(s),
                Name = Str(s, "name") ?? string.Empty,
                NodeId = node.Id,
                NodeName = node.Name,
                Region = s.TryGetProperty("regions", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() > 0 ? r[0].GetString() : node.Region,
                SizeGB = s.TryGetProperty("size_gigabytes", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetDouble() : null,
                Status = "available",
                Created = Date(s, "created_at"),
            }).ToList();
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token)
        {
            var items = await PagesAsync("v2/sizes?per_page=200", "sizes", token).ConfigureAwait(false);
            return ProviderCatalog.Record(Kind, items
                .Where(s => !s.TryGetProperty("available", out var a) || a.ValueKind != JsonValueKind.False)
                .Select(s => new NodeSize
                {
                    Name = Str(s, "slug") ?? string.Empty,
                    MemoryGB = Num(s, "memory") / 1024.0,
                    Cpus = (int)Num(s, "vcpus"),
                    DiskGB = (int)Num(s, "disk"),
                    MonthlyPrice = Num(s, "price_monthly"),
                    Regions = s.TryGetProperty("regions", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>(),
                })
                .Where(s => region is null || s.Regions.Count == 0 || s.Regions.Contains(region))
                .ToList());
        }

        /// <inheritdoc />
        public async Task TagAsync(ProjectNode node, string tag, CancellationToken token)
        {
            await api.SendAsync(HttpMethod.Post, "v2/tags", new { name = tag }, token, accept: 422).ConfigureAwait(false);
            await api.SendAsync(HttpMethod.Post, $"v2/tags/{Uri.EscapeDataString(tag)}/resources",
                new { resources = new[] { new { resource_id = node.Id, resource_type = "droplet" } } }, token).ConfigureAwait(false);
        }

        /// <summary>The newest Ubuntu LTS distribution image offered in the region, as a slug.</summary>
        public async Task<string> LatestUbuntuAsync(string region, CancellationToken token)
        {
            var images = await PagesAsync("v2/images?type=distribution&per_page=200", "images", token).ConfigureAwait(false);
            var best = images
                .Select(i => (Image: i, Match: UbuntuSlug.Match(Str(i, "slug") ?? string.Empty)))
                .Where(x => x.Match.Success && Str(x.Image, "status") is null or "available")
                .Select(x => (x.Image, Major: int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), Minor: int.Parse(x.Match.Groups[2].Value, CultureInfo.InvariantCulture)))
                .Where(x => ProviderSteps.IsLts(x.Major, x.Minor))
                .Where(x => !x.Image.TryGetProperty("regions", out var r) || r.ValueKind != JsonValueKind.Array || r.GetArrayLength() == 0 || r.EnumerateArray().Any(e => e.GetString() == region))
                .OrderByDescending(x => x.Major)
                .FirstOrDefault();
            if (best.Image.ValueKind == JsonValueKind.Undefined)
            {
                throw new ReleaseOpsException(ErrorIds.NoUbuntuImage, FailureCategory.ObjectNotFound, $"DigitalOcean offers no Ubuntu LTS distribution image in {region}.",
                    "Choose another region with -Region.", region);
            }

            return Str(best.Image, "slug")!;
        }

        /// <inheritdoc />
        public void Dispose() => api.Dispose();

        private async Task RequireRegionAsync(string region, CancellationToken token)
        {
            var regions = await PagesAsync("v2/regions?per_page=200", "regions", token).ConfigureAwait(false);
            var match = regions.FirstOrDefault(r => Str(r, "slug") == region);
            if (match.ValueKind == JsonValueKind.Undefined || (match.TryGetProperty("available", out var a) && a.ValueKind == JsonValueKind.False))
            {
                var available = regions.Where(r => !r.TryGetProperty("available", out var x) || x.ValueKind != JsonValueKind.False).Select(r => Str(r, "slug"));
                throw new ReleaseOpsException(ErrorIds.UnknownRegion, FailureCategory.InvalidArgument,
                    $"DigitalOcean has no available region '{region}'. Available: {string.Join(", ", available)}.",
                    $"Pass one of them with -Region; {DefaultRegion} (Toronto) keeps data in Canada.", region);
            }
        }

        private async Task<string> EnsureKeyAsync(IReadOnlyList<string> keys, CancellationToken token)
        {
            if (keys.Count == 0)
            {
                throw new ReleaseOpsException(ErrorIds.NoPublicKey, FailureCategory.ObjectNotFound, "No public key was given to register at DigitalOcean.",
                    "Pass -PublicKey, or create a key with ssh-keygen -t ed25519.", null);
            }

            var key = PublicKey.Parse(keys[0]);
            var fingerprint = Md5Fingerprint(key);
            var found = await api.SendAsync(HttpMethod.Get, $"v2/account/keys/{fingerprint}", null, token, accept: 404).ConfigureAwait(false);
            if (found.Status == 200)
            {
                return Id(api.Need(found.Body, "ssh_key", "GET /v2/account/keys"));
            }

            var name = "releaseops " + (key.Comment.Length > 0 ? key.Comment : fingerprint);
            var created = await api.SendAsync(HttpMethod.Post, "v2/account/keys", new { name, public_key = key.Line }, token, accept: 422).ConfigureAwait(false);
            if (created.Status != 422)
            {
                reporter.Verbose($"Registered the SSH key {fingerprint} at DigitalOcean.");
                return Id(api.Need(created.Body, "ssh_key", "POST /v2/account/keys"));
            }

            // Registered meanwhile, or under another fingerprint format: find it in the list.
            var all = await PagesAsync("v2/account/keys?per_page=200", "ssh_keys", token).ConfigureAwait(false);
            var match = all.FirstOrDefault(k => Str(k, "fingerprint") == fingerprint || (Str(k, "public_key") ?? string.Empty).Contains(key.Base64));
            return match.ValueKind != JsonValueKind.Undefined ? Id(match) : throw new ReleaseOpsException(ErrorIds.ProviderRequestRejected, FailureCategory.InvalidArgument,
                $"DigitalOcean refused the SSH key {fingerprint}: {Str(created.Body, "message")}", "Check the key in the DigitalOcean console (Settings, Security).", fingerprint);
        }

        /// <summary>The id and name of a public key registered at DigitalOcean (found by its MD5 fingerprint), or null.</summary>
        public async Task<(string Id, string Name)?> FindKeyAsync(PublicKey key, CancellationToken token)
        {
            var found = await api.SendAsync(HttpMethod.Get, $"v2/account/keys/{Md5Fingerprint(key)}", null, token, accept: 404).ConfigureAwait(false);
            if (found.Status != 200)
            {
                return null;
            }

            var k = api.Need(found.Body, "ssh_key", "GET /v2/account/keys");
            return (Id(k), Str(k, "name") ?? string.Empty);
        }

        /// <summary>
        /// A key as DigitalOcean's own clients (godo, doctl) send it in ssh_keys: an id as an integer, a fingerprint as
        /// a string. The spec allows both kinds; an id sent as a numeric string is what no client of theirs sends.
        /// </summary>
        public static object SshKeyReference(string idOrFingerprint) =>
            long.TryParse(idOrFingerprint, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : idOrFingerprint;

        /// <summary>The MD5 fingerprint DigitalOcean uses for keys (colon-separated hex).</summary>
        public static string Md5Fingerprint(PublicKey key)
        {
#pragma warning disable CA5351 // MD5 is how DigitalOcean names keys, not a security control.
            using var md5 = System.Security.Cryptography.MD5.Create();
            var hash = md5.ComputeHash(Convert.FromBase64String(key.Base64));
#pragma warning restore CA5351
            return string.Join(":", hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private async Task<JsonElement?> FindAsync(string project, string name, string? role, CancellationToken token)
        {
            var droplets = await PagesAsync($"v2/droplets?tag_name={Uri.EscapeDataString(NodeNaming.ProjectTag(project))}&per_page=200", "droplets", token).ConfigureAwait(false);
            var matches = droplets.Where(d => Str(d, "name") == name && NodeNaming.RoleOf(TagList(d)) == role).ToList();
            if (matches.Count > 1)
            {
                reporter.Warning($"DigitalOcean has {matches.Count} droplets named {name} with the tag {NodeNaming.ProjectTag(project)}: {string.Join(", ", matches.Select(Id))}. The oldest is used.");
            }

            return matches.Count == 0 ? null : matches.OrderBy(d => Date(d, "created_at")).First();
        }

        private async Task<JsonElement?> FindAfterAmbiguousCreateAsync(string project, string name, string? role, CancellationToken token)
        {
            for (var attempt = 0; attempt < settings.ConsistencyChecks; attempt++)
            {
                var found = await FindAsync(project, name, role, token).ConfigureAwait(false);
                if (found is not null)
                {
                    return found;
                }

                await Task.Delay(settings.PollInterval, token).ConfigureAwait(false);
            }

            return null;
        }

        private async Task<ProjectNode> WaitActiveAsync(string id, string name, CancellationToken token)
        {
            var droplet = await ProviderSteps.PollAsync($"Waiting for droplet {name} to be active", async _ =>
            {
                // Right after creation a droplet may not be visible yet: 404 means "not yet" here.
                var response = await api.SendAsync(HttpMethod.Get, $"v2/droplets/{id}", null, token, accept: 404).ConfigureAwait(false);
                if (response.Status == 404)
                {
                    return null;
                }

                var d = api.Need(response.Body, "droplet", "GET /v2/droplets/{id}");
                var status = Str(d, "status");
                if (status is "off" or "archive")
                {
                    throw new ReleaseOpsException(ErrorIds.NodeNotRunning, FailureCategory.InvalidResult, $"Droplet {name} ({id}) is {status}, not active.",
                        "Power it on in the DigitalOcean console, or remove it with Remove-ProjectNode and create it again.", id);
                }

                return status == "active" && PublicAddress(d, "v4") is not null ? (object)d : null;
            }, settings.CreateTimeout, settings.PollInterval, reporter, token, ErrorIds.NodeCreateTimeout,
                "The droplet may still become active. Run the same New-ProjectNode again: it finds the droplet and waits for it.", name).ConfigureAwait(false);
            return ToNode((JsonElement)droplet);
        }

        private ProjectNode ToNode(JsonElement d)
        {
            var name = Str(d, "name") ?? string.Empty;
            var tags = TagList(d);
            var v4 = PublicAddress(d, "v4");
            return new ProjectNode
            {
                Provider = Kind,
                Id = Id(d),
                Name = name,
                Project = NodeNaming.ProjectOf(name, tags),
                Role = NodeNaming.RoleOf(tags),
                Region = d.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.Object ? Str(r, "slug") : null,
                Size = Str(d, "size_slug") ?? (d.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Object ? Str(s, "slug") : null),
                PublicIPv4 = v4,
                PublicIPv6 = PublicAddress(d, "v6"),
                HostName = v4 ?? string.Empty,
                Port = 22,
                User = "root",
                Created = Date(d, "created_at"),
                Tags = tags,
                Status = Str(d, "status") ?? string.Empty,
                Image = d.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.Object ? Str(image, "slug") ?? Str(image, "id") : null,
                DiskGB = d.TryGetProperty("disk", out var disk) && disk.ValueKind == JsonValueKind.Number ? disk.GetInt32() : null,
                Features = d.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>(),
                Volumes = d.TryGetProperty("volume_ids", out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.ToString()).ToList() : new List<string>(),
            };
        }

        private static List<string> TagList(JsonElement d) =>
            d.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>();

        private static string? PublicAddress(JsonElement d, string family)
        {
            if (!d.TryGetProperty("networks", out var n) || n.ValueKind != JsonValueKind.Object || !n.TryGetProperty(family, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return list.EnumerateArray().Where(a => Str(a, "type") == "public").Select(a => Str(a, "ip_address")).FirstOrDefault();
        }

        /// <summary>Every item of a paginated list, following links.pages.next until it is absent.</summary>
        private Task<List<JsonElement>> PagesAsync(string path, string key, CancellationToken token) => PagesAsync(api, path, key, token);

        /// <summary>Every item of a DigitalOcean list, following links.pages.next until it is absent (droplets, sizes, domains...).</summary>
        internal static async Task<List<JsonElement>> PagesAsync(ProviderHttpClient api, string path, string key, CancellationToken token)
        {
            var items = new List<JsonElement>();
            string? next = path;
            var pages = 0;
            while (next is not null)
            {
                var page = await api.GetAsync(next, token).ConfigureAwait(false);
                var list = api.Need(page, key, "GET /" + path);
                if (list.ValueKind != JsonValueKind.Array)
                {
                    throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult, $"DigitalOcean's '{key}' is not a list.", "Check the endpoint override.", path);
                }

                items.AddRange(list.EnumerateArray());
                next = page.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Object &&
                       links.TryGetProperty("pages", out var p) && p.ValueKind == JsonValueKind.Object && Str(p, "next") is { } url
                    ? Relative(api, url)
                    : null;
                if (++pages > 10_000)
                {
                    throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult, "DigitalOcean's pagination did not end.", "Report it with the request log.", path);
                }
            }

            return items;
        }

        private static string Relative(ProviderHttpClient api, string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                return url.TrimStart('/');
            }

            var basePath = api.BaseUri.AbsolutePath.TrimEnd('/');
            var pathAndQuery = uri.PathAndQuery;
            return (pathAndQuery.StartsWith(basePath + "/", StringComparison.Ordinal) ? pathAndQuery.Substring(basePath.Length) : pathAndQuery).TrimStart('/');
        }

        private static string Id(JsonElement e) => Str(e, "id") ?? string.Empty;

        private static string? Str(JsonElement e, string name) => ProviderHttpClient.Str(e, name);

        private static double Num(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

        private static DateTimeOffset Date(JsonElement e, string name) =>
            DateTimeOffset.TryParse(Str(e, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : default;
    }
}
