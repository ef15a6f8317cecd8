using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using ReleaseOps.Core.Providers;
using ReleaseOps.Fakes;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The fake cloud APIs on a free loopback port, in this process.</summary>
    public sealed class FakeCloud : IAsyncDisposable
    {
        private readonly WebApplication app;
        private static readonly HttpClient Control = new();

        private FakeCloud(WebApplication app, FakeState state, Uri baseUri)
        {
            this.app = app;
            State = state;
            BaseUri = baseUri;
        }

        public FakeState State { get; }

        public Uri BaseUri { get; }

        public static async Task<FakeCloud> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var state = new FakeState(new FakeOptions { ContractsDir = Path.Combine(AppContext.BaseDirectory, "contracts") });
            var app = FakeHost.Build(state, port);
            await app.StartAsync();
            return new FakeCloud(app, state, new Uri($"http://127.0.0.1:{port}/"));
        }

        public ProviderSettings Settings() => new()
        {
            DigitalOceanToken = State.Options.DigitalOceanToken,
            DigitalOceanEndpoint = BaseUri,
            ScalewaySecretKey = State.Options.ScalewaySecretKey,
            ScalewayAccessKey = "SCWFAKEACCESSKEY0001",
            ScalewayProjectId = State.Options.ScalewayProjectId,
            ScalewayEndpoint = BaseUri,
            CloudflareToken = State.Options.CloudflareToken,
            CloudflareEndpoint = new Uri(BaseUri, "client/v4/"),
            AwsAccessKeyId = State.Options.AwsAccessKeyId,
            AwsSecretAccessKey = "fake-secret-access-key",
            AwsEndpoint = BaseUri,
            AwsRegion = "ca-central-1",
            PollInterval = TimeSpan.FromMilliseconds(50),
            CreateTimeout = TimeSpan.FromSeconds(30),
            SnapshotTimeout = TimeSpan.FromSeconds(30),
            Retry = new RetrySettings { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100), RequestTimeout = TimeSpan.FromSeconds(10) },
        };

        public async Task PostAsync(string path, object? body = null)
        {
            using var content = new StringContent(body is null ? string.Empty : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using var response = await Control.PostAsync(new Uri(BaseUri, path), content);
            response.EnsureSuccessStatusCode();
        }

        public Task FaultAsync(string method, string path, int status, int count, bool afterEffect = false, bool malformed = false, int delayMs = 0) =>
            PostAsync("_fake/faults", new { method, path, status, count, afterEffect, malformed, delayMs });

        public List<LoggedRequest> Log()
        {
            lock (State.Gate)
            {
                return State.Log.ToList();
            }
        }

        public async Task<JsonNode> GetAsync(string path) => JsonNode.Parse(await Control.GetStringAsync(new Uri(BaseUri, path)))!;

        /// <summary>The spec rules broken so far, by requests (answered 400) and by the fake's own answers.</summary>
        public List<string> Violations()
        {
            lock (State.Gate)
            {
                return State.Checks.Violations.ToList();
            }
        }

        /// <summary>Forgets the violations a test provoked on purpose (after asserting them).</summary>
        public void ClearViolations()
        {
            lock (State.Gate)
            {
                State.Checks.Violations.Clear();
            }
        }

        /// <summary>Stops the fake; any request or answer that broke the providers' specs fails the test here.</summary>
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            var violations = Violations();
            if (violations.Count > 0)
            {
                throw new Xunit.Sdk.XunitException("The wire traffic broke the providers' specs:\n" + string.Join("\n", violations.Distinct()));
            }
        }
    }

    public sealed class DigitalOceanProviderTests
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr admin@countable";

        private static NodeRequest Request(string project = "cortico", string? client = null) => new() { Project = project, Client = client, PublicKeys = new[] { Key } };

        [Fact]
        public async Task Creates_the_smallest_fitting_droplet_on_the_newest_lts_in_toronto_and_waits_until_it_is_active()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(Request(), CancellationToken.None);

            Assert.Equal("cortico", node.Name);
            Assert.Equal("cortico", node.Project);
            Assert.Equal("tor1", node.Region);
            Assert.Equal("s-1vcpu-2gb", node.Size);
            Assert.Equal("active", node.Status);
            Assert.Equal("127.0.0.1", node.PublicIPv4);
            Assert.NotNull(node.PublicIPv6);
            Assert.Contains("project:cortico", node.Tags);
            var state = await fake.GetAsync("_fake/digitalocean/state");
            var droplet = Assert.Single(state["droplets"]!.AsArray())!;
            Assert.Equal("ubuntu-24-04-x64", droplet["image"]!.GetValue<string>());
            Assert.Equal(1, state["keys"]!.GetValue<int>());
        }

        [Fact]
        public async Task Running_the_same_create_twice_returns_the_same_droplet()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var first = await provider.CreateAsync(Request(client: "kmc"), CancellationToken.None);
            var request = Request(client: "kmc");
            var second = await provider.CreateAsync(request, CancellationToken.None);

            Assert.Equal(first.Id, second.Id);
            Assert.True(request.FoundExisting);
            Assert.Equal("cortico-kmc", second.Name);
            Assert.Single((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
            Assert.Single(fake.Log(), r => r.Method == "POST" && r.Path == "/v2/droplets");
        }

        [Fact]
        public async Task A_create_whose_answer_is_lost_finds_the_droplet_instead_of_creating_a_second()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("POST", "/v2/droplets", 504, 1, afterEffect: true);
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(Request(), CancellationToken.None);

            Assert.Equal("active", node.Status);
            Assert.Single((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
            Assert.Single(fake.Log(), r => r.Method == "POST" && r.Path == "/v2/droplets");
        }

        [Fact]
        public async Task A_node_that_does_not_become_active_in_time_is_a_timeout_and_the_same_call_later_resumes_the_wait()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/options", new { pendingPolls = 1000 });
            var settings = fake.Settings();
            settings.CreateTimeout = TimeSpan.FromMilliseconds(400);
            using var provider = new DigitalOceanProvider(settings, NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(Request(), CancellationToken.None));
            await fake.PostAsync("_fake/options", new { pendingPolls = 0 });
            var request = Request();
            var node = await provider.CreateAsync(request, CancellationToken.None);

            Assert.Equal("NodeCreateTimeout", ex.ErrorId);
            Assert.Contains("Run the same New-ProjectNode again", ex.RecommendedAction, StringComparison.Ordinal);
            Assert.True(request.FoundExisting);
            Assert.Equal("active", node.Status);
            Assert.Single((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
        }

        [Fact]
        public async Task An_api_that_hangs_is_retried_then_a_timeout_error()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("GET", "/v2/sizes", 200, 10, delayMs: 5000);
            var settings = fake.Settings();
            settings.Retry.RequestTimeout = TimeSpan.FromMilliseconds(200);
            settings.Retry.MaxRetries = 2;
            using var provider = new DigitalOceanProvider(settings, NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.ListSizesAsync("tor1", CancellationToken.None));

            Assert.Equal("ProviderTimeout", ex.ErrorId);
            Assert.Contains("GET /v2/sizes", ex.Message, StringComparison.Ordinal);
            Assert.Equal(3, provider.RequestCount);
        }

        [Fact]
        public async Task Cancelling_the_wait_stops_it_at_once()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/options", new { pendingPolls = 1000 });
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.CreateAsync(Request(), cts.Token));
        }

        [Fact]
        public async Task A_burst_of_429_is_retried_and_the_call_succeeds()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("GET", "/v2/sizes", 429, 2);
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var sizes = await provider.ListSizesAsync("tor1", CancellationToken.None);

            Assert.Contains(sizes, s => s.Name == "s-1vcpu-2gb");
            Assert.Equal(new[] { 429, 429, 200 }, fake.Log().Where(r => r.Path == "/v2/sizes").Select(r => r.Status));
        }

        [Fact]
        public async Task Rate_limits_beyond_the_bound_give_a_clear_error_that_names_the_provider_and_request()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("GET", "/v2/sizes", 429, 10);
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.ListSizesAsync("tor1", CancellationToken.None));

            Assert.Equal("ProviderRateLimited", ex.ErrorId);
            Assert.Contains("DigitalOcean answered 429 to GET /v2/sizes (request id ", ex.Message, StringComparison.Ordinal);
            Assert.Equal(4, fake.Log().Count(r => r.Path == "/v2/sizes"));
        }

        [Fact]
        public async Task A_wrong_token_is_an_authentication_error_that_does_not_show_the_token()
        {
            await using var fake = await FakeCloud.StartAsync();
            var settings = fake.Settings();
            settings.DigitalOceanToken = "dop_v1_wrong_secret_value";
            using var provider = new DigitalOceanProvider(settings, NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(Request(), CancellationToken.None));

            Assert.Equal("ProviderAuthenticationFailed", ex.ErrorId);
            Assert.DoesNotContain("dop_v1_wrong_secret_value", ex.Message + ex.RecommendedAction, StringComparison.Ordinal);
            Assert.Contains("DIGITALOCEAN_ACCESS_TOKEN", ex.RecommendedAction, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("xyz9", null, "UnknownRegion")]
        [InlineData("tor1", "s-99vcpu-1tb", "UnknownSize")]
        [InlineData("tor1", "g-2vcpu-8gb", "UnknownSize")]
        public async Task Unknown_regions_and_sizes_are_refused_before_anything_is_created(string region, string? size, string errorId)
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);
            var request = Request();
            request.Region = region;
            request.Size = size;

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(request, CancellationToken.None));

            Assert.Equal(errorId, ex.ErrorId);
            Assert.Empty((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
        }

        [Fact]
        public async Task A_need_no_size_fits_is_a_clear_error()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);
            var request = Request();
            request.MemoryGB = 512;

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(request, CancellationToken.None));

            Assert.Equal("NoFittingSize", ex.ErrorId);
            Assert.Contains("s-8vcpu-16gb", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task The_droplet_limit_is_a_quota_error_and_leaves_nothing_behind()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/options", new { nodeLimit = 0 });
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(Request(), CancellationToken.None));

            Assert.Equal("ProviderQuotaExceeded", ex.ErrorId);
            Assert.Contains("droplet limit", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_body_that_is_not_json_is_an_invalid_response()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("GET", "/v2/regions", 200, 1, malformed: true);
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.CreateAsync(Request(), CancellationToken.None));

            Assert.Equal("ProviderInvalidResponse", ex.ErrorId);
            Assert.Empty((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
        }

        [Fact]
        public async Task Lists_follow_pagination_over_several_pages()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/droplets?count=500&project=bench");
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            var nodes = await provider.ListAsync("bench", CancellationToken.None);

            Assert.Equal(500, nodes.Count);
            Assert.Equal(500, nodes.Select(n => n.Id).Distinct().Count());
            Assert.Equal(3, provider.RequestCount);
        }

        [Fact]
        public async Task A_snapshot_waits_for_its_action_and_finds_the_image_through_the_droplet()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(Request(), CancellationToken.None);

            var snapshot = await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);

            Assert.Equal("cortico-final", snapshot.Name);
            Assert.Equal(node.Id, snapshot.NodeId);
            Assert.NotEmpty(snapshot.Id);
            Assert.Contains(fake.Log(), r => r.Path.StartsWith("/v2/actions/", StringComparison.Ordinal));
            Assert.Equal(snapshot.Id, Assert.Single(await provider.ListSnapshotsAsync(node, CancellationToken.None)).Id);
        }

        [Fact]
        public async Task Remove_deletes_the_droplet_and_a_second_remove_is_harmless()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(Request(), CancellationToken.None);

            await provider.RemoveAsync(node, CancellationToken.None);
            await provider.RemoveAsync(node, CancellationToken.None);

            Assert.Empty((await fake.GetAsync("_fake/digitalocean/state"))["droplets"]!.AsArray());
        }

        [Fact]
        public async Task Removal_is_blocked_by_a_managed_dns_record_and_by_a_stack_stopped_this_week()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            var settings = fake.Settings();
            settings.CloudflareToken = null;
            using var provider = new DigitalOceanProvider(settings, NullReporter.Instance);
            var node = await provider.CreateAsync(Request(), CancellationToken.None);
            using (var dns = DnsEngine.Create(DnsProvider.DigitalOcean, settings, NullReporter.Instance))
            {
                await DnsEngine.SetAsync(dns, "countable.ca", "cortico", "A", new[] { node.PublicIPv4! }, 300, false, NullReporter.Instance, CancellationToken.None);
            }

            var stopped = DateTimeOffset.UtcNow.AddDays(-2);
            await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + stopped.ToUnixTimeSeconds(), CancellationToken.None);
            node = (await provider.ListAsync("cortico", CancellationToken.None)).Single();

            var blockers = await NodeProvisioner.RemovalBlockersAsync(node, settings, force: false, DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);
            var forced = await NodeProvisioner.RemovalBlockersAsync(node, settings, force: true, DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);
            var nextWeek = await NodeProvisioner.RemovalBlockersAsync(node, settings, force: false, DateTimeOffset.UtcNow.AddDays(6), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { "NodeServesTraffic", "NodeStoppedRecently" }, blockers.Select(b => b.ErrorId));
            Assert.Contains("cortico.countable.ca", blockers[0].Message, StringComparison.Ordinal);
            Assert.Equal(new[] { "NodeServesTraffic" }, forced.Select(b => b.ErrorId));
            Assert.Equal(new[] { "NodeServesTraffic" }, nextWeek.Select(b => b.ErrorId));
        }
    }

    public sealed class DnsTests
    {
        [Theory]
        [InlineData(DnsProvider.DigitalOcean)]
        [InlineData(DnsProvider.Cloudflare)]
        public async Task Set_creates_then_changes_nothing_then_lowers_the_ttl_then_switches_the_address(DnsProvider kind)
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            await fake.PostAsync("_fake/cloudflare/zones/countable.ca");
            using var dns = DnsEngine.Create(kind, fake.Settings(), NullReporter.Instance);
            async Task<IReadOnlyList<DnsRecord>> Set(string[]? values, int? ttl, bool whatIf = false) =>
                await DnsEngine.SetAsync(dns, "countable.ca", "kmc", "A", values, ttl, whatIf, NullReporter.Instance, CancellationToken.None);

            var created = Assert.Single(await Set(new[] { "192.0.2.10" }, 3600));
            var writesBefore = fake.Log().Count(r => r.Method != "GET");
            var again = Assert.Single(await Set(new[] { "192.0.2.10" }, 3600));
            var writesAfter = fake.Log().Count(r => r.Method != "GET");
            var lowered = Assert.Single(await Set(null, 60));
            var planned = Assert.Single(await Set(new[] { "192.0.2.20" }, null, whatIf: true));
            var switched = Assert.Single(await Set(new[] { "192.0.2.20" }, null));
            var now = Assert.Single(await dns.ListAsync("countable.ca", "kmc.countable.ca", "A", null, CancellationToken.None));

            Assert.Equal(DnsChange.Created, created.Change);
            Assert.Equal("kmc.countable.ca", created.Name);
            Assert.Equal(DnsChange.Unchanged, again.Change);
            Assert.Equal(writesBefore, writesAfter);
            Assert.Equal((DnsChange.Updated, 60), (lowered.Change, lowered.Ttl));
            Assert.Equal(DnsChange.WouldChange, planned.Change);
            Assert.Equal((DnsChange.Updated, "192.0.2.20", 60), (switched.Change, switched.Value, switched.Ttl));
            Assert.Equal(("192.0.2.20", 60, created.Id), (now.Value, now.Ttl, now.Id));
        }

        [Fact]
        public async Task Set_with_fewer_values_deletes_the_extra_records_after_the_kept_one_is_in_place()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            using var dns = DnsEngine.Create(DnsProvider.DigitalOcean, fake.Settings(), NullReporter.Instance);
            await DnsEngine.SetAsync(dns, "countable.ca", "@", "A", new[] { "192.0.2.1", "192.0.2.2" }, 300, false, NullReporter.Instance, CancellationToken.None);

            var result = await DnsEngine.SetAsync(dns, "countable.ca", "countable.ca", "A", new[] { "192.0.2.2" }, 300, false, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { DnsChange.Unchanged, DnsChange.Deleted }, result.Select(r => r.Change));
            Assert.Equal("192.0.2.2", Assert.Single(await dns.ListAsync("countable.ca", "countable.ca", "A", null, CancellationToken.None)).Value);
        }

        [Theory]
        [InlineData("kmc", "kmc.countable.ca")]
        [InlineData("@", "countable.ca")]
        [InlineData("KMC-Direct.countable.ca.", "kmc-direct.countable.ca")]
        public void Names_are_made_full(string name, string full) => Assert.Equal(full, DnsEngine.FullName("countable.ca", name));

        [Fact]
        public void A_name_with_a_space_or_a_shell_character_is_refused() =>
            Assert.Equal("InvalidRecordName", Assert.Throws<ReleaseOpsException>(() => DnsEngine.FullName("countable.ca", "kmc;rm -rf")).ErrorId);
    }

    /// <summary>The fake must not drift from the contracts: every field it sends is in the contract's example, with the same kind.</summary>
    public sealed class ContractTests
    {
        private static readonly string Contracts = Path.Combine(AppContext.BaseDirectory, "contracts");

        [Theory]
        [InlineData("v2/droplets?tag_name=project:cortico", "droplets", "digitalocean/droplets_get.response_200.single_droplet.json", "droplet")]
        [InlineData("v2/sizes", "sizes", "digitalocean/sizes_list.response_200.json", "sizes")]
        [InlineData("v2/regions", "regions", "digitalocean/regions_list.response_200.json", "regions")]
        [InlineData("v2/images?type=distribution", "images", "digitalocean/images_list.response_200.distribution.json", "images")]
        [InlineData("v2/account/keys", "ssh_keys", "digitalocean/sshKeys_list.response_200.json", "ssh_keys")]
        [InlineData("v2/domains/countable.ca/records", "domain_records", "digitalocean/domains_list_records.response_200.all_domain_records.json", "domain_records")]
        public async Task DigitalOcean_fake_objects_have_the_contract_shape(string path, string key, string contract, string contractKey)
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            var settings = fake.Settings();
            using (var provider = new DigitalOceanProvider(settings, NullReporter.Instance))
            {
                var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr a@b" } }, CancellationToken.None);
                using var dns = DnsEngine.Create(DnsProvider.DigitalOcean, settings, NullReporter.Instance);
                await DnsEngine.SetAsync(dns, "countable.ca", "kmc", "A", new[] { node.PublicIPv4! }, 300, false, NullReporter.Instance, CancellationToken.None);
            }

            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.DigitalOceanToken);
            var page = JsonNode.Parse(await http.GetStringAsync(new Uri(fake.BaseUri, path)))!;
            var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, contract)))![contractKey]!;
            var expectedItem = expected is JsonArray a ? a[0]! : expected;
            var item = page[key]!.AsArray()[0]!;

            var drift = Drift(item, expectedItem, key).ToList();
            Assert.True(drift.Count == 0, string.Join("\n", drift));
            Assert.NotNull(page["meta"]?["total"]);
        }

        [Fact]
        public async Task Cloudflare_fake_records_have_the_contract_shape()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/cloudflare/zones/example.com");
            using var dns = DnsEngine.Create(DnsProvider.Cloudflare, fake.Settings(), NullReporter.Instance);
            await DnsEngine.SetAsync(dns, "example.com", "www", "A", new[] { "198.51.100.4" }, 120, false, NullReporter.Instance, CancellationToken.None);
            var zone = (await dns.ZonesAsync(CancellationToken.None)).Single();

            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fake.State.Options.CloudflareToken);
            var zones = JsonNode.Parse(await http.GetStringAsync(new Uri(fake.BaseUri, "client/v4/zones?name=example.com")))!;
            var id = zones["result"]![0]!["id"]!.GetValue<string>();
            var page = JsonNode.Parse(await http.GetStringAsync(new Uri(fake.BaseUri, $"client/v4/zones/{id}/dns_records")))!;
            var contract = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, "cloudflare/dns_records_list.response_200.json")))!["body"]!;

            var drift = Drift(page, contract, "list").ToList();
            Assert.True(drift.Count == 0, string.Join("\n", drift));
            Assert.Equal("example.com", zone);
        }

        [Fact]
        public async Task Scaleway_fake_servers_and_snapshots_have_the_recorded_shape()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr a@b" } }, CancellationToken.None);
            var snapshot = await provider.SnapshotAsync(node, "shape", CancellationToken.None);

            using var http = new HttpClient();
            http.DefaultRequestHeaders.Add("X-Auth-Token", fake.State.Options.ScalewaySecretKey);
            var server = JsonNode.Parse(await http.GetStringAsync(new Uri(fake.BaseUri, $"instance/v1/zones/fr-par-1/servers/{node.Id}")))!["server"];
            var snap = JsonNode.Parse(await http.GetStringAsync(new Uri(fake.BaseUri, $"block/v1alpha1/zones/fr-par-1/snapshots/{snapshot.Id}")));
            var recordedServer = fake.State.ScalewayCassette("test-server-terminate-with-ip__009")["server"];
            var recordedSnapshot = fake.State.ScalewayCassette("test-server-backup-simple__010");

            var drift = Drift(server, recordedServer, "server").Concat(Drift(snap, recordedSnapshot, "snapshot")).ToList();
            Assert.True(drift.Count == 0, string.Join("\n", drift));
            Assert.Equal("running", server!["state"]!.GetValue<string>());
        }

        [Fact]
        public void The_client_reads_the_contract_examples_themselves()
        {
            // The contract's own droplet parses to a node with its public address; its size list to sizes.
            var droplet = JsonDocument.Parse(File.ReadAllText(Path.Combine(Contracts, "digitalocean/droplets_get.response_200.single_droplet.json"))).RootElement.GetProperty("droplet");
            var networks = droplet.GetProperty("networks").GetProperty("v4").EnumerateArray().Where(n => n.GetProperty("type").GetString() == "public").Select(n => n.GetProperty("ip_address").GetString());
            Assert.Equal("192.241.165.154", Assert.Single(networks));
            var error = JsonDocument.Parse(File.ReadAllText(Path.Combine(Contracts, "digitalocean/error.too_many_requests.json"))).RootElement;
            Assert.Equal("too_many_requests", ProviderHttpClient.Str(error, "id"));
        }

        /// <summary>Fields of the fake's object that the contract's example lacks, or has with another JSON kind.</summary>
        internal static IEnumerable<string> Drift(JsonNode? actual, JsonNode? expected, string path)
        {
            if (actual is null || expected is null)
            {
                yield break;
            }

            var actualKind = Kind(actual.GetValueKind());
            var expectedKind = Kind(expected.GetValueKind());
            if (actualKind != expectedKind && !(IsNumberOrNull(actualKind) && IsNumberOrNull(expectedKind)) && expectedKind != JsonValueKind.Null && actualKind != JsonValueKind.Null)
            {
                yield return $"{path}: {actualKind} where the contract has {expectedKind}";
                yield break;
            }

            if (actual is JsonObject o && expected is JsonObject e)
            {
                foreach (var (k, v) in o)
                {
                    if (!e.ContainsKey(k))
                    {
                        yield return $"{path}.{k}: not in the contract";
                        continue;
                    }

                    foreach (var d in Drift(v, e[k], path + "." + k))
                    {
                        yield return d;
                    }
                }
            }
            else if (actual is JsonArray aa && expected is JsonArray ea && aa.Count > 0 && ea.Count > 0)
            {
                foreach (var d in Drift(aa[0], ea[0], path + "[0]"))
                {
                    yield return d;
                }
            }
        }

        private static JsonValueKind Kind(JsonValueKind k) => k == JsonValueKind.False ? JsonValueKind.True : k;

        private static bool IsNumberOrNull(JsonValueKind k) => k is JsonValueKind.Number or JsonValueKind.Null;
    }
}

