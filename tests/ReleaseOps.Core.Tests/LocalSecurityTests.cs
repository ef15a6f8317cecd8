using System;
using System.IO;
using System.Linq;
using ReleaseOps.Core.Jenkins;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Release;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

/// <summary>Tests that change TMPDIR or the current folder run alone.</summary>
[CollectionDefinition("LocalSecurity", DisableParallelization = true)]
public sealed class LocalSecurityCollection
{
}

/// <summary>
/// Issue #13 on the admin's machine, which is shared: another local user (here the real unprivileged user nobody,
/// uid 65534, through setpriv) must not read or replace what ReleaseOps writes, nor plant what it reads.
/// </summary>
[Collection("LocalSecurity")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalSecurityTests : IClassFixture<SshTestKeys>, IDisposable
{
    private const string Nobody = "65534";
    private readonly SshTestKeys keys;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "ro-localsec-" + Guid.NewGuid().ToString("N"));

    public LocalSecurityTests(SshTestKeys keys)
    {
        this.keys = keys;
        Directory.CreateDirectory(dir);
    }

    public void Dispose()
    {
        Tool.Run("rm", new[] { "-rf", dir });
    }

    /// <summary>Runs a command as the user nobody.</summary>
    private static ToolResult AsNobody(params string[] command) =>
        Tool.Run("setpriv", new[] { "--reuid=" + Nobody, "--regid=" + Nobody, "--clear-groups", "--" }.Concat(command));

    private static string Owner(string path) => Tool.Run("stat", new[] { "-c", "%u", path }).Output.Trim();

    private string SharedTmp()
    {
        // A /tmp of our own: root's, mode 1777, as on every Linux machine.
        var shared = Path.Combine(dir, "tmp");
        Directory.CreateDirectory(shared);
        Assert.Equal(0, Tool.Run("chmod", new[] { "1777", shared }).ExitCode);
        return shared;
    }

    // ---- Item 2: the askpass helper and the files written locally ---------------------------------------------------

    [Fact]
    public void Stat_reads_the_owner_mode_and_type_that_stat_1_reports()
    {
        // LocalFiles reads .NET's own lstat shim (System.Native's FileStatus): this pins its layout on this runtime.
        var file = Path.Combine(dir, "owned");
        File.WriteAllText(file, "x");
        Assert.Equal(0, Tool.Run("chown", new[] { Nobody, file }).ExitCode);
        Assert.Equal(0, Tool.Run("chmod", new[] { "640", file }).ExitCode);
        var link = Path.Combine(dir, "link");
        File.CreateSymbolicLink(link, file);

        var s = LocalFiles.Stat(file)!.Value;
        Assert.Equal((false, false, Convert.ToInt32("640", 8), (uint?)65534), (s.IsLink, s.IsDirectory, s.Mode, s.Uid));
        Assert.True(LocalFiles.Stat(link)!.Value.IsLink);
        Assert.True(LocalFiles.Stat(dir)!.Value.IsDirectory);
        Assert.Null(LocalFiles.Stat(Path.Combine(dir, "missing")));
        Assert.Equal(Tool.Run("id", new[] { "-u" }).Output.Trim(), LocalFiles.EffectiveUid().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => LocalFiles.CheckOwned(file, directory: false)).ErrorId);
        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => LocalFiles.CheckOwned(link, directory: false)).ErrorId);
    }

    [Fact]
    public void A_folder_that_a_shared_group_may_write_is_refused_but_the_users_own_group_is_not()
    {
        // A CI agent's shared group (users): its other members could replace journals, plans or known_hosts there.
        var shared = Path.Combine(dir, "group-shared");
        Directory.CreateDirectory(shared);
        Assert.Equal(0, Tool.Run("chgrp", new[] { "users", shared }).ExitCode);
        Assert.Equal(0, Tool.Run("chmod", new[] { "775", shared }).ExitCode);
        Assert.Equal((uint?)100, LocalFiles.Stat(shared)!.Value.Gid);
        var ex = Assert.Throws<ReleaseOpsException>(() => LocalFiles.CheckOwned(shared, directory: true));
        Assert.Equal("LocalPathUnsafe", ex.ErrorId);
        Assert.Contains("group", ex.Message, StringComparison.Ordinal);

        // The user's own (private) group writing its own folder is the user.
        var own = Path.Combine(dir, "group-own");
        Directory.CreateDirectory(own);
        Assert.Equal(0, Tool.Run("chmod", new[] { "775", own }).ExitCode);
        LocalFiles.CheckOwned(own, directory: true);
        Assert.Equal(Tool.Run("id", new[] { "-g" }).Output.Trim(), LocalFiles.EffectiveGid().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Askpass_helper_is_private_to_this_process_even_when_another_user_planted_its_old_folder()
    {
        var shared = SharedTmp();
        var victim = Path.Combine(dir, "victim.txt");
        File.WriteAllText(victim, "untouched\n");
        var saved = Environment.GetEnvironmentVariable("TMPDIR");
        Environment.SetEnvironmentVariable("TMPDIR", shared);
        try
        {
            // nobody plants the folder the helper used to go in, with the script as a link to a file of their choice.
            var planted = Path.Combine(shared, "releaseops-askpass-" + Environment.UserName);
            Assert.Equal(0, AsNobody("mkdir", "-m", "777", planted).ExitCode);
            Assert.Equal(0, AsNobody("ln", "-s", victim, Path.Combine(planted, "askpass.sh")).ExitCode);

            var helper = GitCli.AskPassHelper();

            Assert.False(helper.StartsWith(planted, StringComparison.Ordinal), $"the helper went in the planted folder: {helper}");
            Assert.Equal("untouched\n", File.ReadAllText(victim));
            var folder = Path.GetDirectoryName(helper)!;
            Assert.Equal("0", Owner(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(helper));
            var text = File.ReadAllText(helper);
            Assert.NotEqual(0, AsNobody("cat", helper).ExitCode);
            Assert.NotEqual(0, AsNobody("sh", "-c", "echo 'echo stolen' > \"$0\"", helper).ExitCode);
            Assert.Equal(text, File.ReadAllText(helper));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", saved);
        }
    }

    [Fact]
    public void Migration_journal_and_plan_are_created_private_in_a_private_folder()
    {
        var journals = Path.Combine(dir, "fresh", "migrations");
        var info = MigrationJournal.Create("cortico", "old", "new", new[] { "PrepareTarget" }, DateTimeOffset.UtcNow, journals,
            new MigrationSetup { SourceHost = "old", TargetHost = "new", SourceAddress = "192.0.2.1" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(journals));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(info.JournalPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(MigrationJournal.PlanPath(info)));
        Assert.NotEqual(0, AsNobody("ls", journals).ExitCode);
        Assert.Equal(new[] { info.JournalPath, MigrationJournal.PlanPath(info) }.OrderBy(p => p, StringComparer.Ordinal),
            Directory.GetFiles(journals).OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public void Migration_journal_refuses_a_folder_that_another_user_owns()
    {
        var journals = Path.Combine(SharedTmp(), "migrations");
        Assert.Equal(0, AsNobody("mkdir", "-m", "755", journals).ExitCode);

        var e = Assert.Throws<ReleaseOpsException>(() =>
            MigrationJournal.Create("cortico", "old", "new", new[] { "PrepareTarget" }, DateTimeOffset.UtcNow, journals));
        Assert.Equal("LocalPathUnsafe", e.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(journals));
        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => MigrationJournal.List(null, journals)).ErrorId);
    }

    [Fact]
    public void Migration_journal_is_never_written_through_a_link_at_its_old_temporary_name()
    {
        var journals = Path.Combine(dir, "journals");
        Directory.CreateDirectory(journals);
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var victim = Path.Combine(dir, "victim.txt");
        File.WriteAllText(victim, "untouched\n");
        File.CreateSymbolicLink(Path.Combine(journals, "cortico-20260102-030405.json.tmp"), victim);

        var info = MigrationJournal.Create("cortico", "old", "new", new[] { "PrepareTarget" }, now, journals);

        Assert.Equal("untouched\n", File.ReadAllText(victim));
        Assert.Equal("cortico", MigrationJournal.Load(info.JournalPath).Project);
    }

    [Fact]
    public void Release_lock_is_created_private()
    {
        var git = Path.Combine(dir, "git");
        Directory.CreateDirectory(git);
        using (ReleaseLock.Acquire(git, breakLock: false, NullReporter.Instance))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(git, "releaseops-release.lock")));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Release_lock_planted_as_a_link_is_refused_and_not_followed(bool targetExists)
    {
        var git = Path.Combine(dir, "git-" + targetExists);
        Directory.CreateDirectory(git);
        var victim = Path.Combine(dir, "victim-" + targetExists + ".txt");
        if (targetExists)
        {
            File.WriteAllText(victim, "untouched\n");
        }

        File.CreateSymbolicLink(Path.Combine(git, "releaseops-release.lock"), victim);
        var e = Assert.Throws<ReleaseOpsException>(() => ReleaseLock.Acquire(git, breakLock: true, NullReporter.Instance));
        Assert.Equal("LocalPathUnsafe", e.ErrorId);
        Assert.Equal(targetExists ? "untouched\n" : null, File.Exists(victim) ? File.ReadAllText(victim) : null);
    }

    // ---- Item 8: known_hosts ----------------------------------------------------------------------------------------

    [Fact]
    public void Add_refuses_a_second_key_for_a_host_already_recorded_with_another_key()
    {
        var path = Path.Combine(dir, "known_hosts");
        File.WriteAllText(path, keys.Ed25519.Line("web.example.com") + "\n");
        var file = new KnownHostsFile(path);

        // Same type, other key: the race under AcceptNew (two connections both saw Unknown) must not trust both.
        Assert.Equal("HostKeyMismatch", Assert.Throws<ReleaseOpsException>(() => file.Add("web.example.com", 22, keys.Ed25519Other.Type, keys.Ed25519Other.Blob, false)).ErrorId);
        // Another type: Check already calls that Changed, so Add does not record it either.
        Assert.Equal("HostKeyMismatch", Assert.Throws<ReleaseOpsException>(() => file.Add("web.example.com", 22, keys.Ecdsa.Type, keys.Ecdsa.Blob, true)).ErrorId);
        Assert.Equal(keys.Ed25519.Line("web.example.com") + "\n", File.ReadAllText(path));
        Assert.Equal(HostKeyStatus.Changed, file.Check("web.example.com", 22, keys.Ed25519Other.Type, keys.Ed25519Other.Blob).Status);
    }

    [Fact]
    public void UserKnownHostsFile_none_reads_and_writes_no_file()
    {
        // ssh reads nothing for "none"; a file that happens to be called "none" in the current folder is not it.
        var saved = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir;
        try
        {
            File.WriteAllText(Path.Combine(dir, "none"), keys.Ed25519.Line("web.example.com") + "\n");
            var file = new KnownHostsFile("none");
            Assert.Equal(HostKeyStatus.Unknown, file.Check("web.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob).Status);
            Assert.False(file.Add("db.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob, false));
            Assert.Equal(keys.Ed25519.Line("web.example.com") + "\n", File.ReadAllText(Path.Combine(dir, "none")));
            File.Delete(Path.Combine(dir, "none"));
            Assert.False(file.Add("db.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob, false));
            Assert.False(File.Exists(Path.Combine(dir, "none")));
        }
        finally
        {
            Environment.CurrentDirectory = saved;
        }
    }

    [Fact]
    public void A_known_hosts_file_that_another_user_owns_is_not_trusted()
    {
        var path = Path.Combine(dir, "known_hosts");
        File.WriteAllText(path, keys.Ed25519.Line("web.example.com") + "\n");
        Assert.Equal(0, Tool.Run("chown", new[] { Nobody, path }).ExitCode);
        var file = new KnownHostsFile(path);

        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => file.Check("web.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob)).ErrorId);
        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => file.Add("db.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob, false)).ErrorId);
    }

    [Fact]
    public void A_known_hosts_lock_planted_as_a_link_is_not_opened()
    {
        var path = Path.Combine(dir, "known_hosts");
        var victim = Path.Combine(dir, "victim.txt");
        File.CreateSymbolicLink(path + ".lock", victim);
        var file = new KnownHostsFile(path);

        Assert.Equal("LocalPathUnsafe", Assert.Throws<ReleaseOpsException>(() => file.Add("db.example.com", 22, keys.Ed25519.Type, keys.Ed25519.Blob, false)).ErrorId);
        Assert.False(File.Exists(victim));
    }

    // ---- Item 11: Jenkins credentials --------------------------------------------------------------------------------

    private static Func<string, string?> Env(params (string Name, string Value)[] pairs) =>
        name => pairs.Where(p => p.Name == name).Select(p => p.Value).FirstOrDefault();

    [Fact]
    public void Jenkins_credentials_go_only_to_https_or_loopback()
    {
        var credentials = Env(("JENKINS_USER_ID", "releaser"), ("JENKINS_API_TOKEN", "t0ken"));
        var e = Assert.Throws<ReleaseOpsException>(() => JenkinsConnection.Resolve("http://jenkins.example.com/", null, null, credentials));
        Assert.Equal("JenkinsInsecureUrl", e.ErrorId);
        Assert.DoesNotContain("t0ken", e.Message + e.RecommendedAction, StringComparison.Ordinal);
        Assert.True(JenkinsConnection.Resolve("https://jenkins.example.com/", null, null, credentials).Authenticated);
        Assert.True(JenkinsConnection.Resolve("http://127.0.0.1:8080/", null, null, credentials).Authenticated);
        Assert.False(JenkinsConnection.Resolve("http://jenkins.example.com/", null, null, Env()).Authenticated);
    }
}
