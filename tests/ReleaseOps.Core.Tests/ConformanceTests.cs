using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests
{
    /// <summary>
    /// Issue 14: the module's requests against the strict fakes, which check every request and answer against the
    /// providers' specs (tests/contracts/spec). A request that breaks a rule is answered 400 naming the rule, and
    /// FakeCloud.DisposeAsync fails any test whose traffic broke one.
    /// </summary>
    public sealed class WireConformanceTests
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr admin@countable";

        [Fact]
        public async Task Set_DnsRecord_changing_a_digitalocean_records_ttl_and_value_sends_the_type_the_spec_requires()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            using var dns = DnsEngine.Create(DnsProvider.DigitalOcean, fake.Settings(), NullReporter.Instance);
            await DnsEngine.SetAsync(dns, "countable.ca", "kmc", "A", new[] { "203.0.113.10" }, 3600, false, NullReporter.Instance, CancellationToken.None);

            var ttl = Assert.Single(await DnsEngine.SetAsync(dns, "countable.ca", "kmc", "A", null, 60, false, NullReporter.Instance, CancellationToken.None));
            var moved = Assert.Single(await DnsEngine.SetAsync(dns, "countable.ca", "kmc", "A", new[] { "203.0.113.20" }, null, false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal((DnsChange.Updated, 60, "203.0.113.10"), (ttl.Change, ttl.Ttl, ttl.Value));
            Assert.Equal((DnsChange.Updated, 60, "203.0.113.20"), (moved.Change, moved.Ttl, moved.Value));
            Assert.Equal(2, fake.Log().Count(r => r.Method == "PATCH" && r.Status == 200));
            Assert.Empty(fake.Violations());
        }

        [Fact]
        public async Task Set_DnsRecord_on_cloudflare_patches_with_type_name_and_content_and_deletes_with_the_body_the_spec_requires()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/cloudflare/zones/example.com");
            using var dns = DnsEngine.Create(DnsProvider.Cloudflare, fake.Settings(), NullReporter.Instance);
            await DnsEngine.SetAsync(dns, "example.com", "www", "A", new[] { "198.51.100.4", "198.51.100.5" }, 120, false, NullReporter.Instance, CancellationToken.None);

            var result = await DnsEngine.SetAsync(dns, "example.com", "www", "A", new[] { "198.51.100.9" }, 60, false, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { DnsChange.Updated, DnsChange.Deleted }, result.Select(r => r.Change));
            Assert.Contains(fake.Log(), r => r.Method == "PATCH" && r.Status == 200);
            Assert.Contains(fake.Log(), r => r.Method == "DELETE" && r.Status == 200);
            Assert.Empty(fake.Violations());
        }

        [Fact]
        public async Task New_ProjectNode_on_aws_imports_the_key_as_base64_on_an_account_that_does_not_have_it()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new AwsProvider(fake.Settings(), NullReporter.Instance);

            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.Equal("running", node.Status);
            Assert.Single((await fake.GetAsync("_fake/ec2/state"))["keys"]!.AsArray());
            Assert.Equal(Key, Encoding.UTF8.GetString(Convert.FromBase64String(AwsProvider.PublicKeyMaterial(PublicKey.Parse(Key)))));
            Assert.Empty(fake.Violations());
        }

        [Fact]
        public async Task Droplets_are_created_with_the_ssh_key_id_as_an_integer_as_godo_sends_it()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new DigitalOceanProvider(fake.Settings(), NullReporter.Instance);

            await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);

            Assert.IsType<long>(DigitalOceanProvider.SshKeyReference("3164444"));
            Assert.IsType<string>(DigitalOceanProvider.SshKeyReference("3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"));
            Assert.Contains(fake.Log(), r => r.Method == "POST" && r.Path == "/v2/droplets" && r.Status == 202);
            Assert.Empty(fake.Violations());
        }

        [Fact]
        public async Task Scaleway_block_snapshots_are_listed_with_page_size_as_the_block_api_pages()
        {
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);
            var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
            await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);

            var snapshots = await provider.ListSnapshotsAsync(node, CancellationToken.None);

            Assert.Equal("cortico-final", Assert.Single(snapshots).Name);
            Assert.Contains(fake.Log(), r => r.Path.EndsWith("/snapshots", StringComparison.Ordinal) && r.Query.Contains("page_size=100", StringComparison.Ordinal) && r.Status == 200);
            Assert.Empty(fake.Violations());
        }

        [Fact]
        public async Task The_strict_fakes_refuse_requests_that_break_the_specs_in_the_providers_own_error_shapes_naming_the_rule()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            using var http = new HttpClient();

            // DigitalOcean: {"id","message"}; the PATCH of issue 14, without type.
            var patch = await Send(http, HttpMethod.Patch, new Uri(fake.BaseUri, "v2/domains/countable.ca/records/1"), "{\"data\":\"203.0.113.10\",\"ttl\":60}", "application/json");
            Assert.Equal(400, patch.Status);
            Assert.Equal("bad_request", patch.Json!["id"]!.GetValue<string>());
            Assert.Equal("spec: body.type is required (PATCH /v2/domains/{domain_name}/records/{domain_record_id})", patch.Json["message"]!.GetValue<string>());

            // Droplet ids: a JSON type; ssh_keys: the clients' convention; an unknown field.
            var create = await Send(http, HttpMethod.Post, new Uri(fake.BaseUri, "v2/droplets"), "{\"name\":\"a\",\"size\":\"s-1vcpu-1gb\",\"image\":\"ubuntu-24-04-x64\",\"ssh_keys\":[\"3164444\"],\"colour\":\"red\"}", "application/json");
            Assert.Contains("body.ssh_keys[0] is the id \"3164444\" as a string", create.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("body.colour is not in the spec", create.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

            // Cloudflare: errors[].code; an enum-discriminated record that matches no record type.
            var cf = await Send(http, HttpMethod.Post, new Uri(fake.BaseUri, "client/v4/zones/0123/dns_records"), "{\"type\":\"BOGUS\",\"name\":\"www\",\"content\":\"x\"}", "application/json");
            Assert.Equal((400, false), (cf.Status, cf.Json!["success"]!.GetValue<bool>()));
            Assert.Contains("body matches none of the oneOf schemas", cf.Json["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

            // Scaleway: type/message; the Block API pages with page_size, not per_page; user data is text/plain.
            var scw = await Send(http, HttpMethod.Get, new Uri(fake.BaseUri, "block/v1alpha1/zones/fr-par-1/snapshots?per_page=100"), null, null);
            Assert.Equal(("invalid_arguments", 400), (scw.Json!["type"]!.GetValue<string>(), scw.Status));
            Assert.Contains("query.per_page is not a parameter of this operation", scw.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
            var userData = await Send(http, HttpMethod.Patch, new Uri(fake.BaseUri, "instance/v1/zones/fr-par-1/servers/x/user_data/cloud-init"), "{}", "application/json");
            Assert.Contains("content type 'application/json' is not one the spec accepts (text/plain)", userData.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);

            // EC2: Errors/Error/Code; a blob that is not base64 (the raw OpenSSH line of issue 14); an unknown parameter.
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "ImportKeyPair", ["Version"] = "2016-11-15", ["KeyName"] = "k", ["PublicKeyMaterial"] = Key, ["Colour"] = "red" });
            using var ec2 = await http.PostAsync(fake.BaseUri, form);
            var xml = await ec2.Content.ReadAsStringAsync();
            Assert.Equal(400, (int)ec2.StatusCode);
            Assert.Contains("<Code>InvalidParameterValue</Code>", xml, StringComparison.Ordinal);
            Assert.Contains("PublicKeyMaterial is a blob, which travels in base64 on the wire", xml, StringComparison.Ordinal);
            Assert.Contains("Colour is not a parameter of ImportKeyPair", xml, StringComparison.Ordinal);

            // An operation missing from the list.
            var unlisted = await Send(http, HttpMethod.Get, new Uri(fake.BaseUri, "v2/account"), null, null);
            Assert.Contains("GET /v2/account is not on the operation list", unlisted.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);

            Assert.All(fake.Violations(), v => Assert.StartsWith("request ", v, StringComparison.Ordinal));
            fake.ClearViolations();
        }

        [Fact]
        public async Task The_providers_error_codes_reach_the_exception()
        {
            await using var fake = await FakeCloud.StartAsync();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            await fake.PostAsync("_fake/cloudflare/zones/example.com");
            var settings = fake.Settings();
            var gone = new ProjectNode { Provider = HostingProvider.DigitalOcean, Id = "999", Name = "gone", HostName = "127.0.0.1" };

            using var digitalOcean = new DigitalOceanProvider(settings, NullReporter.Instance);
            var doError = await Assert.ThrowsAsync<ReleaseOpsException>(() => digitalOcean.SnapshotAsync(gone, "x", CancellationToken.None));
            using var cloudflare = DnsEngine.Create(DnsProvider.Cloudflare, settings, NullReporter.Instance);
            await cloudflare.ZonesAsync(CancellationToken.None);
            var cfError = await Assert.ThrowsAsync<ReleaseOpsException>(() => cloudflare.UpdateAsync(new DnsRecord { Zone = "example.com", Id = "0123", Name = "www.example.com", Type = "A", Value = "198.51.100.4" }, "198.51.100.5", 60, CancellationToken.None));
            var wrong = fake.Settings();
            wrong.ScalewaySecretKey = "11111111-2222-3333-4444-555555555555";
            using var scaleway = new ScalewayProvider(wrong, NullReporter.Instance);
            var scwError = await Assert.ThrowsAsync<ReleaseOpsException>(() => scaleway.ListAsync(null, CancellationToken.None));
            using var aws = new AwsProvider(settings, NullReporter.Instance);
            var awsError = await Assert.ThrowsAsync<ReleaseOpsException>(() => aws.RemoveAsync(new ProjectNode { Provider = HostingProvider.Aws, Id = "i-0000000000000000a", Name = "gone", HostName = "x" }, CancellationToken.None));

            Assert.Equal(("ProviderResourceNotFound", "not_found"), (doError.ErrorId, doError.ProviderCode));
            Assert.Contains("answered 404 to POST /v2/droplets/999/actions", doError.Message, StringComparison.Ordinal);
            Assert.EndsWith("(error not_found)", doError.Message, StringComparison.Ordinal);
            Assert.Equal(("ProviderResourceNotFound", "81044"), (cfError.ErrorId, cfError.ProviderCode));
            Assert.Equal(("ProviderAuthenticationFailed", "denied_authentication"), (scwError.ErrorId, scwError.ProviderCode));
            Assert.Equal(("ProviderRequestRejected", "InvalidInstanceID.NotFound"), (awsError.ErrorId, awsError.ProviderCode));
        }

        private static async Task<(int Status, JsonNode? Json)> Send(HttpClient http, HttpMethod method, Uri uri, string? body, string? contentType)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, contentType!);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
    }

    /// <summary>Every operation the module uses, from the one list (tests/contracts/operations.json), run once against the strict fakes.</summary>
    public sealed class OperationScenario : IAsyncLifetime
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr admin@countable";
        private FakeCloud? fake;

        public Dictionary<string, int[]> Operations { get; private set; } = new();

        public List<string> Violations { get; private set; } = new();

        public (int Requests, int Responses) Counts { get; private set; }

        public async Task InitializeAsync()
        {
            fake = await FakeCloud.StartAsync();
            var settings = fake.Settings();
            await fake.PostAsync("_fake/digitalocean/domains/countable.ca");
            await fake.PostAsync("_fake/cloudflare/zones/example.com");

            // DigitalOcean: a lost answer to the key's registration makes the provider list the keys.
            await fake.FaultAsync("POST", "/v2/account/keys", 422, 1, afterEffect: true);
            using (var provider = new DigitalOceanProvider(settings, NullReporter.Instance))
            {
                var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
                await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + "1764230400", CancellationToken.None);
                await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);
                await provider.RemoveAsync(node, CancellationToken.None);
            }

            foreach (var (kind, zone) in new[] { (DnsProvider.DigitalOcean, "countable.ca"), (DnsProvider.Cloudflare, "example.com") })
            {
                using var dns = DnsEngine.Create(kind, settings, NullReporter.Instance);
                await DnsEngine.SetAsync(dns, zone, "kmc", "A", new[] { "203.0.113.10", "203.0.113.11" }, 3600, false, NullReporter.Instance, CancellationToken.None);
                await DnsEngine.SetAsync(dns, zone, "kmc", "A", new[] { "203.0.113.20" }, 60, false, NullReporter.Instance, CancellationToken.None);
                await DnsEngine.PointingAtAsync(new[] { dns }, "203.0.113.20", CancellationToken.None);
            }

            using (var provider = new ScalewayProvider(settings, NullReporter.Instance))
            {
                var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
                await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + "1764230400", CancellationToken.None);
                await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);
                await provider.ListSnapshotsAsync(node, CancellationToken.None);
                await provider.RemoveAsync(node, CancellationToken.None);
                var local = await provider.CreateAsync(new NodeRequest { Project = "cortico", Client = "local", PublicKeys = new[] { Key } }, CancellationToken.None);
                await fake.PostAsync($"_fake/scaleway/servers/{local.Id}/volume-type/l_ssd");
                await provider.RemoveAsync(local, CancellationToken.None);
            }

            using (var provider = new AwsProvider(settings, NullReporter.Instance))
            {
                var node = await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { Key } }, CancellationToken.None);
                await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + "1764230400", CancellationToken.None);
                await provider.SnapshotAsync(node, "cortico-final", CancellationToken.None);
                await provider.ListSnapshotsAsync(node, CancellationToken.None);
                await provider.RemoveAsync(node, CancellationToken.None);
            }

            // DescribeRegions: Test-ReleaseOpsEnvironment's signed call, with the real SDK.
            using (var ec2 = new AmazonEC2Client(new BasicAWSCredentials(settings.AwsAccessKeyId, settings.AwsSecretAccessKey), new AmazonEC2Config { ServiceURL = fake.BaseUri.ToString(), AuthenticationRegion = "ca-central-1", MaxErrorRetry = 0 }))
            {
                await ec2.DescribeRegionsAsync(new DescribeRegionsRequest());
            }

            lock (fake.State.Gate)
            {
                Operations = fake.State.Checks.Operations.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
                Counts = (fake.State.Checks.Requests, fake.State.Checks.Responses);
            }

            Violations = fake.Violations();
        }

        public async Task DisposeAsync()
        {
            if (fake is not null)
            {
                fake.ClearViolations(); // asserted by the tests themselves
                await fake.DisposeAsync();
            }
        }
    }

    /// <summary>Item 4 and 5 of issue 14: one list of operations, a contract test per operation, requests and answers validated.</summary>
    public sealed class OperationListTests : IClassFixture<OperationScenario>
    {
        private static readonly string Contracts = Path.Combine(AppContext.BaseDirectory, "contracts");
        private readonly OperationScenario scenario;

        public OperationListTests(OperationScenario scenario)
        {
            this.scenario = scenario;
        }

        public static IEnumerable<object[]> Listed() =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, "operations.json")))!["operations"]!.AsArray().Select(o => new object[] { o!["id"]!.GetValue<string>() });

        [Theory]
        [MemberData(nameof(Listed))]
        public void Every_listed_operation_is_used_with_its_request_and_answer_validated_against_the_spec(string operation)
        {
            Assert.True(scenario.Operations.TryGetValue(operation, out var counts), $"{operation} was never sent by the module in the scenario");
            Assert.True(counts![0] > 0 && counts[1] > 0, $"{operation}: {counts[0]} requests and {counts[1]} answers validated");
            Assert.DoesNotContain(scenario.Violations, v => v.Contains(Describe(operation), StringComparison.Ordinal));
        }

        [Fact]
        public void The_scenario_broke_no_rule_of_any_spec()
        {
            Assert.True(scenario.Violations.Count == 0, string.Join("\n", scenario.Violations));
            Assert.True(scenario.Counts.Requests >= scenario.Operations.Count);
        }

        [Fact]
        public void The_extracted_specs_hold_exactly_the_listed_operations()
        {
            var listed = Listed().Select(o => (string)o[0]).OrderBy(x => x, StringComparer.Ordinal).ToList();
            var inSpecs = new[] { "digitalocean", "cloudflare", "scaleway", "ec2" }
                .SelectMany(p => JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, "spec", p + ".json")))!["operations"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()))
                .OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(listed, inSpecs);
        }

        [Fact]
        public void The_code_uses_no_provider_operation_that_the_list_lacks()
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "ReleaseOps.sln")))
            {
                root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!;
            }

            var operations = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, "operations.json")))!["operations"]!.AsArray().Select(o => o!.AsObject()).ToList();
            var templates = operations.Where(o => o["path"] is not null).Select(o => new Regex("^" + Regex.Replace(Regex.Escape(o["path"]!.GetValue<string>().TrimStart('/')), @"\\\{\w+}", "[^/]+") + "$")).ToList();
            var actions = operations.Where(o => o["operation"] is not null).Select(o => o["operation"]!.GetValue<string>()).ToHashSet();
            var missing = new List<string>();
            foreach (var file in Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in Regex.Matches(text, "\\$?\"((?:v2|instance/v1|block/v1alpha1|marketplace/v2|zones)(?:/[^\"?]*)?)"))
                {
                    // Interpolations ({zone}, {Uri.EscapeDataString(id)}) stand for one path segment.
                    // An interpolation glued to the end of a segment is a query string ("snapshots{query}").
                    var path = Regex.Replace(Regex.Replace(m.Groups[1].Value, @"(?<=[^/])\{[^}]*\}$", string.Empty), @"\{[^}]*\}", "x");
                    if (!templates.Any(t => t.IsMatch(path.TrimEnd('/'))))
                    {
                        missing.Add($"{Path.GetFileName(file)}: {m.Value}");
                    }
                }

                if (!text.Contains("using Amazon.EC2", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (Match m in Regex.Matches(text, @"\b\w+\.((?:Describe|Run|Terminate|Create|Import|Delete|Modify|Start|Stop|Reboot|Allocate|Release|Associate|Disassociate|Attach|Detach|Copy|Register|Deregister|Get)\w*)Async\("))
                {
                    if (!actions.Contains(m.Groups[1].Value))
                    {
                        missing.Add($"{Path.GetFileName(file)}: EC2 {m.Groups[1].Value}");
                    }
                }
            }

            Assert.True(missing.Count == 0, "Operations the module uses that tests/contracts/operations.json lacks:\n" + string.Join("\n", missing));
        }

        private static string Describe(string operation)
        {
            var o = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts, "operations.json")))!["operations"]!.AsArray().First(x => x!["id"]!.GetValue<string>() == operation)!;
            return o["path"] is { } path ? $"{o["method"]} {path}" : $"{o["operation"]}:";
        }
    }
}