namespace ReleaseOps.Core.Tests
{
    public sealed class ScalewayProviderTests
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr admin@countable";

        [Fact]
        public async Task Creates_a_stopped_server_gives_it_the_key_powers_it_on_and_waits_until_it_runs()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
            var again = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.Equal(("cortico", "running", "fr-par-1", "127.0.0.1"), (node.Name, node.Status, node.Region, node.PublicIPv4));
            Assert.Equal(node.Id, again.Id);
            var server = Assert.Single((await fake.GetAsync("_fake/scaleway/state"))["servers"]!.AsArray())!;
            Assert.Contains(Key, server["userData"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("#cloud-config", server["userData"]!.GetValue<string>(), StringComparison.Ordinal);
            var sizes = await provider.ListSizesAsync("fr-par-1", CancellationToken.None);
            var cheapest = sizes.Where(s => s.MemoryGB >= 2).OrderBy(s => s.MonthlyPrice).First();
            Assert.Equal(cheapest.Name, node.Size);
            Assert.Contains(fake.Log(), r => r.Method == "POST" && r.Path.EndsWith("/action", StringComparison.Ordinal) && r.Status == 202);
        }

        [Fact]
        public async Task A_create_whose_answer_is_lost_finds_the_server_instead_of_creating_a_second()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("POST", "/instance/v1/zones/fr-par-1/servers", 502, 1, afterEffect: true);
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.Equal("running", node.Status);
            Assert.Single((await fake.GetAsync("_fake/scaleway/state"))["servers"]!.AsArray());
        }

