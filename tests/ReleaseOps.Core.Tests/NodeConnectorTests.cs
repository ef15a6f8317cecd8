using System;
using System.IO;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

public class NodeConnectorTests : IClassFixture<SandboxKeys>
{
    private readonly SandboxKeys keys;

    public NodeConnectorTests(SandboxKeys keys) => this.keys = keys;

    private SshConnectOptions Options(string knownHosts, string? config = null) => new()
    {
        KnownHostsFile = knownHosts,
        ConfigFile = config ?? WriteConfig(string.Empty),
        IdentityFiles = new[] { keys.IdentityFile },
        User = "root",
    };

    private string WriteConfig(string text)
    {
        var path = Path.Combine(keys.Directory, "config-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    private string NewKnownHosts() => Path.Combine(keys.Directory, "known-" + Guid.NewGuid().ToString("N"));

    private static async Task<string> RunAsync(NodeSession s, string command)
    {
        var r = await NodeCommandRunner.RunAsync(s, new NodeCommandRequest { Command = command }, null, NullReporter.Instance, CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
        return r.Output.Trim();
    }

    [Fact]
    public async Task Connecting_raises_the_thread_pools_minimum_so_that_a_sessions_commands_do_not_wait_for_threads()
    {
        // SSH.NET blocks pool threads; at the default minimum (one per core) a sync's checksums waited 0.6-0.8 s for the
        // pool to add threads. Lowered to that default first, then a connection (refused here) raises it before anything.
        ThreadPool.GetMinThreads(out _, out var io);
        ThreadPool.SetMinThreads(Environment.ProcessorCount, io);
        await Assert.ThrowsAnyAsync<Exception>(() => NodeConnector.ConnectAsync("127.0.0.1", Options(NewKnownHosts()).With(o => o.Port = 1), NullReporter.Instance, CancellationToken.None));
        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= Environment.ProcessorCount + PoolThreads.PerSession, $"min worker threads {workers}");
        // Never lowered by a smaller wish.
        PoolThreads.Ensure(1);
        ThreadPool.GetMinThreads(out var after, out _);
        Assert.True(after >= workers, $"lowered to {after}");
    }

    [Fact]
    public async Task A_host_key_that_changes_under_the_same_address_and_port_is_refused_even_with_AcceptNew()
    {
        var known = NewKnownHosts();
        var first = await keys.StartNodeAsync("key-before");
        var port = first.Port;
        var firstFingerprint = first.HostKeyFingerprint;
        using (var s = await NodeConnector.ConnectAsync("127.0.0.1", Options(known).With(o => { o.Port = port; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; }), NullReporter.Instance, CancellationToken.None))
        {
            Assert.Equal("key-before", await RunAsync(s, "hostname"));
        }

        first.Stop();
        using var second = await SandboxNode.StartAsync(new SandboxNodeOptions { Name = "key-after", Port = port, AuthorizedKeys = new[] { keys.PublicKey } }, NullReporter.Instance, CancellationToken.None);
        Assert.NotEqual(firstFingerprint, second.HostKeyFingerprint);
        var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() =>
            NodeConnector.ConnectAsync("127.0.0.1", Options(known).With(o => { o.Port = port; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; }), NullReporter.Instance, CancellationToken.None));
        Assert.Equal("HostKeyMismatch", ex.ErrorId);
        Assert.Contains(firstFingerprint, ex.Message, StringComparison.Ordinal);
        Assert.Contains(second.HostKeyFingerprint, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, File.ReadAllLines(known).Count(l => l.Length > 0));
    }

    [Fact]
    public async Task Parallel_AcceptNew_connections_all_record_their_keys()
    {
        var known = NewKnownHosts();
        var nodes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => keys.StartNodeAsync("tofu-" + i)));
        try
        {
            var names = await Task.WhenAll(nodes.Select(async n =>
            {
                using var s = await NodeConnector.ConnectAsync("127.0.0.1", Options(known).With(o => { o.Port = n.Port; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; }), NullReporter.Instance, CancellationToken.None);
                return await RunAsync(s, "hostname");
            }));
            Assert.Equal(nodes.Select(n => n.Name).OrderBy(x => x), names.OrderBy(x => x));
            var lines = File.ReadAllLines(known).Where(l => l.Length > 0).ToList();
            Assert.Equal(6, lines.Count);
            foreach (var n in nodes)
            {
                Assert.Contains(lines, l => l.StartsWith($"[127.0.0.1]:{n.Port} ssh-ed25519 ", StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.Stop();
            }
        }
    }

    [Fact]
    public async Task ProxyJump_chains_go_through_each_hop_in_order()
    {
        var known = NewKnownHosts();
        // Each hop may forward only to the next one (sshd's PermitOpen), so only the right order gets through.
        var target = await keys.StartNodeAsync("jump-target");
        var hop2 = await Start("hop-two", $"PermitOpen 127.0.0.1:{target.Port}");
        var hop1 = await Start("hop-one", $"PermitOpen 127.0.0.1:{hop2.Port}");
        try
        {
            string Config(string jumps) => WriteConfig($"""
                Host hop1
                  HostName 127.0.0.1
                  Port {hop1.Port}
                  User root
                Host hop2
                  HostName 127.0.0.1
                  Port {hop2.Port}
                  User root
                Host app
                  HostName 127.0.0.1
                  Port {target.Port}
                  User root
                  ProxyJump {jumps}
                """);
            var options = Options(known, Config("hop1,hop2")).With(o => { o.User = null; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; });

            // Behind a jump host an unknown key is refused even under AcceptNew: a compromised hop could present any key.
            var unknown = await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("app", options, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("HostKeyUnknown", unknown.ErrorId);
            Assert.Contains("jump host", unknown.Message, StringComparison.Ordinal);

            // Recorded over a direct connection first (as an admin checks a fingerprint), the keys are known, and the chain works.
            foreach (var port in new[] { hop2.Port, target.Port })
            {
                using var direct1 = await NodeConnector.ConnectAsync("127.0.0.1", Options(known, WriteConfig("# none")).With(o => { o.Port = port; o.User = "root"; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; }), NullReporter.Instance, CancellationToken.None);
            }

            using (var s = await NodeConnector.ConnectAsync("app", options, NullReporter.Instance, CancellationToken.None))
            {
                Assert.Equal("jump-target", await RunAsync(s, "hostname"));
            }

            // The reverse order is refused by the hops, which proves the chain above went hop1, hop2, target.
            var reversed = Options(known, Config("hop2,hop1")).With(o => { o.User = null; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; });
            await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("app", reversed, NullReporter.Instance, CancellationToken.None));
            var direct = Options(known, Config("hop1")).With(o => { o.User = null; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; });
            await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("app", direct, NullReporter.Instance, CancellationToken.None));
        }
        finally
        {
            hop1.Stop();
            hop2.Stop();
            target.Stop();
        }
    }

