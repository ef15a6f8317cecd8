using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

/// <summary>Host keys made by the real ssh-keygen, once per test class. No ssh-keygen means failing tests, not skipped ones.</summary>
public sealed class SshTestKeys : IDisposable
{
    public SshTestKeys()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ro-khkeys-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            Ed25519 = Make("ed25519", "ed25519");
            Ed25519Other = Make("ed25519", "ed25519b");
            Ecdsa = Make("ecdsa", "ecdsa");
            Rsa = Make("rsa", "rsa", "-b", "2048");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }

    public TestKey Ed25519 { get; }

    /// <summary>A second ed25519 key: the "changed" key.</summary>
    public TestKey Ed25519Other { get; }

    public TestKey Ecdsa { get; }

    public TestKey Rsa { get; }

    public TestKey this[string name] => name switch
    {
        "ed25519" => Ed25519,
        "ecdsa" => Ecdsa,
        "rsa" => Rsa,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TestKey Make(string type, string name, params string[] extra)
    {
        var file = Path.Combine(Directory, name);
        var result = Tool.Run("ssh-keygen", new[] { "-q", "-t", type, "-N", "", "-C", "test-" + name, "-f", file }.Concat(extra));
        Assert.True(result.ExitCode == 0, $"ssh-keygen -t {type} failed: {result.Error}");
        var fields = File.ReadAllText(file + ".pub").Trim().Split(' ');
        return new TestKey(fields[0], Convert.FromBase64String(fields[1]), file + ".pub");
    }
}

public sealed record TestKey(string Type, byte[] Blob, string PubPath)
{
    public string Base64 => Convert.ToBase64String(Blob);

    public string Line(string hosts) => $"{hosts} {Type} {Base64}";
}

internal sealed record ToolResult(int ExitCode, string Output, string Error);

internal static class Tool
{
    public static ToolResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, int timeoutMs = 120_000)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var pair in environment ?? new Dictionary<string, string>())
        {
            start.Environment[pair.Key] = pair.Value;
        }

        // A missing tool throws here (Win32Exception), so the test fails: CI installs openssh-client.
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(" ", start.ArgumentList)} did not finish in {timeoutMs} ms.");
        }

        process.WaitForExit();
        return new ToolResult(process.ExitCode, output.Result, error.Result);
    }
}

public sealed class KnownHostsTests : IClassFixture<SshTestKeys>, IDisposable
{
    private static readonly Regex WellFormed = new(
        @"^(\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}=|[a-z0-9.\-]+|\[[a-z0-9.\-:]+\]:[0-9]+) (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]+=*$",
        RegexOptions.CultureInvariant);

    private readonly SshTestKeys _keys;
    private readonly string _dir;

