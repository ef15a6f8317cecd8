using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Core.Tests;

/// <summary>
/// The pure parts of Sync-NodeFile -Direct: the authorized_keys line and its quoting (read back the way sshd reads it),
/// the forced command (run by a real sh against a fake rsync), the authorized_keys edit (run by a real sh in a
/// temporary home), the new node's ssh command, and how a failure's messages are read.
/// </summary>
public class DirectPathTests
{
    private static readonly string[] ServerArguments = { "--server", "--sender", "-lHogDtpre.iLsfxCIvu", "--numeric-ids", ".", "./" };
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGPUxvMSZYHdjOQjSZbxa2EjiVMkpHvJtA66SWJ57psC releaseops-direct-abc";

    [Theory]
    [InlineData("plain")]
    [InlineData("it's a \"quoted\" name")]
    [InlineData("back\\slash \\\" and \\\\\" twice")]
    [InlineData("$(touch /tmp/pwned) `id` ; rm -rf / #")]
    [InlineData("\"")]
    [InlineData("\"\"\"")]
    public void A_quoted_option_reads_back_as_the_value_the_way_sshd_reads_it(string value)
    {
        var quoted = DirectPath.QuoteOption(value);
        Assert.Equal(value, DirectPath.DequoteOption(quoted + ",next", out var consumed));
        Assert.Equal(quoted.Length, consumed);
    }

    [Theory]
    [InlineData("ends with a backslash\\")]
    [InlineData("two\nlines")]
    [InlineData("carriage\rreturn")]
    public void An_option_that_sshd_would_misread_is_refused(string value)
    {
        Assert.Throws<ArgumentException>(() => DirectPath.QuoteOption(value));
    }

    [Fact]
    public void The_line_restricts_the_key_to_the_new_node_and_to_the_exact_sender_and_carries_the_marker()
    {
        var command = DirectPath.ForcedCommand("/srv/it's \"odd\"/uploads", ServerArguments, sudo: false);
        var marker = DirectPath.Marker("0123456789abcdef", DateTimeOffset.FromUnixTimeSeconds(1700000000), "abcdefghijkl");
        var line = DirectPath.AuthorizedKeysLine(new[] { "127.0.0.1", "10.0.0.2" }, command, Key, marker);

        Assert.StartsWith("restrict,from=\"127.0.0.1,10.0.0.2\",command=\"", line);
        Assert.EndsWith(" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGPUxvMSZYHdjOQjSZbxa2EjiVMkpHvJtA66SWJ57psC releaseops-direct-0123456789abcdef-1700000000-abcdefghijkl", line);
        Assert.DoesNotContain("\n", line);
        // sshd's reading of the command= value gives back the command, and what follows is the key.
        var at = line.IndexOf("command=", StringComparison.Ordinal) + "command=".Length;
        Assert.Equal(command, DirectPath.DequoteOption(line.Substring(at), out var consumed));
        Assert.Equal(" ssh-ed25519 ", line.Substring(at + consumed, 13));
        Assert.True(DirectPath.IsOurLine(line, out var tag, out var created));
        Assert.Equal("0123456789abcdef", tag);
        Assert.Equal(1700000000, created);
        Assert.False(DirectPath.IsOurLine(Key, out _, out _));
        Assert.False(DirectPath.IsOurLine("ssh-ed25519 AAAA releaseops-direct-0123456789abcdef-1700000000-abcdefghijkl", out _, out _));
    }

    [Fact]
    public void The_line_takes_only_addresses_keys_and_markers()
    {
        var command = DirectPath.ForcedCommand("/srv/a", ServerArguments, sudo: false);
        var marker = DirectPath.Marker("abc", DateTimeOffset.UtcNow, "xyz");
        Assert.Throws<ArgumentException>(() => DirectPath.AuthorizedKeysLine(Array.Empty<string>(), command, Key, marker));
        Assert.Throws<ArgumentException>(() => DirectPath.AuthorizedKeysLine(new[] { "node.example.com" }, command, Key, marker));
        Assert.Throws<ArgumentException>(() => DirectPath.AuthorizedKeysLine(new[] { "10.0.0.1\",command=\"sh" }, command, Key, marker));
        Assert.Throws<ArgumentException>(() => DirectPath.AuthorizedKeysLine(new[] { "10.0.0.1" }, command, "ssh-ed25519 !!!", marker));
        Assert.Throws<ArgumentException>(() => DirectPath.AuthorizedKeysLine(new[] { "10.0.0.1" }, command, Key, "my key"));
        Assert.Throws<ArgumentException>(() => DirectPath.Marker("UPPER", DateTimeOffset.UtcNow, "x"));
        Assert.Throws<ArgumentException>(() => DirectPath.ForcedCommand("/srv/a", new[] { "--server", "--receiver" }, sudo: false));
    }

