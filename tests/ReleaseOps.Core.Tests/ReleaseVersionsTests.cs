using System;
using System.Collections.Generic;
using System.Linq;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Core.Tests;

public class ReleaseVersionsTests
{
    private static ReleaseCommit C(string subject) => new() { Sha = "0123456789abcdef", Subject = subject };

    [Theory]
    [InlineData(2026, 11, 27, 2026, 48)]
    [InlineData(2026, 1, 1, 2026, 1)]
    [InlineData(2027, 1, 1, 2026, 53)]
    [InlineData(2024, 12, 30, 2025, 1)]
    [InlineData(2021, 1, 3, 2020, 53)]
    public void Iso_weeks_match_the_standard(int y, int m, int d, int isoYear, int isoWeek) =>
        Assert.Equal((isoYear, isoWeek), ReleaseVersions.IsoWeek(new DateTime(y, m, d)));

    [Fact]
    public void CalVer_counts_the_releases_of_the_week()
    {
        var now = new DateTime(2026, 11, 27);
        Assert.Equal("v2026.48.0", ReleaseVersions.NextTag("CalVer", now, new[] { "v2026.47.3" }, Array.Empty<ReleaseCommit>(), Array.Empty<string>()));
        Assert.Equal("v2026.48.2", ReleaseVersions.NextTag("CalVer", now, new[] { "v2026.48.0", "v2026.48.1", "v1.0.0" }, Array.Empty<ReleaseCommit>(), Array.Empty<string>()));
    }

    [Theory]
    [InlineData("fix: typo", "", "v1.4.3")]
    [InlineData("feat: booking", "", "v1.5.0")]
    [InlineData("feat(api)!: drop v1", "", "v2.0.0")]
    [InlineData("refactor: x", "BREAKING CHANGE: the config moved", "v2.0.0")]
    [InlineData("chore: deps", "", "v1.4.3")]
    public void SemVer_bumps_from_conventional_commits(string subject, string body, string expected) =>
        Assert.Equal(expected, ReleaseVersions.NextTag("SemVer", DateTime.Now, new[] { "v1.4.2", "v1.3.9", "v0.9.0" }, new[] { C(subject) }, new[] { subject + "\n\n" + body }));

    [Fact]
    public void SemVer_starts_at_0_1_0_and_hotfixes_bump_the_patch()
    {
        Assert.Equal("v0.1.0", ReleaseVersions.NextTag("SemVer", DateTime.Now, Array.Empty<string>(), new[] { C("feat: x") }, Array.Empty<string>()));
        Assert.Equal("v1.4.3", ReleaseVersions.NextTag("SemVer", DateTime.Now, new[] { "v1.4.2" }, new[] { C("feat: x") }, Array.Empty<string>(), patch: true));
    }

    [Fact]
    public void An_unknown_scheme_is_an_error_with_a_stable_id() =>
        Assert.Equal("InvalidTagScheme", Assert.Throws<ReleaseOpsException>(() => ReleaseVersions.NextTag("Date", DateTime.Now, Array.Empty<string>(), Array.Empty<ReleaseCommit>(), Array.Empty<string>())).ErrorId);

    [Theory]
    [InlineData("Merge pull request #123 from org/feature/x", 123)]
    [InlineData("Add the login page (#45)", 45)]
    [InlineData("Merge branch 'develop'", null)]
    [InlineData("fix: #12 is not a PR reference", null)]
    public void Finds_pull_requests(string subject, int? expected) => Assert.Equal(expected, ReleaseVersions.PullRequestOf(subject));

    [Fact]
    public void Notes_list_pull_requests_then_features_fixes_and_the_rest()
    {
        var commits = new List<ReleaseCommit>
        {
            new() { Sha = "aaaaaaaaaa", Subject = "Merge pull request #7 from org/feature/a", PullRequest = 7 },
            C("feat: online booking"), C("fix: time zone"), C("docs: readme"), C("Merge branch 'x'"),
        };
        var notes = ReleaseVersions.Notes("v2026.48.0", new DateTime(2026, 11, 27), "v2026.47.0", commits, new Dictionary<string, string> { ["aaaaaaaaaa"] = "Online booking" });
        Assert.StartsWith("## v2026.48.0 (2026-11-27)", notes, StringComparison.Ordinal);
        Assert.Contains("Changes since v2026.47.0.", notes, StringComparison.Ordinal);
        var order = new[] { "### Pull requests", "- #7 Online booking", "### Features", "feat: online booking", "### Fixes", "fix: time zone", "### Other changes", "docs: readme" }
            .Select(s => notes.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.DoesNotContain("Merge branch", notes, StringComparison.Ordinal);
    }
}