    public KnownHostsTests(SshTestKeys keys)
    {
        _keys = keys;
        _dir = Path.Combine(Path.GetTempPath(), "ro-kh-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TestKey Ed => _keys.Ed25519;

    private KnownHostsFile Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return new KnownHostsFile(path);
    }

    private static HostKeyCheck Check(KnownHostsFile file, string host, int port, TestKey key) => file.Check(host, port, key.Type, key.Blob);

    private static string[] Lines(KnownHostsFile file) => File.ReadAllLines(file.Path);

    // ---- Fingerprints and patterns --------------------------------------------------------------------------

    [Theory]
    [InlineData("ed25519")]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public void Fingerprint_is_what_ssh_keygen_lf_prints(string type)
    {
        var key = _keys[type];
        var listed = Tool.Run("ssh-keygen", new[] { "-l", "-f", key.PubPath });
        Assert.Equal(0, listed.ExitCode);
        var expected = listed.Output.Split(' ')[1];
        Assert.StartsWith("SHA256:", expected, StringComparison.Ordinal);
        Assert.Equal(expected, KnownHostsFile.Fingerprint(key.Blob));
    }

    [Fact]
    public void HostPattern_is_the_bare_host_on_port_22_and_bracketed_otherwise()
    {
        Assert.Equal("web.example.com", KnownHostsFile.HostPattern("Web.Example.COM", 22));
        Assert.Equal("[web.example.com]:2222", KnownHostsFile.HostPattern("web.example.com", 2222));
        Assert.Equal("10.0.0.5", KnownHostsFile.HostPattern("10.0.0.5", 22));
        Assert.Equal("::1", KnownHostsFile.HostPattern("::1", 22));
        Assert.Equal("[::1]:2222", KnownHostsFile.HostPattern("[::1]", 2222));
    }

    [Theory]
    [InlineData("", 22, "KnownHostsInvalidHost")]
    [InlineData("a b", 22, "KnownHostsInvalidHost")]
    [InlineData("*.example.com", 22, "KnownHostsInvalidHost")]
    [InlineData("a,b", 22, "KnownHostsInvalidHost")]
    [InlineData("|1|x|y", 22, "KnownHostsInvalidHost")]
    [InlineData("example.com", 0, "KnownHostsInvalidPort")]
    [InlineData("example.com", 65536, "KnownHostsInvalidPort")]
    public void Bad_hosts_and_ports_are_refused(string host, int port, string errorId)
    {
        var e = Assert.Throws<ReleaseOpsException>(() => KnownHostsFile.HostPattern(host, port));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, e.Category);
    }

    [Fact]
    public void The_key_type_must_match_the_blob_but_rsa_signature_names_are_accepted()
    {
        var file = Write(_keys.Rsa.Line("rsa.example.com"));
        Assert.Equal(HostKeyStatus.Known, file.Check("rsa.example.com", 22, "rsa-sha2-512", _keys.Rsa.Blob).Status);
        Assert.Equal(HostKeyStatus.Known, file.Check("rsa.example.com", 22, "rsa-sha2-256", _keys.Rsa.Blob).Status);
        Assert.Equal("KnownHostsInvalidKey",
            Assert.Throws<ReleaseOpsException>(() => file.Check("rsa.example.com", 22, "ssh-ed25519", _keys.Rsa.Blob)).ErrorId);
        Assert.Equal("KnownHostsInvalidKey",
            Assert.Throws<ReleaseOpsException>(() => file.Check("rsa.example.com", 22, "ssh-ed25519", new byte[] { 1, 2, 3, 4, 5, 6 })).ErrorId);
        Assert.Equal("KnownHostsInvalidKey",
            Assert.Throws<ReleaseOpsException>(() => file.Add("rsa.example.com", 22, "ssh-ed25519", Encoding.ASCII.GetBytes("SHA256:abc"), false)).ErrorId);
    }

    // ---- Check ----------------------------------------------------------------------------------------------

