using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Sandbox;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

/// <summary>
/// The relay's credit gate must not exit while the relay may still write credits: a credit that reaches sshd after
/// the channel closed makes sshd drop the whole connection ("data packet referred to nonexistent channel"), and every
/// later call failed with "Client not connected".
/// </summary>
public class NodeStreamGateTests : IClassFixture<SandboxKeys>
{
    private readonly SandboxKeys keys;

    public NodeStreamGateTests(SandboxKeys keys) => this.keys = keys;

    [Fact]
    public async Task The_gate_marks_the_end_of_the_output_then_waits_for_the_credits_to_close_before_it_exits()
    {
        var psi = new ProcessStartInfo("perl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-e", NodeStream.GatePerl, "--", "sh", "-c", "printf hello; exit 7" })
        {
            psi.ArgumentList.Add(a);
        }

        using var gate = Process.Start(psi)!;
        var stdin = gate.StandardInput.BaseStream;
        await stdin.WriteAsync(new byte[1]);
        await stdin.FlushAsync();

        // One frame of 5 bytes, then the end mark (a zero length).
        var expected = new byte[] { 0, 0, 0, 5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0, 0, 0, 0 };
        var got = new byte[expected.Length];
        await gate.StandardOutput.BaseStream.ReadExactlyAsync(got).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expected, got);

        // The command is done, but the gate (and so the channel) stays until the relay closes the credits.
        Assert.False(gate.WaitForExit(1000), "The gate exited while the relay could still write credits.");
        await stdin.WriteAsync(new byte[1]);
        await stdin.FlushAsync();
        Assert.False(gate.HasExited);
        stdin.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await gate.WaitForExitAsync(timeout.Token);
        Assert.Equal(7, gate.ExitCode);
        Assert.Equal(0, gate.StandardOutput.BaseStream.Read(new byte[1]));
    }

    [Fact]
    public async Task Many_streams_on_one_pair_of_connections_leave_both_connections_up()
    {
        using var a = await keys.StartNodeAsync("gate-src");
        using var b = await keys.StartNodeAsync("gate-dst");
        var known = Path.Combine(keys.Directory, "known-gate");
        File.WriteAllText(known, $"[127.0.0.1]:{a.Port} {a.HostKey}\n[127.0.0.1]:{b.Port} {b.HostKey}\n");
        var o = new SshConnectOptions { KnownHostsFile = known, ConfigFile = "/dev/null", IdentityFiles = new[] { keys.IdentityFile }, User = "root" };
        using var s = await NodeConnector.ConnectAsync("127.0.0.1", o.With(x => x.Port = a.Port), NullReporter.Instance, CancellationToken.None);
        using var d = await NodeConnector.ConnectAsync("127.0.0.1", o.With(x => x.Port = b.Port), NullReporter.Instance, CancellationToken.None);

        // Whole MB of output: the last chunk earns a credit just as the source ends, which is when a credit used to race
        // the channel's close (about 1 stream in 50 here, more under load).
        for (var i = 0; i < 60; i++)
        {
            var size = (1 + (i % 3)) * 1048576;
            var r = await NodeStream.RelayAsync(
                s, new NodeCommandRequest { Command = "head -c \"$1\" /dev/zero", Arguments = new[] { size.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                d, new NodeCommandRequest { Command = "wc -c > /tmp/got" }, _ => { }, NullReporter.Instance, CancellationToken.None);
            Assert.True(r.Succeeded && r.Bytes == size, $"stream {i}: {r.RelayError} {s.ConnectionLost()?.Message} {d.ConnectionLost()?.Message}\nsource sshd: {a.Log}");
        }

        Assert.Null(s.ConnectionLost());
        Assert.Null(d.ConnectionLost());
        Assert.DoesNotContain("nonexistent channel", a.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_the_server_drops_fails_as_NodeConnectionLost_naming_the_node_and_the_cause()
    {
        using var a = await keys.StartNodeAsync("gate-drop");
        var known = Path.Combine(keys.Directory, "known-drop");
        File.WriteAllText(known, $"[127.0.0.1]:{a.Port} {a.HostKey}\n");
        var o = new SshConnectOptions { KnownHostsFile = known, ConfigFile = "/dev/null", IdentityFiles = new[] { keys.IdentityFile }, User = "root", Port = a.Port };
        using var s = await NodeConnector.ConnectAsync("127.0.0.1", o, NullReporter.Instance, CancellationToken.None);

        // The connection's own sshd process goes away under it (as a cut connection or a crashed sshd would).
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await NodeCommandRunner.RunAsync(s, new NodeCommandRequest { Command = "kill -9 $PPID" }, null, NullReporter.Instance, CancellationToken.None);
            for (var i = 0; i < 50; i++)
            {
                await NodeCommandRunner.RunAsync(s, new NodeCommandRequest { Command = "true" }, null, NullReporter.Instance, CancellationToken.None);
                await Task.Delay(100);
            }
        });

        var failure = NodeFailure.Translate(ex, "work", null, "again", s);
        Assert.Equal("NodeConnectionLost", failure.ErrorId);
        Assert.Contains($"127.0.0.1:{a.Port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("after it opened", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Client not connected", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(s.ConnectionError);
        Assert.Contains("aborted by the server", failure.Message, StringComparison.Ordinal);
    }
}