        [Fact]
        public async Task Remove_also_deletes_the_volumes_and_flexible_ips_that_scaleway_leaves_behind()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", Client = "old", PublicKeys = new[] { Key } }, CancellationToken.None);
            var snapshot = await provider.SnapshotAsync(node, "cortico-old-final", CancellationToken.None);

            await provider.RemoveAsync(node, CancellationToken.None);

            var state = await fake.GetAsync("_fake/scaleway/state");
            Assert.Empty(state["servers"]!.AsArray());
            Assert.Empty(state["volumes"]!.AsArray());
            Assert.Empty(state["ips"]!.AsArray());
            Assert.Equal(("cortico-old-final", "available"), (snapshot.Name, snapshot.Status));
        }

        [Fact]
        public async Task Get_lists_every_configured_zone()
        {
            await using var fake = await FakeCloud.StartAsync();
            var settings = fake.Settings();
            settings.ScalewayZones = new[] { "fr-par-1", "nl-ams-1" };
            using var provider = new ScalewayProvider(settings, NullReporter.Instance);
            await provider.CreateAsync(new NodeRequest { Project = "cortico", Client = "paris", PublicKeys = new[] { Key } }, CancellationToken.None);
            await provider.CreateAsync(new NodeRequest { Project = "cortico", Client = "amsterdam", Region = "nl-ams-1", PublicKeys = new[] { Key } }, CancellationToken.None);

            var nodes = await provider.ListAsync("cortico", CancellationToken.None);

            Assert.Equal(new[] { ("cortico-amsterdam", "nl-ams-1"), ("cortico-paris", "fr-par-1") }, nodes.Select(n => (n.Name, n.Region!)));
        }

        [Fact]
        public async Task A_wrong_secret_key_is_an_authentication_error()
        {
            await using var fake = await FakeCloud.StartAsync();
            var settings = fake.Settings();
            settings.ScalewaySecretKey = "11111111-2222-3333-4444-555555555555";
            using var provider = new ScalewayProvider(settings, NullReporter.Instance);

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.ListAsync(null, CancellationToken.None));

            Assert.Equal("ProviderAuthenticationFailed", ex.ErrorId);
            Assert.DoesNotContain("11111111-2222", ex.Message, StringComparison.Ordinal);
        }
    }
}