    private Task<SandboxNode> Start(string name, params string[] sshd) =>
        SandboxNode.StartAsync(new SandboxNodeOptions { Name = name, AuthorizedKeys = new[] { keys.PublicKey }, SshdConfigLines = sshd }, NullReporter.Instance, CancellationToken.None);

    [Theory]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    [InlineData("ed25519")]
    public async Task Encrypted_keys_of_each_type_open_with_the_passphrase(string type)
    {
        var file = Path.Combine(keys.Directory, "enc_" + type);
        SandboxKeys.Run("ssh-keygen", "-q", "-t", type, "-N", "s3cret pass", "-f", file);
        using var node = await SandboxNode.StartAsync(new SandboxNodeOptions { Name = "enc-" + type, AuthorizedKeys = new[] { File.ReadAllText(file + ".pub") } }, NullReporter.Instance, CancellationToken.None);
        var known = NewKnownHosts();
        var options = Options(known).With(o => { o.Port = node.Port; o.IdentityFiles = new[] { file }; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; });

        var missing = await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("127.0.0.1", options, NullReporter.Instance, CancellationToken.None));
        Assert.Equal("PassphraseRequired", missing.ErrorId);

        var wrong = await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("127.0.0.1", options.With(o => o.Passphrase = Secure("nope")), NullReporter.Instance, CancellationToken.None));
        Assert.Equal("PassphraseIncorrect", wrong.ErrorId);
        Assert.DoesNotContain("nope", wrong.Message, StringComparison.Ordinal);

        using var s = await NodeConnector.ConnectAsync("127.0.0.1", options.With(o => o.Passphrase = Secure("s3cret pass")), NullReporter.Instance, CancellationToken.None);
        Assert.Equal("enc-" + type, await RunAsync(s, "hostname"));
    }

    [Fact]
    public async Task A_key_the_node_does_not_know_is_an_authentication_error()
    {
        var other = Path.Combine(keys.Directory, "stranger");
        SandboxKeys.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other);
        using var node = await keys.StartNodeAsync("auth-fail");
        var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => NodeConnector.ConnectAsync("127.0.0.1",
            Options(NewKnownHosts()).With(o => { o.Port = node.Port; o.IdentityFiles = new[] { other }; o.HostKeyPolicy = HostKeyPolicy.AcceptNew; }), NullReporter.Instance, CancellationToken.None));
        Assert.Equal("AuthenticationFailed", ex.ErrorId);
    }

    private static SecureString Secure(string text)
    {
        var s = new SecureString();
        foreach (var c in text)
        {
            s.AppendChar(c);
        }

        s.MakeReadOnly();
        return s;
    }
}
