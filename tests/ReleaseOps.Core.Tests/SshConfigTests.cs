using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;
using Xunit.Abstractions;

namespace ReleaseOps.Core.Tests;

/// <summary>Focused tests of SshConfig with a fixed local context (no ssh needed).</summary>
public sealed class SshConfigTests : IDisposable
{
    private static readonly SshLocalContext Ctx = new("/home/tester", "/home/tester", "tester", "box.example.net", "1000");
    private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ro-sshcfg-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private SshConfig Config(string text, SshLocalContext? ctx = null) => SshConfig.Load(Write("config", text), ctx ?? Ctx);

    private static ReleaseOpsException Fails(Action action, string errorId)
    {
        var e = Assert.Throws<ReleaseOpsException>(action);
        Assert.Equal(errorId, e.ErrorId);
        return e;
    }

    [Fact]
    public void Empty_gives_ssh_defaults()
    {
        var s = SshConfig.Load(Write("config", "# nothing\n\n"), Ctx).Resolve("Web1");
        Assert.Equal("Web1", s.Alias);
        Assert.Equal("web1", s.HostName);
        Assert.Equal("tester", s.User);
        Assert.Equal(22, s.Port);
        Assert.Equal(new[] { "id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa" }
            .Select(n => "/home/tester/.ssh/" + n), s.IdentityFiles);
        Assert.False(s.IdentitiesOnly);
        Assert.Empty(s.ProxyJump);
        Assert.Null(s.UserKnownHostsFile);
        Assert.Null(s.StrictHostKeyChecking);
        Assert.Null(s.ConnectTimeoutSeconds);
    }

    [Fact]
    public void Static_empty_uses_the_local_user()
    {
        var s = SshConfig.Empty.Resolve("example.org");
        Assert.Equal(22, s.Port);
        Assert.Equal(SshLocalContext.FromEnvironment().UserName, s.User);
        Assert.Equal(7, s.IdentityFiles.Count);
        Assert.Null(SshConfig.Empty.Path);
    }

    [Fact]
    public void First_value_wins_and_identity_files_accumulate_once_each()
    {
        var c = Config("""
            Host web*
              User first
              Port 2200
              IdentityFile ~/.ssh/a
              IdentityFile /k/b
            Host *
              User second
              Port 2300
              IdentityFile /k/b
              IdentityFile /k/c
              IdentitiesOnly yes
            """);
        var s = c.Resolve("web1");
        Assert.Equal("first", s.User);
        Assert.Equal(2200, s.Port);
        Assert.Equal(new[] { "/home/tester/.ssh/a", "/k/b", "/k/c" }, s.IdentityFiles);
        Assert.True(s.IdentitiesOnly);
        Assert.Equal("second", c.Resolve("db").User);
    }

    [Theory]
    [InlineData("web1", "star")]
    [InlineData("wexb1", "star")]
    [InlineData("web2", "question")]
    [InlineData("web22", "any")]
    [InlineData("db.prod", "any")]
    [InlineData("db.test", "db")]
    [InlineData("Web1", "any")]
    public void Host_patterns_wildcards_negation_and_case(string alias, string expected)
    {
        var c = Config("""
            Host w*b1 other
              User star
            Host web? !web22
              User question
            Host !db.prod db.*
              User db
            Host *
              User any
            """);
        Assert.Equal(expected, c.Resolve(alias).User);
    }

    [Fact]
    public void Negation_alone_never_selects_a_block()
    {
        Assert.Equal("tester", Config("Host !foo\n  User x\n").Resolve("bar").User);
    }

    [Fact]
    public void Patterns_match_the_alias_not_the_host_name()
    {
        var c = Config("Host short\n  HostName long.example.com\nHost long.example.com\n  User wrong\nHost short\n  User right\n");
        var s = c.Resolve("short");
        Assert.Equal("long.example.com", s.HostName);
        Assert.Equal("right", s.User);
    }

    [Fact]
    public void Keywords_separators_quotes_comments_and_crlf()
    {
        var c = Config("# top\r\nHOST=a\r\n  hostname = \"Real Name\"\r\n\tuSeR\t\"bob\" # who\r\n  PORT=2022\r\n  IdentityFile \"/k/with space\"\r\n  IdentityFile /k/back\\ slash\r\n  identityfile '/k/single q'\r\n\r\n");
        var s = c.Resolve("a");
        Assert.Equal("real name", s.HostName);
        Assert.Equal("bob", s.User);
        Assert.Equal(2022, s.Port);
        Assert.Equal(new[] { "/k/with space", "/k/back slash", "/k/single q" }, s.IdentityFiles);
    }

    [Fact]
    public void HostName_expands_h_and_percent_and_is_lower_cased_unless_it_holds_a_percent_or_colon()
    {
        Assert.Equal("srv-web.example", Config("Host *\n  HostName SRV-%h.Example\n").Resolve("Web").HostName);
        Assert.Equal("B%CWebD.Example", Config("Host *\n  HostName B%%C%hD.Example\n").Resolve("Web").HostName);
        Assert.Equal("FE80::1", Config("Host *\n  HostName FE80::1\n").Resolve("Web").HostName);
        Assert.Equal("École.fr", Config("Host *\n  HostName ÉCOLE.Fr\n").Resolve("Web").HostName);
    }

    [Fact]
    public void Tokens_in_identity_files_and_known_hosts()
    {
        Environment.SetEnvironmentVariable("RO_SSHCFG_UNIT", "/env");
        var c = Config("""
            Host Gate
              HostName gate.Example.com
              User deploy
              Port 2200
              IdentityFile ~/k/%h_%r_%u_%p
              IdentityFile %d/%n/%l/%L/%i/%%
              IdentityFile ${RO_SSHCFG_UNIT}/%k
              IdentityFile rel/%h
              IdentityFile ~tester/x
              UserKnownHostsFile ~/.ssh/kh_%h %d/second
            """);
        var s = c.Resolve("Gate");
        Assert.Equal(new[]
        {
            "/home/tester/k/gate.example.com_deploy_tester_2200",
            "/home/tester/Gate/box.example.net/box/1000/%",
            "/env/Gate",
            Path.GetFullPath("rel/gate.example.com"),
            "/home/tester/x",
        }, s.IdentityFiles);
        Assert.Equal("/home/tester/.ssh/kh_gate.example.com", s.UserKnownHostsFile);
    }