namespace ReleaseOps.Core.Tests
{
    /// <summary>The real AWS SDK against the EC2 fake.</summary>
    public sealed class AwsProviderTests
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr admin@countable";

        [Fact]
        public async Task Creates_an_instance_on_canonicals_newest_lts_with_the_smallest_fitting_type_and_waits_until_it_runs()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new AwsProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", Client = "aws", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.Equal(("cortico-aws", "cortico", "running", "127.0.0.1", "ubuntu"), (node.Name, node.Project, node.Status, node.PublicIPv4, node.User));
            Assert.Equal("t3.small", node.Size);
            var state = await fake.GetAsync("_fake/ec2/state");
            var instance = Assert.Single(state["instances"]!.AsArray())!;
            Assert.Equal("ami-0noble2404b", instance["image"]!.GetValue<string>());
            Assert.Equal(50, instance["volumeGb"]!.GetValue<int>());
            Assert.StartsWith("releaseops-", instance["clientToken"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("cortico", instance["tags"]!["releaseops:project"]!.GetValue<string>());
            Assert.Single(state["keys"]!.AsArray());
        }

        [Fact]
        public async Task The_same_request_twice_gives_one_instance()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new AwsProvider(fake.Settings(), NullReporter.Instance);

            var first = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
            var request = new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } };
            var second = await provider.CreateAsync(request, CancellationToken.None);

            Assert.Equal(first.Id, second.Id);
            Assert.True(request.FoundExisting);
            Assert.Single((await fake.GetAsync("_fake/ec2/state"))["instances"]!.AsArray());
        }

        [Fact]
        public async Task A_repeated_run_instances_with_the_same_client_token_returns_the_same_instance()
        {
            Assert.Equal(AwsProvider.ClientToken("ca-central-1", "cortico", "t3.small", "ami-1", 50), AwsProvider.ClientToken("ca-central-1", "cortico", "t3.small", "ami-1", 50));
            Assert.NotEqual(AwsProvider.ClientToken("ca-central-1", "cortico", "t3.small", "ami-1", 50), AwsProvider.ClientToken("ca-central-1", "cortico-kmc", "t3.small", "ami-1", 50));
            Assert.True(AwsProvider.ClientToken("ca-central-1", new string('a', 63), "t3.small", "ami-1", 50).Length <= 64);

            // A lost RunInstances answer: the SDK's retry sends the same token, and EC2 answers with the same instance.
            await using var fake = await FakeCloud.StartAsync();
            await fake.FaultAsync("POST", "/", 503, 1, afterEffect: true);
            var settings = fake.Settings();
            using var provider = new AwsProvider(settings, NullReporter.Instance);
            var sizes = await provider.ListSizesAsync(null, CancellationToken.None);
            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.Equal("running", node.Status);
            Assert.Single((await fake.GetAsync("_fake/ec2/state"))["instances"]!.AsArray());
            Assert.Contains(sizes, s => s.Name == "m6i.xlarge");
            Assert.DoesNotContain(sizes, s => s.Name == "t2.small");
        }

        [Fact]
        public async Task Snapshot_tag_list_and_terminate()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new AwsProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            var snapshot = await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);
            await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + "1764230400", CancellationToken.None);
            var listed = Assert.Single(await provider.ListAsync("cortico", CancellationToken.None));
            await provider.RemoveAsync(node, CancellationToken.None);

            Assert.Equal(("cortico-final", "available", node.Id), (snapshot.Name, snapshot.Status, snapshot.NodeId));
            Assert.Equal(snapshot.Id, Assert.Single(await provider.ListSnapshotsAsync(node, CancellationToken.None)).Id);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764230400), NodeNaming.StackStopped(listed.Tags));
            Assert.Empty(await provider.ListAsync("cortico", CancellationToken.None));
        }

        [Fact]
        public async Task Wrong_credentials_and_the_instance_limit_are_clear_errors()
        {
            await using var fake = await FakeCloud.StartAsync();
            var wrong = fake.Settings();
            wrong.AwsAccessKeyId = "AKIAWRONGWRONGWRONG1";
            using (var provider = new AwsProvider(wrong, NullReporter.Instance))
            {
                var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => provider.ListAsync(null, CancellationToken.None));
                Assert.Equal("ProviderAuthenticationFailed", ex.ErrorId);
                Assert.DoesNotContain("fake-secret-access-key", ex.Message, StringComparison.Ordinal);
            }

            await fake.PostAsync("_fake/options", new { nodeLimit = 0 });
            using var limited = new AwsProvider(fake.Settings(), NullReporter.Instance);
            var quota = await Assert.ThrowsAsync<ReleaseOpsException>(() => limited.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None));
            Assert.Equal("ProviderQuotaExceeded", quota.ErrorId);
        }
    }
}
