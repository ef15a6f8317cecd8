using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

/// <summary>
/// Issue #13, item 7: Copy-NodeItem builds local paths from names that the node sends, and a hostile node (scp's
/// CVE-2019-6111) could send "..", "a/../../b" or "/etc/x". A real file system cannot hold such names, so the listing
/// is faked here; Copy-NodeItem.Tests.ps1 downloads from a real node with hostile links, and into a planted destination.
/// </summary>
public sealed class NodeCopyPathTests
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "ro-copypath-" + Guid.NewGuid().ToString("N"));

    // ---- Item 7: names sent by the node ---------------------------------------------------------------------------

    /// <summary>A node's listing: folder path to entries, as a hostile SFTP server could send them.</summary>
    private static Func<string, IEnumerable<NodeCopy.RemoteEntry>> Listing(params (string Folder, string Name, bool IsDirectory)[] entries) =>
        folder => entries.Where(e => e.Folder == folder).Select(e => new NodeCopy.RemoteEntry(e.Name, e.IsDirectory, !e.IsDirectory, false, 3)).ToList();

    [Theory]
    [InlineData("../")]
    [InlineData("../../../etc/cron.d/evil")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("sub/../../evil")]
    [InlineData("..\\..\\evil")]
    [InlineData("a\0b")]
    [InlineData("")]
    public void A_download_refuses_names_that_would_leave_the_destination(string name)
    {
        var local = Path.Combine(dir, "download");
        var e = Assert.Throws<ReleaseOpsException>(() =>
        {
            var files = NodeCopy.PlanDownload(Listing(("/srv/data", "ok.txt", false), ("/srv/data", name, false)), "/srv/data", true, 0, "web1", NullReporter.Instance);
            foreach (var f in files)
            {
                var target = NodeCopy.LocalTarget(local, f.Relative, "web1");
                Assert.StartsWith(local + Path.DirectorySeparatorChar, target, StringComparison.Ordinal);
            }
        });
        Assert.Equal("RemoteNameUnsafe", e.ErrorId);
    }

    [Fact]
    public void A_download_refuses_a_hostile_name_in_a_subfolder_and_follows_no_link()
    {
        var listing = Listing(("/srv/data", "sub", true), ("/srv/data/sub", "../../../../root/.ssh/authorized_keys", false));
        Assert.Equal("RemoteNameUnsafe", Assert.Throws<ReleaseOpsException>(() =>
            NodeCopy.PlanDownload(listing, "/srv/data", true, 0, "web1", NullReporter.Instance)).ErrorId);

        // Links are listed with their own attributes (readdir is lstat) and skipped.
        IEnumerable<NodeCopy.RemoteEntry> WithLink(string folder) => folder == "/srv/data"
            ? new[] { new NodeCopy.RemoteEntry("etc", false, false, true, 0), new NodeCopy.RemoteEntry("a.txt", false, true, false, 1) }
            : throw new InvalidOperationException("followed a link to " + folder);
        var files = NodeCopy.PlanDownload(WithLink, "/srv/data", true, 0, "web1", NullReporter.Instance);
        Assert.Equal(new[] { ("/srv/data/a.txt", "a.txt", 1L) }, files);
        Assert.Equal(Path.Combine(dir, "d", "sub", "a.txt"), NodeCopy.LocalTarget(Path.Combine(dir, "d"), "sub/a.txt", "web1"));
    }

}

/// <summary>
/// The same names from a real SSH connection: a sandbox node whose sshd runs hostile-sftp.py (ForceCommand) as its SFTP
/// server, and the real SSH.NET client under NodeCopy.DownloadAsync.
/// </summary>
public sealed class HostileSftpTests : IClassFixture<SandboxKeys>, IDisposable
{
    private readonly SandboxKeys keys;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "ro-hostile-" + Guid.NewGuid().ToString("N"));

    // The node's / is an overlay over this machine's /, with /tmp of its own: /var/tmp is shared, so the node sees
    // the script there, and a name aimed at /var/tmp would land on this machine.
    private readonly string script = Path.Combine("/var/tmp", "ro-hostile-sftp-" + Guid.NewGuid().ToString("N") + ".py");
    private readonly string escape = "ro-escaped-" + Guid.NewGuid().ToString("N");

    public HostileSftpTests(SandboxKeys keys)
    {
        this.keys = keys;
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "hostile-sftp.py"), script);
    }

    public void Dispose()
    {
        File.Delete(script);
        File.Delete(Path.Combine("/var/tmp", escape));
        File.Delete(Path.Combine("/var/tmp", escape + ".partial"));
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("relative")]
    [InlineData("absolute")]
    public async System.Threading.Tasks.Task A_download_from_a_node_that_sends_hostile_names_writes_nothing_outside_the_destination(string kind)
    {
        var name = kind == "relative" ? "../" + escape : "/var/tmp/" + escape;
        var escaped = kind == "relative" ? Path.Combine(dir, escape) : Path.Combine("/var/tmp", escape);
        using var node = await ReleaseOps.Core.Sandbox.SandboxNode.StartAsync(new ReleaseOps.Core.Sandbox.SandboxNodeOptions
        {
            Name = "hostile",
            AuthorizedKeys = new[] { keys.PublicKey },
            SshdConfigLines = new[] { $"ForceCommand /usr/bin/python3 {script} '{name}'" },
        }, NullReporter.Instance, System.Threading.CancellationToken.None);
        var options = new SshConnectOptions
        {
            KnownHostsFile = Path.Combine(dir, "known_hosts"),
            ConfigFile = "/dev/null",
            IdentityFiles = new[] { keys.IdentityFile },
            User = "root",
            Port = node.Port,
            HostKeyPolicy = HostKeyPolicy.AcceptNew,
        };
        using var session = await NodeConnector.ConnectAsync("127.0.0.1", options, NullReporter.Instance, System.Threading.CancellationToken.None);

        // SSH.NET keeps the last segment of basePath + name as an entry's Name, and NodeCopy checks it and builds every
        // path from the root it asked for: the hostile entry is either refused (RemoteNameUnsafe) or lands inside.
        var destination = Path.Combine(dir, "download");
        try
        {
            var results = await NodeCopy.DownloadAsync(session, "/srv/data", destination, NullReporter.Instance, System.Threading.CancellationToken.None);
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.StartsWith(destination + Path.DirectorySeparatorChar, r.Destination, StringComparison.Ordinal));
        }
        catch (ReleaseOpsException e)
        {
            Assert.Equal("RemoteNameUnsafe", e.ErrorId);
        }

        Assert.True(File.Exists(Path.Combine(destination, "ok.txt")) || !Directory.Exists(destination));
        Assert.False(File.Exists(escaped), $"the download wrote {escaped}");
        Assert.False(File.Exists(escaped + ".partial"), $"the download wrote {escaped}.partial");
    }
}
