using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using ReleaseOps.Commands;
using ProviderCmdlet = ReleaseOps.Commands.ProviderCmdlet;
using ReleaseOps.Core;

namespace ReleaseOps.Cmdlets.Tests
{
    /// <summary>How the cmdlets turn what they are given into engine options.</summary>
    public class ParameterMappingTests
    {
        [Theory]
        [InlineData("cortico.ca", "cortico.ca", null, null)]
        [InlineData(" deploy@cortico.ca:2222 ", "cortico.ca", 2222, "deploy")]
        [InlineData("a@b@10.0.0.5", "10.0.0.5", null, "a@b")]
        [InlineData("kmc:notaport", "kmc:notaport", null, null)]
        [InlineData("fe80::1", "fe80::1", null, null)]
        public void A_node_string_becomes_user_host_and_port(string given, string host, int? port, string? user)
        {
            var target = SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(given), "Source");
            Assert.Equal(host, target.HostName);
            Assert.Equal(port, target.Port);
            Assert.Equal(user, target.User);
        }

        [Fact]
        public void A_ProjectNode_gives_its_address_port_and_user_and_leaves_unset_ones_to_ssh_config()
        {
            var created = SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(new ProjectNode { HostName = "203.0.113.7" }), "Target");
            Assert.Equal(("203.0.113.7", (int?)22, (string?)"root"), (created.HostName, created.Port, created.User));
            var bare = SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(new ProjectNode { HostName = "203.0.113.7", Port = 0, User = string.Empty }), "Target");
            Assert.Equal(("203.0.113.7", (int?)null, (string?)null), (bare.HostName, bare.Port, bare.User));
            var full = SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(new ProjectNode { HostName = "203.0.113.7", Port = 2200, User = "admin" }), "Target");
            Assert.Equal(("203.0.113.7", (int?)2200, (string?)"admin"), (full.HostName, full.Port, full.User));
        }

        [Fact]
        public void Any_object_with_a_HostName_stands_for_a_node()
        {
            var o = new PSObject();
            o.Properties.Add(new PSNoteProperty("HostName", "db.internal"));
            o.Properties.Add(new PSNoteProperty("Port", "2022"));
            var target = SshOptionsCmdlet.ToTarget(o, "Source");
            Assert.Equal("db.internal", target.HostName);
            Assert.Equal(2022, target.Port);
        }

        [Theory]
        [InlineData("   ")]
        [InlineData("root@")]
        public void An_empty_node_is_InvalidHostName(string given)
        {
            var ex = Assert.Throws<ReleaseOpsException>(() => SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(given), "Source"));
            Assert.Equal(ErrorIds.InvalidHostName, ex.ErrorId);
            Assert.Contains("-Source", ex.Message);
        }

        [Fact]
        public void An_object_without_a_HostName_is_InvalidHostName()
        {
            var ex = Assert.Throws<ReleaseOpsException>(() => SshOptionsCmdlet.ToTarget(PSObject.AsPSObject(new Hashtable { ["Name"] = "cortico" }), "Target"));
            Assert.Equal(ErrorIds.InvalidHostName, ex.ErrorId);
        }

        [Fact]
        public void Jenkins_parameters_are_strings_and_secrets_are_named()
        {
            var secret = new NetworkCredential(string.Empty, "s3cret").SecurePassword;
            var table = new Hashtable { ["NODE"] = "cortico", ["DRY"] = true, ["COUNT"] = 3, ["TOKEN"] = secret, ["CRED"] = new PSCredential("u", new NetworkCredential(string.Empty, "pw").SecurePassword) };
            var secrets = new HashSet<string>();
            var p = JenkinsCmdlet.ToParameters(table, secrets)!;
            Assert.Equal("cortico", p["NODE"]);
            Assert.Equal("true", p["DRY"]);
            Assert.Equal("3", p["COUNT"]);
            Assert.Equal("s3cret", p["TOKEN"]);
            Assert.Equal("pw", p["CRED"]);
            Assert.Equal(new HashSet<string> { "TOKEN", "CRED" }, secrets);
            Assert.Null(JenkinsCmdlet.ToParameters(null, secrets));
        }

        private sealed class ProviderProbe : ProviderCmdlet
        {
        }

        [Fact]
        public void A_token_goes_to_the_provider_it_is_for()
        {
            var probe = new ProviderProbe { Token = new NetworkCredential(string.Empty, "do-token").SecurePassword };
            Assert.Equal("do-token", probe.Settings(HostingProvider.DigitalOcean).DigitalOceanToken);
            Assert.Equal("do-token", probe.Settings(null, DnsProvider.Cloudflare).CloudflareToken);
        }

        [Fact]
        public void A_credential_is_Scaleways_key_pair_and_an_endpoint_overrides_the_default()
        {
            var probe = new ProviderProbe
            {
                Credential = new PSCredential("SCWACCESSKEY", new NetworkCredential(string.Empty, "scw-secret").SecurePassword),
                ApiEndpoint = new System.Uri("http://127.0.0.1:8080/"),
            };
            var s = probe.Settings(HostingProvider.Scaleway);
            Assert.Equal("SCWACCESSKEY", s.ScalewayAccessKey);
            Assert.Equal("scw-secret", s.ScalewaySecretKey);
            Assert.Equal(new System.Uri("http://127.0.0.1:8080/"), s.ScalewayEndpoint);
        }

        [Fact]
        public void An_AWS_node_in_an_availability_zone_is_reached_in_its_region()
        {
            var s = new ProviderProbe().Settings(new ProjectNode { Provider = HostingProvider.Aws, Region = "ca-central-1a" });
            Assert.Equal("ca-central-1", s.AwsRegion);
        }
    }
}