    [Fact]
    public void Connection_hash_is_sha1_of_l_h_p_r()
    {
        var s = Config("Host *\n  IdentityFile /c/%C\n").Resolve("h", "u", 22);
        using var sha = System.Security.Cryptography.SHA1.Create();
        var hex = string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes("box.example.neth22u")).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        Assert.Equal("/c/" + hex, s.IdentityFiles.Single());
    }

    [Fact]
    public void Unknown_token_or_unset_variable_fails_at_resolve_with_the_line()
    {
        var e = Fails(() => Config("Host *\n  User x\n  IdentityFile /k/%j\n").Resolve("a"), "SshConfigInvalid");
        Assert.Contains("config:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("%j", e.Message, StringComparison.Ordinal);
        Fails(() => Config("Host *\n  IdentityFile ${RO_SSHCFG_SURELY_UNSET}/k\n").Resolve("a"), "SshConfigInvalid");
        Fails(() => Config("Host *\n  HostName %x\n").Resolve("a"), "SshConfigInvalid");
    }

    [Fact]
    public void Explicit_user_and_port_win_and_destinations_parse()
    {
        var c = Config("Host web\n  User cfg\n  Port 2200\n");
        var s = c.Resolve("web", "cli", 2022);
        Assert.Equal(("cli", 2022), (s.User, s.Port));
        s = c.Resolve("bob@web");
        Assert.Equal(("web", "bob", 2200), (s.Alias, s.User, s.Port));
        s = c.Resolve("ssh://carol@web:2500");
        Assert.Equal(("web", "carol", 2500), (s.Alias, s.User, s.Port));
        Assert.Equal("cli", c.Resolve("bob@web", "cli").User);
        Fails(() => c.Resolve("a b"), "InvalidHostName");
        Fails(() => c.Resolve("-oProxyCommand=x"), "InvalidHostName");
        Fails(() => c.Resolve("@web"), "InvalidHostName");
        Fails(() => c.Resolve("web", port: 0), "InvalidPort");
    }

    [Fact]
    public void Match_all_host_originalhost_user_and_localuser()
    {
        var c = Config("""
            Host a
              HostName real.example
            Match host REAL.*
              IdentityFile /host
            Match originalhost A
              IdentityFile /original
            Match !host nomatch user bob,!x*
              IdentityFile /user-bob
            Match localuser tester
              IdentityFile /local
            Match host real.example all
              IdentityFile /host-all
            Match all
              IdentityFile /all
            """);
        Assert.Equal(new[] { "/host", "/original", "/local", "/host-all", "/all" }, c.Resolve("a").IdentityFiles);
        Assert.Equal(new[] { "/host", "/original", "/user-bob", "/local", "/host-all", "/all" }, c.Resolve("a", "bob").IdentityFiles);
        Assert.Equal(new[] { "/local", "/all" }, c.Resolve("b").IdentityFiles);
    }

    [Fact]
    public void Match_user_sees_the_user_obtained_so_far()
    {
        var c = Config("Match user deploy\n  Port 1\nHost *\n  User deploy\nMatch user deploy\n  Port 2\n");
        Assert.Equal(2, c.Resolve("x").Port);
    }

    [Theory]
    [InlineData("exec \"true\"")]
    [InlineData("canonical")]
    [InlineData("final")]
    [InlineData("host a localnetwork 10.0.0.0/8")]
    public void Unsupported_match_criteria_fail_with_the_line(string criteria)
    {
        var e = Fails(() => Config("Host a\n  User x\n\nMatch " + criteria + "\n  User y\n"), "SshConfigUnsupported");
        Assert.Contains("config:4", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Match foo x")]
    [InlineData("Match")]
    [InlineData("Match host")]
    [InlineData("Match all host x")]
    public void Invalid_match_lines_fail(string line) => Fails(() => Config(line + "\n  User y\n"), "SshConfigInvalid");

    [Theory]
    [InlineData("Port 0", "bad port")]
    [InlineData("Port 65536", "bad port")]
    [InlineData("Port 22x", "bad port")]
    [InlineData("Port 22 23", "extra arguments")]
    [InlineData("Port", "no argument")]
    [InlineData("User \"unterminated", "invalid quotes")]
    [InlineData("IdentitiesOnly on", "IdentitiesOnly")]
    [InlineData("StrictHostKeyChecking maybe", "StrictHostKeyChecking")]
    [InlineData("ConnectTimeout 1x", "ConnectTimeout")]
    [InlineData("ConnectTimeout 2147483648", "ConnectTimeout")]
    [InlineData("ProxyJump h:0", "ProxyJump")]
    [InlineData("ProxyJump a,,b", "ProxyJump")]
    [InlineData("ProxyJump ssh://h/path", "ProxyJump")]
    [InlineData("UserKnownHostsFile a none", "none")]
    [InlineData("HostName a b", "extra arguments")]
    public void Invalid_lines_fail_even_in_blocks_that_never_match(string line, string fragment)
    {
        var e = Fails(() => Config("Host a\n  User x\nHost never-used\n  " + line + "\n"), "SshConfigInvalid");
        Assert.Contains(Path.Combine(dir, "config") + ":4", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(FailureCategory.InvalidData, e.Category);
    }

    [Fact]
    public void Missing_file_is_not_found()
    {
        var e = Fails(() => SshConfig.Load(Path.Combine(dir, "nope")), "SshConfigNotFound");
        Assert.Equal(FailureCategory.ObjectNotFound, e.Category);
    }

    [Fact]
    public void LoadDefault_reads_the_account_home_config_or_gives_Empty()
    {
        var home = Path.Combine(dir, "home");
        var ctx = new SshLocalContext(home, home, "tester", "box", "1000");
        Assert.Same(SshConfig.Empty, SshConfig.LoadDefault(ctx));
        Write("home/.ssh/config", "Host *\n  User fromdefault\n");
        var c = SshConfig.LoadDefault(ctx);
        Assert.Equal(Path.Combine(home, ".ssh", "config"), c.Path);
        Assert.Equal("fromdefault", c.Resolve("x").User);
    }

    [Fact]
    public void Include_relative_to_home_ssh_with_globs_in_sorted_order()
    {
        var home = Path.Combine(dir, "inchome");
        var ctx = new SshLocalContext("/pw/home", home, "tester", "box", "1000");
        Write("inchome/.ssh/conf.d/b.conf", "User b\nIdentityFile /b\n");
        Write("inchome/.ssh/conf.d/a.conf", "User a\nIdentityFile /a\n");
        Write("inchome/.ssh/conf.d/.hidden.conf", "User hidden\n");
        Write("inchome/.ssh/conf.d/B.conf", "IdentityFile /B\n");
        Write("inchome/.ssh/one", "IdentityFile ~/one\n");
        var s = Config("Include conf.d/*.conf ~/.ssh/one /no/such/file.conf\n", ctx).Resolve("x");
        Assert.Equal("a", s.User);
        Assert.Equal(new[] { "/B", "/a", "/b", "/pw/home/one" }, s.IdentityFiles);
    }

    [Fact]
    public void Include_inside_a_block_applies_only_when_it_matches_and_keeps_the_block_state()
    {
        var inc = Write("inc.conf", "IdentityFile /from-include\nHost zzz\n  User from-zzz\n");
        var c = Config($"Host a\n  Include {inc}\n  IdentityFile /after-include\nHost b\n  User b\n");
        Assert.Equal(new[] { "/from-include", "/after-include" }, c.Resolve("a").IdentityFiles);
        Assert.Equal("tester", c.Resolve("a").User);
        Assert.Equal(7, c.Resolve("b").IdentityFiles.Count);
        Assert.Equal("tester", c.Resolve("zzz").User);
    }

    [Fact]
    public void Include_loops_stop_at_depth_16()
    {
        var self = Path.Combine(dir, "config");
        var e = Fails(() => Config($"Host never\n  Include {self}\n"), "SshConfigInvalid");
        Assert.Contains("16", e.Message, StringComparison.Ordinal);

        // 16 levels below the main file are fine.
        for (var i = 1; i <= 16; i++)
        {
            Write($"chain{i}", i == 16 ? "User deepest\n" : $"Include {Path.Combine(dir, "chain" + (i + 1))}\n");
        }

        Assert.Equal("deepest", Config($"Include {Path.Combine(dir, "chain1")}\n").Resolve("x").User);
        Write("chain16", $"Include {Path.Combine(dir, "chain17")}\n");
        Write("chain17", "User too-deep\n");
        Fails(() => Config($"Include {Path.Combine(dir, "chain1")}\n"), "SshConfigInvalid");
    }

    [Fact]
    public void ProxyJump_forms()
    {
        var hops = Config("Host *\n  ProxyJump alice@j1:2222,ssh://carl@j2:23/,[fd00::1]:2200,j3,ssh://a+b%40c@j4\n").Resolve("t").ProxyJump;
        Assert.Equal(new[] { "alice@j1:2222", "carl@j2:23", "[fd00::1]:2200", "j3", "a b@c@j4" }, hops.Select(h => h.ToString()));
        Assert.Equal(("alice", "j1", (int?)2222), (hops[0].User, hops[0].Host, hops[0].Port));
        Assert.Equal(("fd00::1", (int?)2200), (hops[2].Host, hops[2].Port));
        Assert.Equal((null, "j3", (int?)null), (hops[3].User, hops[3].Host, hops[3].Port));

        Assert.Empty(Config("Host a\n  ProxyJump NONE\nHost *\n  ProxyJump j\n").Resolve("a").ProxyJump);
        Assert.Empty(Config("Host *\n  ProxyCommand nc %h %p\n  ProxyJump j\n").Resolve("a").ProxyJump);
        Assert.Equal("j", Config("Host *\n  ProxyJump j\n  ProxyCommand nc %h %p\n").Resolve("a").ProxyJump.Single().Host);

        // ssh reads ProxyJump from the raw line: it ends at a blank or #, and "none" must be the whole value.
        Assert.Equal(new[] { "b" }, Config("Host *\n  ProxyJump b c,d\n").Resolve("a").ProxyJump.Select(h => h.Host));
        Assert.Equal(new[] { "none" }, Config("Host *\n  ProxyJump none # really\n").Resolve("a").ProxyJump.Select(h => h.Host));
    }

    [Fact]
    public void Known_hosts_strict_checking_and_timeouts()
    {
        var s = Config("Host *\n  UserKnownHostsFile None\n  StrictHostKeyChecking Accept-New\n  ConnectTimeout none\nHost *\n  ConnectTimeout 1m30s\n").Resolve("a");
        Assert.Equal("none", s.UserKnownHostsFile);
        Assert.Equal("Accept-New", s.StrictHostKeyChecking);
        Assert.Equal(90, s.ConnectTimeoutSeconds);
        Assert.Equal(0, Config("ConnectTimeout 0\n").Resolve("a").ConnectTimeoutSeconds);
        Assert.Equal(3723, Config("ConnectTimeout 1h2m3S\n").Resolve("a").ConnectTimeoutSeconds);
    }

    [Fact]
    public void Unknown_keywords_are_ignored()
    {
        Assert.Equal("x", Config("Frobnicate yes\nServerAliveInterval 30\nUser x\n").Resolve("a").User);
    }
}

/// <summary>
/// SshConfig against the real ssh -G (OpenSSH 9.2p1 here). ssh must be installed: these tests fail, never skip,
/// without it.
/// </summary>
public sealed class SshConfigConformanceTests : IDisposable
{
    private const string EnvVar = "RO_SSHCFG_CONFORMANCE";
    private const int Seed = 20240917;
    private const int ConfigCount = 200;
    private readonly string root;
    private readonly string home;
    private readonly ITestOutputHelper output;

    public SshConfigConformanceTests(ITestOutputHelper output)
    {
        this.output = output;
        root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ro-sshcfg-ssh-" + Guid.NewGuid().ToString("N"))).FullName;
        home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));
        Environment.SetEnvironmentVariable(EnvVar, "/from-env");
    }

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public void The_default_local_context_is_what_ssh_uses()
    {
        var probe = Ssh.Probe(Environment.GetEnvironmentVariable("HOME") ?? "/");
        var ctx = SshLocalContext.FromEnvironment();
        Assert.Equal(probe.HomeDirectory, ctx.HomeDirectory);
        Assert.Equal(probe.UserName, ctx.UserName);
        Assert.Equal(probe.LocalHostName, ctx.LocalHostName);
        Assert.Equal(probe.ShortHostName, ctx.ShortHostName);
        Assert.Equal(probe.UserId, ctx.UserId);
    }

    [Fact]
    public void The_public_Load_agrees_with_ssh()
    {
        var path = Path.Combine(root, "public.conf");
        File.WriteAllText(path, "Host pub*\n  HostName %h.Example.org\n  User deploy\n  IdentityFile ~/.ssh/id_%h\n  ProxyJump ops@bastion:2222\n");
        var realHome = Environment.GetEnvironmentVariable("HOME") ?? "/";
        var config = SshConfig.Load(path);
        foreach (var host in new[] { "pub1", "other" })
        {
            var ssh = Ssh.Run(path, host, null, null, realHome);
            Compare(() => config.Resolve(host), ssh, realHome, null, $"{host} with {path}");
        }
    }

    public static TheoryData<string, string, string?, int?> Tricky => new()
    {
        { "Host MyHost\n User upper\nHost myhost\n User lower\n", "MyHost", null, null },
        { "Host MyHost\n User upper\nHost myhost\n User lower\n", "myhost", null, null },
        { "Host a\n IdentityFile \"/k/with space\"\n IdentityFile /k/back\\ slash\n IdentityFile '/k/q\"d'\n IdentityFile /k/dup\n IdentityFile /k/dup\n", "a", null, null },
        { "Host=a\n Port=2222\nHost a\n Port 1\n", "a", null, null },
        { "host a\n PORT \"2201\"\n", "a", null, null },
        { "Host a\n Port = +0022\n", "a", null, null },
        { "Host a\n Port ssh\n", "a", null, null },
        { "Match host real.example\n User before\nHost a\n HostName Real.Example\nMatch host REAL.EXAMPLE\n User after\n", "a", null, null },
        { "Match originalhost A\n User orig\n", "a", null, null },
        { "Match user bob\n IdentityFile /bob\nMatch !user bob\n IdentityFile /not-bob\n", "a", "bob", null },
        { "Match user bob\n IdentityFile /bob\nMatch !user bob\n IdentityFile /not-bob\n", "a", null, null },
        { "Match host x all\n User weird\nMatch ALL # c\n Port 2\n", "x", null, null },
        { "Match Host=a\n User eq\n", "a", null, null },
        { "Host a\n ProxyJump u@[::1]:33\n", "a", null, null },
        { "Host a\n ProxyJump ssh://v@h2:44/\n", "a", null, null },
        { "Host a\n ProxyJump u@10.9.8.7:22\n", "a", null, null },
        { "Host a\n ProxyJump 1234\n", "a", null, null },
        { "Host a\n ProxyJump 1.2.3.a\n", "a", null, null },
        { "Host a\n ProxyJump ssh://a+b%20c@h\n", "a", null, null },
        { "Host a\n ProxyJump none # c\n", "a", null, null },
        { "Host a\n ProxyJump b c,d\n", "a", null, null },
        { "Host a\n ProxyJump x#y\n", "a", null, null },
        { "Host a\n ProxyJump ==x\n", "a", null, null },
        { "Host a\n ProxyJump u@h:ssh\n", "a", null, null },
        { "Host a\n ProxyJump NONE\nHost *\n ProxyJump j\n", "a", null, null },
        { "Host a\n ProxyCommand nc %h %p\n ProxyJump j\n", "a", null, null },
        { "Host a\n ProxyJump j\n ProxyCommand nc %h %p\n", "a", null, null },
        { "Host a\n ConnectTimeout none\nHost *\n ConnectTimeout 5\n", "a", null, null },
        { "Host a\n ConnectTimeout 1h2m3s\n StrictHostKeyChecking off\n", "a", null, null },
        { "Host a\n ConnectTimeout 5s5\n StrictHostKeyChecking YES\n", "a", null, null },
        { "Host a\n UserKnownHostsFile None\n", "a", null, null },
        { "Host a\n UserKnownHostsFile ~/kh_%h %d/kh2\n HostName Gate.%h\n", "a", null, null },
        { "Host A\n HostName b%%c%hd\n IdentityFile /%n/%h/%r/%u/%l/%L/%p/%C/%i/%k/%%\n", "A", null, null },
        { "Host A\n HostName Gate.%h\n IdentityFile /%n/%h/%C\n", "A", null, null },
        { "Host *\n HostName FE80::1\n", "a", null, null },
        { "Host *\n HostName \"Real Name\"\n", "a", null, null },
        { "Host a\n HostKeyAlias KeyAlias\n IdentityFile /%k\n", "a", null, null },
        { "Host a\n IdentityFile ~\n IdentityFile ~//x\n IdentityFile ${" + EnvVar + "}/e\n IdentityFile rel/k\n", "a", null, null },
        { "Host a\n User cfg\n Port 2200\n", "bob@a", null, null },
        { "Host a\n User cfg\n Port 2200\n", "ssh://carol@a:2500", null, null },
        { "Host a\n User cfg\n Port 2200\n", "bob@a", "cli", 2022 },
        { "Host a\n IdentitiesOnly True\n", "a", null, null },
        { "# comment\n\n   \nHost *\n\t# indented comment\n  User c # trailing\n", "a", null, null },
        // ssh refuses these; SshConfig must refuse them too.
        { "Host b\n Port 0\nHost a\n User x\n", "a", null, null },
        { "Host a\n IdentitiesOnly On\n", "a", null, null },
        { "Host a\n ConnectTimeout 1x\n", "a", null, null },
        { "Host a\n ConnectTimeout None\n", "a", null, null },
        { "Host a\n HostName %x\n", "a", null, null },
        { "Host a\n IdentityFile /%j\n", "a", null, null },
        { "Match all host x\n User z\n", "a", null, null },
        { "Match foo x\n User z\n", "a", null, null },
        { "Host a\n ProxyJump h3:0\n", "a", null, null },
        { "Host a\n ProxyJump x, y\n", "a", null, null },
        { "Host a\n ProxyJump ssh://[::1]:5\n", "a", null, null },
        { "Host a\n ProxyJump h/22\n", "a", null, null },
        { "Host a\n UserKnownHostsFile a none\n", "a", null, null },
        { "Host a\n User \"abc\n", "a", null, null },
        { "Host\n", "a", null, null },
        { "Host b\n Include {self}\n", "a", null, null },
    };

    [Theory]
    [MemberData(nameof(Tricky))]
    public void Tricky_cases_agree_with_ssh(string text, string destination, string? user, int? port)
    {
        var path = Path.Combine(root, "tricky-" + Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, text.Replace("{self}", path));
        var ssh = Ssh.Run(path, destination, user, port, home);
        var ctx = Ssh.Context(home);
        Compare(() => SshConfig.Load(path, ctx).Resolve(destination, user, port), ssh, home, null, text);
    }

    [Fact]
    public void Random_configs_agree_with_ssh()
    {
        var watch = Stopwatch.StartNew();
        var ctx = Ssh.Context(home);
        var generator = new ConfigGenerator(new Random(Seed), root, home);
        var configs = Enumerable.Range(0, ConfigCount).Select(generator.Create).ToList();
        var outcomes = new (int Errors, int Compared)[configs.Count];
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, configs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, i =>
        {
            var g = configs[i];
            var errors = 0;
            foreach (var (destination, user, port) in g.Queries)
            {
                var ssh = Ssh.Run(g.MainPath, destination, user, port, home);
                if (ssh.ExitCode != 0)
                {
                    errors++;
                }

                try
                {
                    Compare(() => SshConfig.Load(g.MainPath, ctx).Resolve(destination, user, port), ssh, home, g.JumpsByPrinted,
                        $"config #{i} ({g.MainPath}), destination {destination}, user {user ?? "-"}, port {port?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
                }
#pragma warning disable CA1031 // Collect every disagreement, then report them together.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures.Add(e.Message + Environment.NewLine + File.ReadAllText(g.MainPath));
                }
            }

            outcomes[i] = (errors, g.Queries.Count);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} disagreements with ssh -G; first ones:\n" + string.Join("\n-----\n", failures.Take(3)));
        var compared = outcomes.Sum(o => o.Compared);
        var errors = outcomes.Sum(o => o.Errors);
        output.WriteLine($"{configs.Count} configurations, {compared} destinations compared with ssh -G ({errors} refused by both) in {watch.Elapsed.TotalSeconds:F1} s; " +
            string.Join(", ", generator.Stats.Select(kv => kv.Key + "=" + kv.Value)));

        // The generator makes valid configurations: most comparisons must be of real settings, not of two errors.
        Assert.True(errors < compared / 10, $"{errors} of {compared} ssh runs failed; the generator should make valid configurations.");
        Assert.True(compared >= ConfigCount * 4, $"only {compared} comparisons");
        Assert.True(generator.Stats.All(kv => kv.Value > 20), "generator coverage: " + string.Join(", ", generator.Stats.Select(kv => kv.Key + "=" + kv.Value)));
    }

    /// <summary>Resolves with SshConfig and compares every compared key with ssh -G; both must fail or neither.</summary>
    private static void Compare(Func<SshHostSettings> resolve, SshRun ssh, string home,
        IReadOnlyDictionary<string, IReadOnlyList<(string? User, string Host, int? Port)>>? jumps, string what)
    {
        // ssh -G prints IdentityFile unexpanded; a bad token there only fails when ssh expands it to load keys.
        var (sshFiles, expandError) = ssh.ExitCode == 0 ? Ssh.Expand(ssh, home) : (null, null);
        var sshError = ssh.ExitCode != 0 ? ssh.Error.Trim() : expandError;
        SshHostSettings ours;
        try
        {
            ours = resolve();
        }
        catch (ReleaseOpsException e) when (sshError is not null)
        {
            Assert.True(e.ErrorId == "SshConfigInvalid", $"{what}: ssh failed ({sshError}) and SshConfig threw {e.ErrorId}: {e.Message}");
            return;
        }
        catch (ReleaseOpsException e)
        {
            throw new InvalidOperationException($"{what}: ssh succeeded but SshConfig threw {e.ErrorId}: {e.Message}", e);
        }

        if (sshError is not null)
        {
            throw new InvalidOperationException($"{what}: ssh failed ({sshError}) but SshConfig resolved it (user {ours.User}, host {ours.HostName}).");
        }

        void Same(string key, string expected, string actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{what}: {key}: ssh says '{expected}', SshConfig says '{actual}'.");
            }
        }

        Same("hostname", ssh.One("hostname"), ours.HostName);
        Same("user", ssh.One("user"), ours.User);
        Same("port", ssh.One("port"), ours.Port.ToString(CultureInfo.InvariantCulture));
        Same("identitiesonly", ssh.One("identitiesonly"), ours.IdentitiesOnly ? "yes" : "no");
        Same("identityfile", string.Join(" | ", sshFiles!), string.Join(" | ", ours.IdentityFiles));

        var printedJump = ssh.Values.TryGetValue("proxyjump", out var pj) ? pj.Single() : null;
        if (jumps is null || printedJump is null)
        {
            // ssh prints the earlier hops as written and the last one normalized; the tricky cases write them plainly.
            Same("proxyjump", printedJump ?? "(none)", ours.ProxyJump.Count == 0 ? "(none)" : string.Join(",", ours.ProxyJump));
        }
        else
        {
            if (!jumps.TryGetValue(printedJump, out var expected))
            {
                throw new InvalidOperationException($"{what}: ssh printed proxyjump '{printedJump}', which the generator did not write.");
            }

            Same("proxyjump", string.Join(",", expected.Select(h => $"{h.User}|{h.Host}|{h.Port}")),
                string.Join(",", ours.ProxyJump.Select(h => $"{h.User}|{h.Host}|{h.Port}")));
        }

        var known = ssh.One("userknownhostsfile");
        if (ours.UserKnownHostsFile is null)
        {
            var pw = Ssh.Context(home).HomeDirectory;
            Same("userknownhostsfile", $"{pw}/.ssh/known_hosts {pw}/.ssh/known_hosts2", known);
        }
        else
        {
            var first = known.Split(' ')[0];
            Same("userknownhostsfile", first == "none" || Path.IsPathRooted(first) ? first : Path.GetFullPath(first), ours.UserKnownHostsFile);
        }

        Same("stricthostkeychecking", ssh.One("stricthostkeychecking"), ours.StrictHostKeyChecking?.ToLowerInvariant() switch
        {
            null => "ask",
            "yes" or "true" => "true",
            "no" or "off" or "false" => "false",
            var v => v,
        });
        Same("connecttimeout", ssh.One("connecttimeout"), ours.ConnectTimeoutSeconds?.ToString(CultureInfo.InvariantCulture) ?? "none");
    }

    private sealed class SshRun
    {
        public int ExitCode { get; init; }

        public string Error { get; init; } = string.Empty;

        public string Alias { get; init; } = string.Empty;

        public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

        public string One(string key) => Values.TryGetValue(key, out var v) ? v.Single() : throw new InvalidOperationException($"ssh -G printed no {key}");
    }

    /// <summary>Runs the real ssh. A missing ssh is a failure: CI installs openssh-client.</summary>
    private static class Ssh
    {
        private static readonly string Path = File.Exists("/usr/bin/ssh") ? "/usr/bin/ssh" : "ssh";
        private static readonly Dictionary<string, SshLocalContext> Contexts = new(StringComparer.Ordinal);

        public static SshRun Run(string config, string destination, string? user, int? port, string home, params string[] options)
        {
            var args = new List<string> { "-G", "-F", config };
            foreach (var o in options)
            {
                args.Add("-o");
                args.Add(o);
            }

            if (user is not null)
            {
                args.Add("-l");
                args.Add(user);
            }

            if (port is not null)
            {
                args.Add("-p");
                args.Add(port.Value.ToString(CultureInfo.InvariantCulture));
            }

            args.Add("--");
            args.Add(destination);
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            // Include's ~ is $HOME (glob); the sort order of Include globs is the C locale's.
            start.Environment["HOME"] = home;
            start.Environment["LC_ALL"] = "C";
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("ssh did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"ssh ({Path}) is required for these tests; install openssh-client.", e);
            }

            using (process)
            {
                process.StandardInput.Close();
                var error = process.StandardError.ReadToEndAsync();
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                var run = new SshRun { ExitCode = process.ExitCode, Error = error.Result, Alias = destination };
                foreach (var line in output.Split('\n'))
                {
                    var space = line.IndexOf(' ', StringComparison.Ordinal);
                    if (space > 0)
                    {
                        var key = line.Substring(0, space);
                        if (!run.Values.TryGetValue(key, out var list))
                        {
                            run.Values[key] = list = new List<string>();
                        }

                        list.Add(line.Substring(space + 1));
                    }
                }

                return run;
            }
        }

        /// <summary>What ssh itself takes for %d, %u, %l, %L and %i (UserKnownHostsFile is expanded by ssh -G).</summary>
        public static (string HomeDirectory, string UserName, string LocalHostName, string ShortHostName, string UserId) Probe(string home)
        {
            var run = Run("/dev/null", "probe", null, null, home, "UserKnownHostsFile %d %u %l %L %i");
            Assert.True(run.ExitCode == 0, "ssh -G failed: " + run.Error);
            var f = run.One("userknownhostsfile").Split(' ');
            Assert.Equal(5, f.Length);
            return (f[0], f[1], f[2], f[3], f[4]);
        }

        /// <summary>The probed local context, with Include's home set to the HOME given to ssh.</summary>
        public static SshLocalContext Context(string home)
        {
            lock (Contexts)
            {
                if (!Contexts.TryGetValue(home, out var ctx))
                {
                    var p = Probe(home);
                    Contexts[home] = ctx = new SshLocalContext(p.HomeDirectory, home, p.UserName, p.LocalHostName, p.UserId);
                }

                return ctx;
            }
        }

        /// <summary>
        /// ssh -G prints IdentityFile as written; ssh expands it (~, %-tokens, ${VAR}) only when it loads keys. To
        /// compare, the printed values are handed back to ssh as UserKnownHostsFile, which ssh -G prints expanded by
        /// the same code, with the same host, user, port and HostKeyAlias.
        /// </summary>
        public static (IReadOnlyList<string>? Files, string? Error) Expand(SshRun run, string home)
        {
            var raw = run.Values.TryGetValue("identityfile", out var v) ? v : new List<string>();
            var result = new List<string>();
            foreach (var chunk in raw.Select((f, i) => (f, i)).GroupBy(x => x.i / 32, x => x.f))
            {
                var files = chunk.ToList();
                if (files.All(f => f.IndexOfAny(new[] { '~', '%', '$' }) < 0 && System.IO.Path.IsPathRooted(f)))
                {
                    result.AddRange(files);
                    continue;
                }

                Assert.True(files.All(f => f.IndexOf(' ', StringComparison.Ordinal) < 0), "a path with a blank cannot be expanded through ssh: " + string.Join(" | ", files));
                var options = new List<string>
                {
                    "UserKnownHostsFile " + string.Join(" ", files.Select(Quote)),
                    "User " + Quote(run.One("user")),
                    "Port " + run.One("port"),
                    "HostName " + Quote(run.One("hostname").Replace("%", "%%", StringComparison.Ordinal)),
                };
                if (run.Values.TryGetValue("hostkeyalias", out var alias))
                {
                    options.Add("HostKeyAlias " + Quote(alias.Single()));
                }

                var original = run.One("host");
                var expanded = Run("/dev/null", original, null, null, home, options.ToArray());
                if (expanded.ExitCode != 0)
                {
                    return (null, "expanding " + string.Join(" ", files) + ": " + expanded.Error.Trim());
                }

                var paths = expanded.One("userknownhostsfile").Split(' ');
                Assert.Equal(files.Count, paths.Length);
                result.AddRange(paths.Select(p => System.IO.Path.IsPathRooted(p) ? p : System.IO.Path.GetFullPath(p)));
            }

            return (result, null);
        }

        private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private sealed class Generated
    {
        public string MainPath { get; set; } = string.Empty;

        public Dictionary<string, IReadOnlyList<(string? User, string Host, int? Port)>> JumpsByPrinted { get; } = new(StringComparer.Ordinal);

        public List<(string Destination, string? User, int? Port)> Queries { get; } = new();
    }

    /// <summary>
    /// Random configurations from the supported keywords: Host patterns with * ? and !, Match blocks, Includes
    /// (absolute, relative to ~/.ssh, ~/, globs, nested, inside blocks, missing files), duplicate keywords, several
    /// IdentityFiles with ~ and tokens, ProxyJump lists, = syntax, odd casing, quotes, comments and CRLF.
    /// </summary>
    private sealed class ConfigGenerator
    {
        private static readonly string[] Aliases = { "web1", "web2", "Web1", "db.internal", "build-7.example.com", "api.prod.example.com", "x", "gw", "web12", "db" };
        private static readonly string[] HostPatterns = { "web*", "web?", "*", "*.internal", "db*", "Web1", "x", "api.*", "*1", "*.example.com", "build-?.example.com", "w*b*", "gw", "db", "web1", "*.prod.*", "?" };
        private static readonly string[] MatchHostPatterns = { "*.internal", "web*", "*.corp.example", "10.*", "gw*", "*", "srv-*", "DB.*", "*.example.com" };
        private static readonly string[] Users = { "deploy", "root", "alice", "bob", "ci-user" };
        private static readonly string[] HostNames = { "%h.corp.example", "srv-%h", "REAL.Example.COM", "%h", "10.1.2.3", "gw.internal", "db.internal", "Pct%%.%h" };
        private static readonly string[] Ports = { "22", "2222", "8022", "0022", "+2200", "65535" };
        private static readonly string[] IdentityFiles =
        {
            "~/.ssh/id_%h", "%d/.ssh/%r@%h", "/keys/%u/%n_%p", "~/.ssh/id_ed25519", "keys/rel_%h", "/keys/%C", "/keys/%l-%L",
            "/keys/%k", "${" + EnvVar + "}/k_%r", "/keys/pct%%sign", "~/.ssh/shared", "/keys/%i", "~", "/abs/plain",
        };
        private static readonly string[] KnownHosts = { "~/.ssh/kh_%h", "/kh/%r %d/.ssh/kh2", "none", "%d/known_%n", "kh_rel_%p" };
        private static readonly string[] Strict = { "yes", "no", "ask", "accept-new", "off", "true", "false" };
        private static readonly string[] Timeouts = { "10", "1m", "1m30s", "none", "0", "2h", "5S" };
        private static readonly string[] Jumps = { "jump1", "bastion.example.org", "10.9.8.7", "jmp-2" };
        private static readonly string[] Ignored = { "ServerAliveInterval 30", "ForwardAgent no", "Compression yes", "LogLevel ERROR", "SendEnv LANG", "AddKeysToAgent no" };

        private readonly Random r;
        private readonly string root;
        private readonly string sshDir;

        public ConfigGenerator(Random random, string root, string home)
        {
            r = random;
            this.root = root;
            sshDir = Path.Combine(home, ".ssh");
        }

        public Dictionary<string, int> Stats { get; } = new(StringComparer.Ordinal)
        {
            ["include"] = 0, ["glob"] = 0, ["relative"] = 0, ["match"] = 0, ["negation"] = 0, ["proxyjump"] = 0, ["equals"] = 0, ["nested-include"] = 0,
        };

        public Generated Create(int index)
        {
            var g = new Generated();
            var dir = Directory.CreateDirectory(Path.Combine(root, "c" + index.ToString(CultureInfo.InvariantCulture))).FullName;
            var crlf = r.Next(10) == 0;

            // Include units, written last-first so that unit k may include units after it (no loops).
            var units = new List<string>();
            var count = r.Next(0, 4);
            var references = new string[count];
            for (var k = count - 1; k >= 0; k--)
            {
                var later = references.Skip(k + 1).ToList();
                switch (r.Next(4))
                {
                    case 0:
                        var abs = Path.Combine(dir, $"inc{k}.conf");
                        WriteFile(abs, Body(g, later, true), crlf);
                        references[k] = abs;
                        break;
                    case 1:
                        var name = $"c{index}_inc{k}.conf";
                        WriteFile(Path.Combine(sshDir, name), Body(g, later, true), crlf);
                        references[k] = r.Next(2) == 0 ? name : "~/.ssh/" + name;
                        Stats["relative"]++;
                        break;
                    default:
                        foreach (var part in new[] { "b", "a", "B" }.Take(r.Next(1, 4)))
                        {
                            WriteFile(Path.Combine(dir, $"g{k}_{part}.conf"), Body(g, later, true), crlf);
                        }

                        references[k] = Path.Combine(dir, $"g{k}_*.conf");
                        Stats["glob"]++;
                        break;
                }
            }

            var main = Path.Combine(dir, "config");
            WriteFile(main, Body(g, references.ToList(), false), crlf);
            g.MainPath = main;
            for (var q = 0; q < 4; q++)
            {
                var alias = Pick(Aliases);
                var roll = r.Next(10);
                var destination = roll == 0 ? Pick(Users) + "@" + alias : alias;
                g.Queries.Add((destination, r.Next(5) == 0 ? Pick(Users) : null, r.Next(6) == 0 ? 2000 + r.Next(100) : null));
            }

            return g;
        }

        private void WriteFile(string path, string text, bool crlf)
        {
            File.WriteAllText(path, crlf ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text);
            if (!OperatingSystem.IsWindows())
            {
                // ssh refuses included files that others may write.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        private string Body(Generated g, List<string> includes, bool isInclude)
        {
            var sb = new StringBuilder();
            var available = new List<string>(includes);
            void Line(string text) => sb.Append(Indent()).Append(text).Append('\n');

            for (var i = r.Next(0, 3); i > 0; i--)
            {
                Line(Setting(g));
            }

            var blocks = r.Next(1, 6);
            for (var b = 0; b < blocks; b++)
            {
                if (r.Next(4) == 0)
                {
                    sb.Append(r.Next(2) == 0 ? "\n" : "# block " + b.ToString(CultureInfo.InvariantCulture) + "\n");
                }

                sb.Append(r.Next(4) == 0 ? Match() : Host()).Append('\n');
                for (var i = r.Next(1, 6); i > 0; i--)
                {
                    if (available.Count > 0 && r.Next(5) == 0)
                    {
                        Line(Include(available, isInclude));
                    }
                    else
                    {
                        Line(Setting(g));
                    }
                }
            }

            if (available.Count > 0 && r.Next(2) == 0)
            {
                sb.Append(r.Next(2) == 0 ? "Host *\n" : "Match all\n");
                Line(Include(available, isInclude));
            }

            while (available.Count > 0)
            {
                // Every include unit is used at least once, at the top of the file or at its end.
                Line(Include(available, isInclude));
            }

            return sb.ToString();
        }

        private string Include(List<string> available, bool nested)
        {
            var reference = available[r.Next(available.Count)];
            available.Remove(reference);
            Stats["include"]++;
            if (nested)
            {
                Stats["nested-include"]++;
            }

            var extra = r.Next(8) == 0 ? " /no/such/dir/*.conf" : string.Empty;
            return Keyword("Include") + Separator() + reference + extra;
        }

        private string Host()
        {
            var patterns = Enumerable.Range(0, r.Next(1, 4)).Select(_ => Pick(HostPatterns)).ToList();
            if (r.Next(4) == 0)
            {
                patterns.Insert(r.Next(patterns.Count + 1), "!" + Pick(HostPatterns.Where(p => p != "*").ToArray()));
                Stats["negation"]++;
            }

            return Keyword("Host") + Separator() + string.Join(" ", patterns.Select(p => r.Next(6) == 0 ? "\"" + p + "\"" : p)) + Comment();
        }

        private string Match()
        {
            Stats["match"]++;
            string List(string[] pool) => string.Join(",", Enumerable.Range(0, r.Next(1, 3)).Select(_ => (r.Next(5) == 0 ? "!" : string.Empty) + Pick(pool)));
            var criteria = r.Next(7) switch
            {
                0 => Keyword("all"),
                1 => Keyword("host") + " " + List(MatchHostPatterns),
                2 => Keyword("originalhost") + " " + List(HostPatterns.Where(p => p != "*").ToArray()),
                3 => Keyword("user") + " " + List(Users.Concat(new[] { "r*", "*" }).ToArray()),
                4 => "!" + Keyword("host") + " " + List(MatchHostPatterns),
                5 => Keyword("host") + " " + List(MatchHostPatterns) + " " + Keyword("user") + " " + List(Users),
                _ => Keyword("localuser") + " " + List(new[] { "root", "*", "nobody", "r?ot" }),
            };
            return Keyword("Match") + Separator() + criteria + Comment();
        }

        private string Setting(Generated g)
        {
            var roll = r.Next(100);
            return roll switch
            {
                < 10 => Simple("HostName", Pick(HostNames)),
                < 20 => Simple("User", Pick(Users)),
                < 28 => Simple("Port", Pick(Ports)),
                < 50 => Simple("IdentityFile", IdentityFile()),
                < 56 => Simple("IdentitiesOnly", RandomCase(Pick(new[] { "yes", "no", "true", "false" }))),
                < 68 => ProxyJump(g),
                < 70 => Keyword("ProxyCommand") + Separator() + "nc %h %p",
                < 76 => Keyword("UserKnownHostsFile") + Separator() + Pick(KnownHosts) + Comment(),
                < 82 => Simple("StrictHostKeyChecking", RandomCase(Pick(Strict))),
                < 88 => Simple("ConnectTimeout", Pick(Timeouts)),
                < 90 => Simple("HostKeyAlias", Pick(new[] { "KeyAlias1", "gate" })),
                _ => Keyword(Pick(Ignored)),
            };
        }

        private string IdentityFile()
        {
            var file = Pick(IdentityFiles);
            return file == "~" || r.Next(2) == 0 ? file : file + r.Next(4).ToString(CultureInfo.InvariantCulture);
        }

        private string Simple(string keyword, string value) =>
            Keyword(keyword) + Separator() + (r.Next(6) == 0 ? "\"" + value + "\"" : value) + Comment();

        private string ProxyJump(Generated g)
        {
            Stats["proxyjump"]++;
            if (r.Next(8) == 0)
            {
                return Keyword("ProxyJump") + Separator() + Pick(new[] { "none", "NONE", "None" });
            }

            var hops = new List<(string? User, string Host, int? Port)>();
            var written = new List<string>();
            for (var n = r.Next(1, 4); n > 0; n--)
            {
                string? user = r.Next(2) == 0 ? Pick(Users) : null;
                var ipv6 = r.Next(8) == 0;
                var host = ipv6 ? "fd00::" + r.Next(1, 9).ToString(CultureInfo.InvariantCulture) : Pick(Jumps);
                int? port = r.Next(3) == 0 ? 2200 + r.Next(50) : null;
                string text;
                if (!ipv6 && r.Next(3) == 0)
                {
                    var encoded = user is not null && r.Next(3) == 0;
                    if (encoded)
                    {
                        user += "+ci";
                    }

                    text = "ssh://" + (user is null ? string.Empty : (encoded ? user.Replace("+", "%2B", StringComparison.Ordinal) : user) + "@") + host +
                        (port is null ? string.Empty : ":" + port.Value.ToString(CultureInfo.InvariantCulture)) + (r.Next(4) == 0 ? "/" : string.Empty);
                }
                else
                {
                    text = (user is null ? string.Empty : user + "@") + (ipv6 ? "[" + host + "]" : host) +
                        (port is null ? string.Empty : ":" + port.Value.ToString(CultureInfo.InvariantCulture));
                }

                hops.Add((user, host, port));
                written.Add(text);
            }

            // ssh -G prints the hops before the last as written and the last one normalized: an address (a ':', or
            // only digits and dots) in brackets.
            var last = hops[hops.Count - 1];
            var bracket = last.Host.Contains(':', StringComparison.Ordinal) || last.Host.All(c => c == '.' || char.IsAsciiDigit(c));
            var printed = (written.Count > 1 ? string.Join(",", written.Take(written.Count - 1)) + "," : string.Empty) +
                (last.User is null ? string.Empty : last.User + "@") + (bracket ? "[" + last.Host + "]" : last.Host) +
                (last.Port is null ? string.Empty : ":" + last.Port.Value.ToString(CultureInfo.InvariantCulture));
            lock (g.JumpsByPrinted)
            {
                if (g.JumpsByPrinted.TryGetValue(printed, out var known))
                {
                    Assert.Equal(known, hops);
                }

                g.JumpsByPrinted[printed] = hops;
            }

            return Keyword("ProxyJump") + Separator() + string.Join(",", written) + (r.Next(8) == 0 ? " # via bastion" : string.Empty);
        }

        private string Keyword(string keyword) => r.Next(4) == 0 ? RandomCase(keyword) : keyword;

        private string RandomCase(string s) => new(s.Select(c => r.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());

        private string Separator()
        {
            var s = Pick(new[] { " ", " ", " ", "=", " = ", "\t", "  ", "= " });
            if (s.Contains('=', StringComparison.Ordinal))
            {
                Stats["equals"]++;
            }

            return s;
        }

        private string Indent() => Pick(new[] { string.Empty, "  ", "    ", "\t" });

        private string Comment() => r.Next(10) == 0 ? " # note" : string.Empty;

        private T Pick<T>(T[] items) => items[r.Next(items.Length)];
    }
}
