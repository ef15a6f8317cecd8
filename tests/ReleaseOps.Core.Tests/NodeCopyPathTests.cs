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