    [Fact]
    public void The_forced_command_runs_the_exact_sender_inside_the_folder_and_refuses_a_link_in_its_path()
    {
        var root = Path.Combine(Path.GetTempPath(), "ro-direct-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(root, "it's \"odd\" $(touch PWNED) `id`");
        var bin = Path.Combine(root, "bin");
        try
        {
            Directory.CreateDirectory(folder);
            Directory.CreateDirectory(bin);
            // A fake rsync that prints where it runs and its arguments, one a line.
            File.WriteAllText(Path.Combine(bin, "rsync"), "#!/bin/sh\npwd -P\nfor a; do printf '[%s]\\n' \"$a\"; done\n");
            Exec("chmod", "755", Path.Combine(bin, "rsync"));

            var (exit, output, _) = Run(DirectPath.ForcedCommand(folder, ServerArguments, sudo: false), bin);
            Assert.Equal(0, exit);
            Assert.Equal(new[] { folder }.Concat(ServerArguments.Select(a => "[" + a + "]")).ToArray(), output.TrimEnd('\n').Split('\n'));
            Assert.False(File.Exists(Path.Combine(root, "PWNED")));

            // The same folder reached through a link: refused with exit 5, rsync never runs.
            var link = Path.Combine(root, "link");
            Exec("ln", "-s", folder, link);
            (exit, output, var error) = Run(DirectPath.ForcedCommand(link, ServerArguments, sudo: false), bin);
            Assert.Equal(5, exit);
            Assert.Equal(string.Empty, output);
            Assert.Equal(DirectPath.Failure.UnsafePath, DirectPath.Classify(error));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void The_authorized_keys_edit_appends_then_removes_the_exact_line_and_keeps_every_other_key_byte_for_byte()
    {
        var home = Path.Combine(Path.GetTempPath(), "ro-home-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(home, ".ssh", "authorized_keys");
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            var now = DateTimeOffset.UtcNow;
            var fresh = "restrict,from=\"10.9.9.9\",command=\"true\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther " + DirectPath.Marker("ffff", now, "fresh");
            var stale = "restrict,from=\"10.9.9.9\",command=\"true\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStale " + DirectPath.Marker("eeee", now.AddHours(-1), "stale");
            var crashed = "restrict,from=\"10.9.9.9\",command=\"true\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrash " + DirectPath.Marker("abcd", now, "crash");
            // A user's own key whose comment looks like a marker, but without our options: never ours to remove.
            var lookalike = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILook " + DirectPath.Marker("abcd", now.AddHours(-1), "mine");
            var original = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin@laptop\n" + lookalike + "\n" + fresh + "\n" + stale + "\n" + crashed + "\n# a comment\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ last-without-newline";
            File.WriteAllText(file, original);
            var line = DirectPath.AuthorizedKeysLine(new[] { "127.0.0.1" }, DirectPath.ForcedCommand("/srv/it's \"x\"", ServerArguments, sudo: true),
                Key, DirectPath.Marker("abcd", now, "mine"));
            var cutoff = (now - DirectPath.StaleLineAfter).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

            var (exit, output, error) = Run(DirectRsync.KeysScript, null, home, "add", line, "abcd", cutoff);
            Assert.True(exit == 0, error);
            Assert.Equal("removed 2", output.Trim());   // this tag's crashed line, and another run's stale line
            var kept = original.Replace(stale + "\n", string.Empty).Replace(crashed + "\n", string.Empty);
            Assert.Equal(kept + "\n" + line + "\n", File.ReadAllText(file));
            Assert.Equal("600", Exec("stat", "-c", "%a", file).Trim());

            (exit, output, error) = Run(DirectRsync.KeysScript, null, home, "remove", line, "-", cutoff);
            Assert.True(exit == 0, error);
            Assert.Equal("removed 1", output.Trim());
            Assert.Equal(kept + "\n", File.ReadAllText(file));

            // Nothing to remove: the file is not rewritten.
            var inode = Exec("stat", "-c", "%i", file);
            (exit, output, _) = Run(DirectRsync.KeysScript, null, home, "remove", line, "-", cutoff);
            Assert.Equal(0, exit);
            Assert.Equal("removed 0", output.Trim());
            Assert.Equal(inode, Exec("stat", "-c", "%i", file));

            // An undo removes every line of its tag, whatever its age, and nothing else.
            File.AppendAllText(file, crashed + "\n");
            (exit, output, _) = Run(DirectRsync.KeysScript, null, home, "remove", string.Empty, "abcd", cutoff);
            Assert.Equal(0, exit);
            Assert.Equal(kept + "\n", File.ReadAllText(file));
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Fact]
    public void The_authorized_keys_edit_never_follows_a_link()
    {
        var home = Path.Combine(Path.GetTempPath(), "ro-home-" + Guid.NewGuid().ToString("N"));
        var victim = Path.Combine(home, "victim");
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            File.WriteAllText(victim, "root:x:0:0\n");
            Exec("ln", "-s", victim, Path.Combine(home, ".ssh", "authorized_keys"));
            var line = DirectPath.AuthorizedKeysLine(new[] { "127.0.0.1" }, DirectPath.ForcedCommand("/srv/a", ServerArguments, sudo: false), Key, DirectPath.Marker("abcd", DateTimeOffset.UtcNow, "x"));
            var (exit, _, error) = Run(DirectRsync.KeysScript, null, home, "add", line, "abcd", "0");
            Assert.Equal(4, exit);
            Assert.Contains("symbolic link", error);
            Assert.Equal("root:x:0:0\n", File.ReadAllText(victim));
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Theory]
    [InlineData("10.0.0.5", 22, "10.0.0.5", 22)]
    [InlineData("10.0.0.5:2222", 22, "10.0.0.5", 2222)]
    [InlineData("old.internal", 2200, "old.internal", 2200)]
    [InlineData("[fd00::5]:2222", 22, "fd00::5", 2222)]
    [InlineData("fd00::5", 22, "fd00::5", 22)]
    public void An_address_is_read_as_host_and_port(string address, int defaultPort, string host, int port)
    {
        Assert.Equal((host, port), DirectPath.ParseAddress(address, defaultPort));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.5:0")]
    [InlineData("10.0.0.5:70000")]
    [InlineData("-oProxyCommand=sh")]
    [InlineData("host name")]
    [InlineData("a;b")]
    [InlineData("[fd00::5")]
    public void A_bad_address_is_InvalidHostName(string address)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => DirectPath.ParseAddress(address, 22));
        Assert.Equal(ErrorIds.InvalidHostName, ex.ErrorId);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData(" 203.0.113.7 ", "203.0.113.7")]
    [InlineData("2001:db8:0:0::7", "2001:db8::7")]
    [InlineData("127.0.0.2", "127.0.0.2")]
    public void A_from_address_is_one_canonical_IP_address(string given, string expected) =>
        Assert.Equal(expected, DirectPath.ParseFrom(given));

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("10.0.0.0/8")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("fe80::1%2")]
    [InlineData("10.1")]
    [InlineData("1.2.3.4,5.6.7.8")]
    [InlineData("!1.2.3.4")]
    [InlineData("1.2.3.4\"")]
    [InlineData("old.example.com")]
    public void A_from_address_that_would_widen_the_key_is_InvalidHostName(string given)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => DirectPath.ParseFrom(given));
        Assert.Equal(ErrorIds.InvalidHostName, ex.ErrorId);
    }