    [Fact]
    public void A_missing_file_knows_nothing()
    {
        var check = Check(new KnownHostsFile(Path.Combine(_dir, "no", "such", "known_hosts")), "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Unknown, check.Status);
        Assert.Equal(KnownHostsFile.Fingerprint(Ed.Blob), check.PresentedFingerprint);
        Assert.Empty(check.KnownFingerprints);
        Assert.Empty(check.KnownKeyTypes);
        Assert.Null(check.File);
        Assert.Null(check.Line);
    }

    [Fact]
    public void A_plain_entry_is_known_and_a_different_key_of_its_type_is_changed()
    {
        var file = Write("# a comment", Ed.Line("web.example.com,10.0.0.5"));

        var known = Check(file, "WEB.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Known, known.Status);
        Assert.Equal(file.Path, known.File);
        Assert.Equal(2, known.Line);
        Assert.Equal(HostKeyStatus.Known, Check(file, "10.0.0.5", 22, Ed).Status);

        var changed = Check(file, "web.example.com", 22, _keys.Ed25519Other);
        Assert.Equal(HostKeyStatus.Changed, changed.Status);
        Assert.Equal(KnownHostsFile.Fingerprint(_keys.Ed25519Other.Blob), changed.PresentedFingerprint);
        Assert.Equal(new[] { KnownHostsFile.Fingerprint(Ed.Blob) }, changed.KnownFingerprints);
        Assert.Equal(new[] { "ssh-ed25519" }, changed.KnownKeyTypes);
        Assert.Equal(2, changed.Line);

        Assert.Equal(HostKeyStatus.Unknown, Check(file, "db.example.com", 22, Ed).Status);
    }

    [Fact]
    public void A_host_known_only_with_other_key_types_is_changed()
    {
        var file = Write(_keys.Ecdsa.Line("web.example.com"), _keys.Rsa.Line("web.example.com"));
        var check = Check(file, "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Changed, check.Status);
        Assert.Equal(new[] { "ecdsa-sha2-nistp256", "ssh-rsa" }, check.KnownKeyTypes);
        Assert.Equal(new[] { KnownHostsFile.Fingerprint(_keys.Ecdsa.Blob), KnownHostsFile.Fingerprint(_keys.Rsa.Blob) }, check.KnownFingerprints);
        Assert.Equal(1, check.Line);
    }

    [Fact]
    public void A_matching_entry_wins_over_entries_of_other_types_and_old_keys()
    {
        var file = Write(_keys.Ecdsa.Line("web.example.com"), _keys.Ed25519Other.Line("web.example.com"), Ed.Line("web.example.com"));
        var check = Check(file, "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Known, check.Status);
        Assert.Equal(3, check.Line);
        Assert.Equal(3, check.KnownFingerprints.Count);
        Assert.Equal(new[] { "ecdsa-sha2-nistp256", "ssh-ed25519" }, check.KnownKeyTypes);
    }

    [Fact]
    public void Ports_other_than_22_need_a_bracketed_entry()
    {
        var file = Write(Ed.Line("web.example.com"), _keys.Ecdsa.Line("[db.example.com]:2222"));
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web.example.com", 2222, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "db.example.com", 2222, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "db.example.com", 22, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "db.example.com", 2223, _keys.Ecdsa).Status);
    }

    [Fact]
    public void Wildcards_match_as_in_openssh()
    {
        var file = Write(Ed.Line("*.EXAMPLE.com"), _keys.Ecdsa.Line("web?.test"), _keys.Rsa.Line("[*.ports.test]:2222"));
        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "a.b.example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web.example.com.evil.test", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "web1.test", 22, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web10.test", 22, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web.test", 22, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "a.ports.test", 2222, _keys.Rsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "a.ports.test", 22, _keys.Rsa).Status);
    }

    [Fact]
    public void A_negated_pattern_takes_the_host_out_of_the_line()
    {
        var file = Write(Ed.Line("*.example.com,!db.example.com"), _keys.Ecdsa.Line("!web.example.com"));
        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "db.example.com", 22, Ed).Status);
        // A line with only negated patterns applies to no host.
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "other.test", 22, _keys.Ecdsa).Status);
        Assert.Equal(new[] { "ssh-ed25519" }, Check(file, "web.example.com", 22, _keys.Ecdsa).KnownKeyTypes);
    }

    [Fact]
    public void Revoked_keys_are_revoked_for_every_host()
    {
        var file = Write(Ed.Line("web.example.com"), "@revoked other.example.com " + Ed.Type + " " + Ed.Base64 + " stolen");
        var check = Check(file, "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Revoked, check.Status);
        Assert.Equal(2, check.Line);
        Assert.Equal(HostKeyStatus.Revoked, Check(file, "anything.test", 2222, Ed).Status);
        Assert.Equal(HostKeyStatus.Changed, Check(file, "web.example.com", 22, _keys.Ed25519Other).Status);

        var e = Assert.Throws<ReleaseOpsException>(() => file.Add("new.example.com", 22, Ed.Type, Ed.Blob, false));
        Assert.Equal("KnownHostsKeyRevoked", e.ErrorId);
        Assert.Equal(FailureCategory.SecurityError, e.Category);
        Assert.Equal(2, Lines(file).Length);
    }

    [Fact]
    public void Cert_authority_lines_do_not_vouch_for_plain_keys()
    {
        var file = Write("@cert-authority *.example.com " + Ed.Type + " " + Ed.Base64);
        var check = Check(file, "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Unknown, check.Status);
        Assert.Empty(check.KnownKeyTypes);
    }

    [Fact]
    public void Malformed_lines_and_comments_are_skipped()
    {
        var hashedBad = "|1|bm90IHR3ZW50eSBieXRlcw==|bm90IHR3ZW50eSBieXRlcw== " + Ed.Type + " " + Ed.Base64;
        var file = Write(
            "# web.example.com " + _keys.Ecdsa.Type + " " + _keys.Ecdsa.Base64,
            "   # indented comment",
            "",
            "   \t ",
            "garbage",
            "web.example.com ssh-ed25519",
            "web.example.com ssh-ed25519 !!!not-base64!!!",
            "web.example.com ssh-rsa " + Ed.Base64,
            "web.example.com ssh-ed25519 AAAA",
            "@bogus web.example.com " + _keys.Ecdsa.Type + " " + _keys.Ecdsa.Base64,
            "@revoked",
            hashedBad,
            "|2|abc|def " + Ed.Type + " " + Ed.Base64,
            "|1|only-two " + Ed.Type + " " + Ed.Base64,
            "\u0000\u0001\u00ff binary",
            "web.example.com\t" + Ed.Type + "\t" + Ed.Base64 + "  the real one, with a comment\r");
        var check = Check(file, "web.example.com", 22, Ed);
        Assert.Equal(HostKeyStatus.Known, check.Status);
        Assert.Equal(16, check.Line);
        Assert.Equal(new[] { "ssh-ed25519" }, check.KnownKeyTypes);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "other.example.com", 22, Ed).Status);
    }

    [Fact]
    public void A_file_of_random_bytes_does_not_crash_the_reader()
    {
        var path = Path.Combine(_dir, "known_hosts");
        var random = new Random(42);
        var bytes = new byte[64 * 1024];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var file = new KnownHostsFile(path);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web.example.com", 22, Ed).Status);
        Assert.True(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, false));
        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 22, Ed).Status);
    }

    [Fact]
    public void A_directory_in_place_of_the_file_is_unreadable()
    {
        var path = Path.Combine(_dir, "known_hosts");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<ReleaseOpsException>(() => Check(new KnownHostsFile(path), "web.example.com", 22, Ed));
        Assert.Equal("KnownHostsUnreadable", e.ErrorId);
    }

    // ---- Add ------------------------------------------------------------------------------------------------

    [Fact]
    public void Add_creates_a_private_file_and_directory_and_does_not_repeat_itself()
    {
        var path = Path.Combine(_dir, "fresh", ".ssh", "known_hosts");
        var file = new KnownHostsFile(path);
        Assert.True(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, hashHostName: false));
        Assert.False(file.Add("WEB.example.com", 22, Ed.Type, Ed.Blob, hashHostName: false));
        Assert.False(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, hashHostName: true));
        Assert.Equal(new[] { "web.example.com ssh-ed25519 " + Ed.Base64 }, Lines(file));

        // Another key for the host is refused (issue #13: AcceptNew must never leave two keys trusted); the same host
        // on another port is another entry.
        Assert.Equal("HostKeyMismatch", Assert.Throws<ReleaseOpsException>(() => file.Add("web.example.com", 22, _keys.Ecdsa.Type, _keys.Ecdsa.Blob, false)).ErrorId);
        Assert.True(file.Add("web.example.com", 2222, Ed.Type, Ed.Blob, false));
        Assert.Equal(2, Lines(file).Length);
        Assert.Equal(HostKeyStatus.Changed, Check(file, "web.example.com", 22, _keys.Ecdsa).Status);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void Add_leaves_the_mode_of_an_existing_file_alone()
    {
        var file = Write(_keys.Ecdsa.Line("db.example.com"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        Assert.True(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, false));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(file.Path));
        }
    }

    [Fact]
    public void Add_starts_a_new_line_when_the_file_does_not_end_in_one()
    {
        var path = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(path, "# hand edited\n" + _keys.Ecdsa.Line("db.example.com"));
        var file = new KnownHostsFile(path);
        Assert.Equal(HostKeyStatus.Known, Check(file, "db.example.com", 22, _keys.Ecdsa).Status);
        Assert.True(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, false));
        Assert.Equal(
            "# hand edited\n" + _keys.Ecdsa.Line("db.example.com") + "\n" + Ed.Line("web.example.com") + "\n",
            File.ReadAllText(path));
        Assert.Equal(HostKeyStatus.Known, Check(file, "db.example.com", 22, _keys.Ecdsa).Status);
    }

    [Fact]
    public void Add_hashes_host_names_as_openssh_does()
    {
        var file = new KnownHostsFile(Path.Combine(_dir, "known_hosts"));
        Assert.True(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, hashHostName: true));
        Assert.True(file.Add("web.example.com", 2222, Ed.Type, Ed.Blob, hashHostName: true));
        var lines = Lines(file);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(WellFormed, l));
        Assert.All(lines, l => Assert.StartsWith("|1|", l, StringComparison.Ordinal));
        Assert.DoesNotContain("example", File.ReadAllText(file.Path), StringComparison.Ordinal);
        Assert.NotEqual(lines[0].Split('|')[2], lines[1].Split('|')[2]);

        // The test's own HMAC: salt and hash decode to 20 bytes and hash the host pattern.
        Assert.Equal("web.example.com", HostOf(lines[0], "web.example.com", "[web.example.com]:2222"));
        Assert.Equal("[web.example.com]:2222", HostOf(lines[1], "web.example.com", "[web.example.com]:2222"));

        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 2222, Ed).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "web.example.com", 2200, Ed).Status);
        Assert.Equal(HostKeyStatus.Changed, Check(file, "web.example.com", 2222, _keys.Ed25519Other).Status);
    }

    // ---- Interop with the real OpenSSH tools ----------------------------------------------------------------

    [Theory]
    [InlineData(22, false)]
    [InlineData(22, true)]
    [InlineData(2222, false)]
    [InlineData(2222, true)]
    public void Entries_written_by_Add_are_found_by_ssh_keygen_F(int port, bool hashed)
    {
        var file = new KnownHostsFile(Path.Combine(_dir, "known_hosts"));
        // One key per host (Add refuses a second one, issue #13).
        Assert.True(file.Add("db.example.com", port, _keys.Rsa.Type, _keys.Rsa.Blob, hashed));
        Assert.True(file.Add("web.example.com", port, Ed.Type, Ed.Blob, hashed));
        Assert.True(file.Add("www.example.com", port, _keys.Ecdsa.Type, _keys.Ecdsa.Blob, hashed));

        var name = port == 22 ? "web.example.com" : $"[web.example.com]:{port}";
        var found = Tool.Run("ssh-keygen", new[] { "-F", name, "-f", file.Path });
        Assert.True(found.ExitCode == 0, $"ssh-keygen -F {name} exited {found.ExitCode}: {found.Output}{found.Error}");
        Assert.Contains("found: line 2", found.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("found: line 3", found.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("found: line 1", found.Output, StringComparison.Ordinal);
        Assert.Contains(Ed.Base64, found.Output, StringComparison.Ordinal);

        // And ssh-keygen does not find what is not there (the bare name on the other port).
        var other = port == 22 ? "[web.example.com]:2222" : "web.example.com";
        Assert.NotEqual(0, Tool.Run("ssh-keygen", new[] { "-F", other, "-f", file.Path }).ExitCode);
    }

    [Fact]
    public void Entries_hashed_by_ssh_keygen_H_are_found_by_Check()
    {
        var file = Write(
            Ed.Line("web.example.com,10.0.0.5"),
            _keys.Ecdsa.Line("[db.example.com]:2222"),
            _keys.Rsa.Line("rsa.example.com"),
            "@revoked revoked.example.com " + _keys.Ed25519Other.Type + " " + _keys.Ed25519Other.Base64);
        var hashed = Tool.Run("ssh-keygen", new[] { "-H", "-f", file.Path });
        Assert.True(hashed.ExitCode == 0, hashed.Error);

        var text = File.ReadAllText(file.Path);
        Assert.DoesNotContain("web.example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("db.example.com", text, StringComparison.Ordinal);
        Assert.True(Lines(file).Count(l => l.StartsWith("|1|", StringComparison.Ordinal)) >= 4, text);

        Assert.Equal(HostKeyStatus.Known, Check(file, "web.example.com", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "10.0.0.5", 22, Ed).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "db.example.com", 2222, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "db.example.com", 22, _keys.Ecdsa).Status);
        Assert.Equal(HostKeyStatus.Known, Check(file, "rsa.example.com", 22, _keys.Rsa).Status);
        Assert.Equal(HostKeyStatus.Changed, Check(file, "web.example.com", 22, _keys.Rsa).Status);
        Assert.Equal(HostKeyStatus.Revoked, Check(file, "web.example.com", 22, _keys.Ed25519Other).Status);
        Assert.Equal(HostKeyStatus.Unknown, Check(file, "mail.example.com", 22, Ed).Status);

        // Add sees ssh-keygen's hashed entries as already there.
        Assert.False(file.Add("web.example.com", 22, Ed.Type, Ed.Blob, false));
    }

    // ---- Parallel writers -----------------------------------------------------------------------------------

    [Fact]
    public void Many_threads_adding_at_once_lose_nothing_and_repeat_nothing()
    {
        const int threads = 16, perThread = 25;
        var path = Path.Combine(_dir, "parallel", "known_hosts");
        var expected = new List<string>();
        for (var t = 0; t < threads; t++)
        {
            for (var i = 0; i < perThread; i++)
            {
                expected.Add(KnownHostsFile.HostPattern(ThreadHost(t, i), ThreadPort(t, i)));
            }
        }

        expected.Add("shared.example.com");
        var added = 0;
        var failures = new ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var file = new KnownHostsFile(path); // one instance per thread: the locks are per file, not per object
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    if (file.Add(ThreadHost(t, i), ThreadPort(t, i), Ed.Type, Ed.Blob, hashHostName: (t + i) % 2 == 0))
                    {
                        Interlocked.Increment(ref added);
                    }

                    if (file.Add("shared.example.com", 22, Ed.Type, Ed.Blob, hashHostName: t % 2 == 0))
                    {
                        Interlocked.Increment(ref added);
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(failures);
        Assert.Equal(expected.Count, added);
        AssertExactlyOneLineEach(path, expected, Ed);

        static string ThreadHost(int t, int i) => $"t{t}-h{i}.example.com";
        static int ThreadPort(int t, int i) => i % 3 == 0 ? 22 : 2200 + t;
    }

    [Fact]
    public async Task Checks_run_alongside_adds_without_errors_or_false_alarms()
    {
        var path = Path.Combine(_dir, "known_hosts");
        var writer = new KnownHostsFile(path);
        var done = 0;
        var bad = new ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var reader = new KnownHostsFile(path);
            var n = 0;
            while (Volatile.Read(ref done) == 0)
            {
                // The host being added right now is Unknown or Known, never Changed.
                var status = Check(reader, $"h{n++ % 150}.example.com", 22, Ed).Status;
                if (status is not (HostKeyStatus.Known or HostKeyStatus.Unknown))
                {
                    bad.Enqueue(status.ToString());
                }
            }
        })).ToArray();

        for (var i = 0; i < 150; i++)
        {
            Assert.True(writer.Add($"h{i}.example.com", 22, Ed.Type, Ed.Blob, hashHostName: i % 2 == 0));
        }

        Volatile.Write(ref done, 1);
        await Task.WhenAll(readers);
        Assert.Empty(bad);
    }

    [Fact]
    public async Task Add_waits_for_a_held_lock_and_times_out_with_KnownHostsLocked()
    {
        var file = new KnownHostsFile(Path.Combine(_dir, "known_hosts")) { LockTimeout = TimeSpan.FromMilliseconds(400) };
        Assert.True(file.Add("first.example.com", 22, Ed.Type, Ed.Blob, false));
        var lockPath = file.Path + ".lock";
        Assert.True(File.Exists(lockPath));

        // Another writer (another handle: on Unix a separate flock, on Windows a share-none handle) holds the lock.
        using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<ReleaseOpsException>(() => file.Add("second.example.com", 22, Ed.Type, Ed.Blob, false));
            Assert.Equal("KnownHostsLocked", e.ErrorId);
            Assert.Equal(FailureCategory.ResourceUnavailable, e.Category);
            Assert.InRange(clock.ElapsedMilliseconds, 350, 5000);
            Assert.Single(Lines(file));

            // Readers are not blocked by writers.
            Assert.Equal(HostKeyStatus.Known, Check(file, "first.example.com", 22, Ed).Status);
        }

        file.LockTimeout = TimeSpan.FromSeconds(30);
        var holder = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var adding = Task.Run(() => file.Add("second.example.com", 22, Ed.Type, Ed.Blob, false));
        await Task.Delay(500);
        Assert.False(adding.IsCompleted);
        await holder.DisposeAsync();
        Assert.True(await adding.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new[] { Ed.Line("first.example.com"), Ed.Line("second.example.com") }, Lines(file));
    }

    [Fact]
    public async Task Several_processes_and_threads_adding_at_once_lose_nothing_and_repeat_nothing()
    {
        const int processes = 3, threads = 4, perWorker = 80;
        var path = Path.Combine(_dir, "multi", "known_hosts");
        var go = Path.Combine(_dir, "go");
        var root = RepositoryRoot();
        var script = string.Join("\n",
            "$ErrorActionPreference = 'Stop'",
            "$null = [System.Reflection.Assembly]::LoadFrom($env:KH_DLL)",
            "$blob = [Convert]::FromBase64String($env:KH_BLOB)",
            "$file = [ReleaseOps.Core.Ssh.KnownHostsFile]::new($env:KH_PATH)",
            "$null = New-Item -ItemType File -Path $env:KH_READY",
            "while (-not (Test-Path $env:KH_GO)) { Start-Sleep -Milliseconds 5 }",
            "$added = 0",
            "for ($i = 0; $i -lt [int]$env:KH_COUNT; $i++) {",
            "  $port = if ($i % 2) { 2022 } else { 22 }",
            "  if ($file.Add(\"p$($env:KH_ID)-h$i.example.com\", $port, 'ssh-ed25519', $blob, ($i % 3 -eq 0))) { $added++ }",
            "  if ($file.Add('shared.example.com', 2022, 'ssh-ed25519', $blob, ($i % 2 -eq 0))) { $added++ }",
            "}",
            "\"added=$added\"");

        var runs = Enumerable.Range(0, processes).Select(p => Task.Run(() => Tool.Run("dotnet",
            new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script }, root,
            new Dictionary<string, string>
            {
                ["KH_DLL"] = typeof(KnownHostsFile).Assembly.Location,
                ["KH_BLOB"] = Ed.Base64,
                ["KH_PATH"] = path,
                ["KH_ID"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KH_COUNT"] = perWorker.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KH_READY"] = Path.Combine(_dir, $"ready{p}"),
                ["KH_GO"] = go,
            }))).ToArray();

        var clock = Stopwatch.StartNew();
        while (Enumerable.Range(0, processes).Any(p => !File.Exists(Path.Combine(_dir, $"ready{p}"))))
        {
            var finished = runs.FirstOrDefault(r => r.IsCompleted);
            if (finished is not null)
            {
                var early = await finished;
                Assert.Fail($"a pwsh worker ended before starting: {early.Output}{early.Error}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the pwsh workers did not start (is 'dotnet tool restore' done?)");
            await Task.Delay(20);
        }

        var added = 0;
        var inProcess = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            var file = new KnownHostsFile(path);
            for (var i = 0; i < perWorker; i++)
            {
                if (file.Add($"t{t}-h{i}.example.com", i % 2 == 1 ? 2022 : 22, Ed.Type, Ed.Blob, i % 3 == 0))
                {
                    Interlocked.Increment(ref added);
                }

                if (file.Add("shared.example.com", 2022, Ed.Type, Ed.Blob, i % 2 == 0))
                {
                    Interlocked.Increment(ref added);
                }
            }
        })).ToArray();
        File.WriteAllText(go, "go");

        await Task.WhenAll(inProcess);
        foreach (var run in runs)
        {
            var result = await run;
            Assert.True(result.ExitCode == 0, $"pwsh worker failed: {result.Output}{result.Error}");
            var match = Regex.Match(result.Output, @"added=(\d+)");
            Assert.True(match.Success, result.Output + result.Error);
            added += int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var expected = new List<string> { "[shared.example.com]:2022" };
        for (var i = 0; i < perWorker; i++)
        {
            var port = i % 2 == 1 ? 2022 : 22;
            expected.AddRange(Enumerable.Range(0, processes).Select(p => KnownHostsFile.HostPattern($"p{p}-h{i}.example.com", port)));
            expected.AddRange(Enumerable.Range(0, threads).Select(t => KnownHostsFile.HostPattern($"t{t}-h{i}.example.com", port)));
        }

        Assert.Equal(expected.Count, added);
        AssertExactlyOneLineEach(path, expected, Ed);
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    /// <summary>Every line is well formed, holds the key, and stands for exactly one of the expected hosts, each once.</summary>
    private static void AssertExactlyOneLineEach(string path, IReadOnlyCollection<string> expectedHosts, TestKey key)
    {
        var text = File.ReadAllText(path);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.Split('\n').Take(text.Count(c => c == '\n')).ToList();
        Assert.All(lines, l => Assert.Matches(WellFormed, l));
        Assert.All(lines, l => Assert.EndsWith(" " + key.Type + " " + key.Base64, l, StringComparison.Ordinal));
        var hosts = lines.Select(l => HostOf(l, expectedHosts.ToArray())).ToList();
        Assert.Equal(expectedHosts.OrderBy(h => h, StringComparer.Ordinal), hosts.OrderBy(h => h, StringComparer.Ordinal));

        var reader = new KnownHostsFile(path);
        foreach (var host in expectedHosts)
        {
            var (name, port) = host.StartsWith("[", StringComparison.Ordinal)
                ? (host.Substring(1, host.IndexOf(']', StringComparison.Ordinal) - 1), int.Parse(host.Substring(host.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture))
                : (host, 22);
            Assert.Equal(HostKeyStatus.Known, reader.Check(name, port, key.Type, key.Blob).Status);
        }
    }

    /// <summary>Which of the candidates a line's host field stands for, unhashing with the test's own HMAC-SHA1.</summary>
    private static string HostOf(string line, params string[] candidates)
    {
        var field = line.Split(' ')[0];
        if (!field.StartsWith("|1|", StringComparison.Ordinal))
        {
            Assert.Contains(field, candidates);
            return field;
        }

        var parts = field.Split('|');
        var salt = Convert.FromBase64String(parts[2]);
        var hash = Convert.FromBase64String(parts[3]);
        Assert.Equal(20, salt.Length);
        Assert.Equal(20, hash.Length);
#pragma warning disable CA5350 // known_hosts hashing is HMAC-SHA1 by definition.
        var matches = candidates.Where(c => HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(c)).AsSpan().SequenceEqual(hash)).ToList();
#pragma warning restore CA5350
        Assert.True(matches.Count == 1, $"'{field}' hashes {matches.Count} of the expected hosts");
        return matches[0];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No .config/dotnet-tools.json above " + AppContext.BaseDirectory + "; the multi-process test runs the pinned pwsh.");
    }
}
