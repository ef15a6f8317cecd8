using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;
using YamlDotNet.RepresentationModel;

namespace ReleaseOps.Core.Tests
{
    /// <summary>
    /// Security issue, item 10: Scaleway's cloud-init user data. A key's comment is free text; whatever it holds
    /// (a backslash, a literal "\n", quotes, a colon, "#"), the YAML must give back exactly one authorized key, the
    /// line intact, and nothing else.
    /// </summary>
    public sealed class CloudInitTests
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcbT7PaQyTa6OV7a8kDOQKT9hp3CvOxO1vJ+dC1W9tr";

        [Theory]
        [InlineData(@"admin\laptop")]
        [InlineData(@"admin\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKm3H1zz attacker")]
        [InlineData(@"trailing backslash \")]
        [InlineData("say \"hi\": yes # not a comment")]
        [InlineData("o'brien: {x}, [y] & *z !tag | > % @ `")]
        [InlineData("née 日本 🙂")]
        public async Task A_key_comment_comes_back_from_the_yaml_as_one_authorized_key_intact(string comment)
        {
            var line = $"{Key} {comment}";
            await using var fake = await FakeCloud.StartAsync();
            using var provider = new ScalewayProvider(fake.Settings(), NullReporter.Instance);

            await provider.CreateAsync(new NodeRequest { Project = "cortico", PublicKeys = new[] { line } }, CancellationToken.None);

            var userData = (await fake.GetAsync("_fake/scaleway/state"))["servers"]![0]!["userData"]!.GetValue<string>();
            Assert.StartsWith("#cloud-config\n", userData, StringComparison.Ordinal);
            var yaml = new YamlStream();
            yaml.Load(new StringReader(userData));
            var root = Assert.IsType<YamlMappingNode>(Assert.Single(yaml.Documents).RootNode);
            var (name, keys) = Assert.Single(root.Children);
            Assert.Equal("ssh_authorized_keys", ((YamlScalarNode)name).Value);
            var only = Assert.IsType<YamlScalarNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(keys).Children));
            Assert.Equal(PublicKey.Parse(line).Line, only.Value);
            Assert.EndsWith(comment.Trim(), only.Value, StringComparison.Ordinal);
        }

        [Fact]
        public void Several_keys_are_several_entries()
        {
            var text = ScalewayProvider.CloudConfig(new[] { Key + " a\\b", Key + " c:d" });
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            var keys = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("ssh_authorized_keys")];

            Assert.Equal(new[] { Key + " a\\b", Key + " c:d" }, keys.Children.Cast<YamlScalarNode>().Select(k => k.Value));
        }
    }
}