    [Fact]
    public void Added_from_addresses_join_the_new_nodes_own_in_the_key_line()
    {
        var from = DirectPath.FromAddresses(new[] { "10.0.0.9", null, "10.0.0.9", DirectPath.ParseFrom("203.0.113.7") }, "10.0.0.5");
        Assert.Equal(new[] { "10.0.0.9", "203.0.113.7" }, from);
        var line = DirectPath.AuthorizedKeysLine(from, "true", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq8xxVw0b3Q0fFhxV6gQ3aVCj5bMDyMZ8bU2sXzkQ8V c", DirectPath.Marker("0123456789abcdef", DateTimeOffset.FromUnixTimeSeconds(1700000000), "abcdefghijkl"));
        Assert.StartsWith("restrict,from=\"10.0.0.9,203.0.113.7\",command=", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tunnels_key_line_allows_one_forward_from_the_new_node_and_no_shell()
    {
        const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq8xxVw0b3Q0fFhxV6gQ3aVCj5bMDyMZ8bU2sXzkQ8V c";
        var marker = DirectPath.Marker("0123456789abcdef", DateTimeOffset.FromUnixTimeSeconds(1700000000), "abcdefghijkl");
        var line = DirectPath.ForwardKeysLine(new[] { "10.0.0.9" }, "172.18.0.2:5432", Key, marker);
        Assert.Equal("restrict,from=\"10.0.0.9\",port-forwarding,permitopen=\"172.18.0.2:5432\",command=\"/bin/false\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq8xxVw0b3Q0fFhxV6gQ3aVCj5bMDyMZ8bU2sXzkQ8V " + marker, line);
        // The old node's cleanup knows it as one of ours (by its marker), like the file sync's line.
        Assert.True(DirectPath.IsOurLine(line, out var tag, out _));
        Assert.Equal("0123456789abcdef", tag);
        Assert.Contains("permitopen=\"[fd00::5]:5432\"", DirectPath.ForwardKeysLine(new[] { "10.0.0.9" }, "[fd00::5]:5432", Key, marker), StringComparison.Ordinal);
        foreach (var bad in new[] { "", "5432", "db:0", "db:70000", "a b:5432", "*:5432", "db:5432\",command=\"sh", "fd00::5:5432", "[db]:5432", "[fe80::1%eth0]:5432" })
        {
            Assert.Throws<ArgumentException>(() => DirectPath.ForwardKeysLine(new[] { "10.0.0.9" }, bad, Key, marker));
        }
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("db.internal", true)]
    [InlineData("fd00::5", true)]
    [InlineData("fe80::1%eth0", false)] // a zone: not an address another node's forward can use
    [InlineData("10.0.0.5 10.0.0.6", false)]
    [InlineData("*", false)]
    [InlineData("db;id", false)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("", false)]
    [InlineData("-oProxyCommand=id", false)]
    public void An_old_databases_listen_address_is_used_for_a_forward_only_when_it_is_plainly_an_address_or_a_name(string listen, bool usable)
    {
        // DatabaseReplication's check: an unusable one is a reason to fall back to dump and restore, said before any data moves.
        Assert.Equal(usable, DirectPath.IsForwardHost(listen));
    }

    [Fact]
    public void The_tunnel_script_says_when_it_listens_ends_with_its_input_and_fails_at_once()
    {
        // A stand-in for ssh: prints what LocalCommand would, then stays up (or fails as a port in use makes ssh fail).
        var dir = Path.Combine(Path.GetTempPath(), "ro-tunnel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "up"), "echo " + DirectTunnel.ReadyMark + "; exec sleep 60\n");
            File.WriteAllText(Path.Combine(dir, "busy"), "echo 'bind [127.0.0.1]:5: Address already in use' >&2; exit 255\n");
            Process Start(string fake)
            {
                var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-c", DirectTunnel.TunnelScript, "tunnel", "sh " + Path.Combine(dir, fake), "5", "127.0.0.1:5432" })
                {
                    psi.ArgumentList.Add(a);
                }

                return Process.Start(psi)!;
            }

            using (var up = Start("up"))
            {
                Assert.Equal(DirectTunnel.ReadyMark, up.StandardOutput.ReadLine());
                Assert.False(up.WaitForExit(300));
                up.StandardInput.Close();
                Assert.True(up.WaitForExit(5000), "the tunnel ends when its input closes");
                Assert.NotEqual(0, up.ExitCode);
            }

            using var busy = Start("busy");
            Assert.True(busy.WaitForExit(5000), "a failed ssh ends the script at once, its input still open");
            Assert.Equal(255, busy.ExitCode);
            Assert.Equal(string.Empty, busy.StandardOutput.ReadToEnd()); // returns: nothing holds the output open
            Assert.Contains("Address already in use", busy.StandardError.ReadToEnd(), StringComparison.Ordinal);
            busy.StandardInput.Close();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_new_nodes_ssh_trusts_only_the_pinned_host_key_and_the_temporary_key()
    {
        var ssh = DirectPath.SshCommand("/tmp/releaseops-direct-0123456789abcdef.AbCdE12345", "fd00::5", 2222, "deploy");
        var words = ssh.Split(' ');
        Assert.Equal("ssh", words[0]);
        foreach (var option in new[] { "BatchMode=yes", "IdentitiesOnly=yes", "IdentityAgent=none", "StrictHostKeyChecking=yes", "UpdateHostKeys=no", "GlobalKnownHostsFile=/dev/null",
            "IdentityFile=/tmp/releaseops-direct-0123456789abcdef.AbCdE12345/id", "UserKnownHostsFile=/tmp/releaseops-direct-0123456789abcdef.AbCdE12345/known_hosts",
            "HostKeyAlias=" + DirectPath.HostAlias, "HostName=fd00::5", "Port=2222", "User=deploy" })
        {
            Assert.Contains(option, words);
        }

        Assert.Contains("-F", words);
        Assert.Equal("none", words[Array.IndexOf(words, "-F") + 1]);
        Assert.DoesNotContain(words, w => w.Contains("StrictHostKeyChecking=no") || w.Contains("accept-new"));
        Assert.Throws<ArgumentException>(() => DirectPath.SshCommand("/tmp/evil dir", "10.0.0.1", 22, "root"));
        Assert.Throws<ArgumentException>(() => DirectPath.SshCommand("/home/x/.ssh", "10.0.0.1", 22, "root"));
        Assert.Equal(ErrorIds.InvalidHostName, Assert.Throws<ReleaseOpsException>(() => DirectPath.SshCommand("/tmp/releaseops-direct-ab.AbCdE12345", "10.0.0.1", 22, "root -oProxyCommand=x")).ErrorId);
        Assert.Equal("releaseops-old-node ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGPUxvMSZYHdjOQjSZbxa2EjiVMkpHvJtA66SWJ57psC", DirectPath.KnownHostsLine(Key));
        Assert.True(DirectPath.IsKeyFolder("/tmp/releaseops-direct-ab.AbCdE12345", "ab"));
        Assert.False(DirectPath.IsKeyFolder("/tmp/releaseops-direct-ab.AbCdE12345", "cd"));
        Assert.False(DirectPath.IsKeyFolder("/tmp/releaseops-direct-ab.AbCdE12345/../../etc", "ab"));
    }

    [Fact]
    public void The_new_nodes_addresses_are_ip_literals_only_distinct_and_loopback_only_for_a_loopback_old_node()
    {
        Assert.Equal(new[] { "127.0.0.1", "10.0.0.2", "fd00::5" }, DirectPath.FromAddresses(new[] { "127.0.0.1", null, "", "10.0.0.2", "127.0.0.1", "node.example.com", "fd00::5", "1.2", "10.0.0.2 x" }, "127.0.0.1"));
        // An old node reached over the network: the new node's loopback (a tunnel the admin uses) is never allowed.
        Assert.Equal(new[] { "10.0.0.2" }, DirectPath.FromAddresses(new[] { "127.0.0.1", "::1", "10.0.0.2" }, "10.0.0.5"));
        Assert.Equal(new[] { "10.0.0.2" }, DirectPath.FromAddresses(new[] { "127.0.0.1", "10.0.0.2" }, "old.example.com"));
    }

    [Theory]
    [InlineData("ssh: connect to host 127.0.0.2 port 22: Connection refused\r\nrsync: connection unexpectedly closed", DirectPath.Failure.Unreachable)]
    [InlineData("ssh: connect to host 10.0.0.5 port 22: Connection timed out", DirectPath.Failure.Unreachable)]
    [InlineData("ssh: Could not resolve hostname old: Name or service not known", DirectPath.Failure.Unreachable)]
    [InlineData("root@127.0.0.1: Permission denied (publickey).", DirectPath.Failure.KeyRefused)]
    [InlineData("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.", DirectPath.Failure.HostKey)]
    [InlineData("No ED25519 host key is known for releaseops-old-node and you have requested strict checking.\nHost key verification failed.", DirectPath.Failure.HostKey)]
    [InlineData("rsync: [receiver] write failed on \"big.bin\": No space left on device (28)", DirectPath.Failure.None)]
    public void A_failures_messages_say_what_broke(string stderr, DirectPath.Failure expected)
    {
        Assert.Equal(expected, DirectPath.Classify(stderr));
    }

    [Fact]
    public void A_tag_is_short_stable_and_differs_per_sync()
    {
        var a = DirectPath.Tag("127.0.0.1:22", "root", "127.0.0.2:22", "root", "/srv/a", "/srv/a");
        Assert.Matches("^[0-9a-f]{16}$", a);
        Assert.Equal(a, DirectPath.Tag("127.0.0.1:22", "root", "127.0.0.2:22", "root", "/srv/a", "/srv/a"));
        Assert.NotEqual(a, DirectPath.Tag("127.0.0.1:22", "root", "127.0.0.2:22", "root", "/srv/b", "/srv/b"));
    }

    private static (int Exit, string Output, string Error) Run(string script, string? path, string? home = null, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("test");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (path is not null)
        {
            psi.Environment["PATH"] = path + ":/usr/bin:/bin";
        }

        if (home is not null)
        {
            psi.Environment["HOME"] = home;
        }

        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, error.Result);
    }

    private static string Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
