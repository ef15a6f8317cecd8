using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Tests;

public class SandboxNodeTests : IClassFixture<SandboxKeys>
{
    private readonly SandboxKeys keys;

    public SandboxNodeTests(SandboxKeys keys) => this.keys = keys;

    [Fact]
    public void Runs_here()
    {
        // CI runs as root with openssh-server installed; the sandbox tests must never be skipped there.
        Assert.Null(SandboxNode.NotSupportedReason());
    }

    [Fact]
    public async Task A_node_is_a_real_sshd_whose_changes_stay_inside_it()
    {
        using var node = await keys.StartNodeAsync("sbx-alpha");
        Assert.True(node.IsRunning);
        Assert.StartsWith("SHA256:", node.HostKeyFingerprint, StringComparison.Ordinal);

        var r = keys.Ssh(node, "hostname; useradd -m sandboxbob && getent passwd sandboxbob && cat /proc/1/comm");
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("sbx-alpha", r.Output, StringComparison.Ordinal);
        Assert.Contains("sandboxbob:x:", r.Output, StringComparison.Ordinal);
        Assert.Contains("sshd", r.Output, StringComparison.Ordinal);

        Assert.DoesNotContain("sandboxbob", File.ReadAllText("/etc/passwd"), StringComparison.Ordinal);
        Assert.Contains("sandboxbob", File.ReadAllText(Path.Combine(node.RootPath, "etc/passwd")), StringComparison.Ordinal);
        Assert.False(Directory.Exists("/home/sandboxbob"));
    }

    [Fact]
    public async Task Stopping_ends_every_process_in_the_node_and_frees_the_port()
    {
        var node = await keys.StartNodeAsync("sbx-stop");
        var pid = node.SshdPid;
        var r = keys.Ssh(node, "nohup sleep 600 >/dev/null 2>&1 & echo started");
        Assert.True(r.ExitCode == 0, r.Output);
        node.Stop();
        Assert.False(node.IsRunning);
        Assert.False(Directory.Exists($"/proc/{pid}"));
        Assert.DoesNotContain(Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "cmdline")),
            f => File.Exists(f) && SafeRead(f).Contains("sleep\0" + "600", StringComparison.Ordinal));
        using var probe = new System.Net.Sockets.TcpClient();
        Assert.ThrowsAny<System.Net.Sockets.SocketException>(() => probe.Connect("127.0.0.1", node.Port));
        Assert.DoesNotContain(SandboxNode.All, n => ReferenceEquals(n, node));
    }

    [Fact]
    public async Task Several_nodes_run_side_by_side_each_with_its_own_host_key()
    {
        var nodes = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => keys.StartNodeAsync("sbx-many-" + i)));
        try
        {
            Assert.Equal(4, nodes.Select(n => n.Port).Distinct().Count());
            Assert.Equal(4, nodes.Select(n => n.HostKeyFingerprint).Distinct().Count());
            foreach (var n in nodes)
            {
                var r = keys.Ssh(n, "hostname");
                Assert.Equal(n.Name, r.Output.Trim());
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
    public async Task Bad_names_are_refused()
    {
        var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => keys.StartNodeAsync("Bad Name"));
        Assert.Equal("InvalidNodeName", ex.ErrorId);
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
