using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Core.Tests;

/// <summary>Get-ReleaseMetrics' engine and Export-ReleaseReport's page, without PowerShell.</summary>
public class ReleaseMetricsTests
{
    [Theory]
    [InlineData(10.0, "Elite")]
    [InlineData(7.0, "Elite")]
    [InlineData(6.99, "High")]
    [InlineData(1.0, "High")]
    [InlineData(0.99, "Medium")]
    [InlineData(7.0 / 31, "Medium")]
    [InlineData(0.2, "Low")]
    [InlineData(0.0, "Low")]
    public void Deployment_frequency_bands_follow_the_published_levels(double perWeek, string band) =>
        Assert.Equal(band, ReleaseMetricsEngine.DeploymentFrequencyBand(perWeek));

    [Theory]
    [InlineData(3600 * 23.9, "Elite")]
    [InlineData(86400.0, "High")]
    [InlineData(86400.0 * 7, "High")]
    [InlineData(86400.0 * 7 + 1, "Medium")]
    [InlineData(86400.0 * 31, "Medium")]
    [InlineData(86400.0 * 31 + 1, "Low")]
    public void Lead_time_bands_follow_the_published_levels(double seconds, string band) =>
        Assert.Equal(band, ReleaseMetricsEngine.LeadTimeBand(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0.0, "Elite")]
    [InlineData(0.05, "Elite")]
    [InlineData(0.0501, "High")]
    [InlineData(0.10, "High")]
    [InlineData(0.15, "Medium")]
    [InlineData(0.16, "Low")]
    [InlineData(1.0, "Low")]
    public void Change_failure_rate_bands_follow_the_published_levels(double rate, string band) =>
        Assert.Equal(band, ReleaseMetricsEngine.ChangeFailureRateBand(rate));

    [Theory]
    [InlineData(59 * 60.0, "Elite")]
    [InlineData(3600.0, "High")]
    [InlineData(86399.0, "High")]
    [InlineData(86400.0, "Medium")]
    [InlineData(86400.0 * 7, "Medium")]
    [InlineData(86400.0 * 8, "Low")]
    public void Time_to_restore_bands_follow_the_published_levels(double seconds, string band) =>
        Assert.Equal(band, ReleaseMetricsEngine.TimeToRestoreBand(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Nothing_to_measure_has_no_band()
    {
        Assert.Equal(string.Empty, ReleaseMetricsEngine.LeadTimeBand(null));
        Assert.Equal(string.Empty, ReleaseMetricsEngine.ChangeFailureRateBand(null));
        Assert.Equal(string.Empty, ReleaseMetricsEngine.TimeToRestoreBand(null));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var values = new long[] { 2, 47, 54, 54, 72, 78, 80, 121, 150 };
        Assert.Equal(72, ReleaseMetricsEngine.Percentile(values, 0.5));
        Assert.Equal(150, ReleaseMetricsEngine.Percentile(values, 0.9));
        Assert.Equal(2, ReleaseMetricsEngine.Percentile(values, 0.1));
        Assert.Equal(5, ReleaseMetricsEngine.Percentile(new long[] { 5 }, 0.9));
        Assert.Equal(1, ReleaseMetricsEngine.Percentile(new long[] { 1, 2 }, 0.5));
    }

    [Fact]
    public void Weeks_start_on_monday_utc_and_cover_the_range()
    {
        var weeks = ReleaseMetricsEngine.Weeks(new DateTimeOffset(2026, 10, 7, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 19, 0, 0, 0, TimeSpan.Zero)).ToList();
        Assert.Equal(2, weeks.Count);
        Assert.Equal(new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero), weeks[0].From);
        Assert.Equal(new DateTimeOffset(2026, 10, 19, 0, 0, 0, TimeSpan.Zero), weeks[1].To);
    }

    [Fact]
    public void The_page_escapes_what_it_shows_and_carries_its_figures()
    {
        var m = new ReleaseMetrics
        {
            Project = "<script>alert(1)</script>",
            Period = "Overall",
            Start = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.Zero),
            Releases = 3,
            LeadTimeMedian = TimeSpan.FromHours(72),
            LeadTimeBand = "High",
            Deliveries = new[] { new ReleaseDelivery { Kind = "Release", Tag = "v1\"><b>", Date = new DateTimeOffset(2026, 10, 8, 16, 0, 0, TimeSpan.Zero), Changes = 1, LeadTimeMin = TimeSpan.FromHours(1), LeadTimeMedian = TimeSpan.FromHours(1), LeadTimeP90 = TimeSpan.FromHours(1), LeadTimeMax = TimeSpan.FromHours(1) } },
        };
        var html = ReleaseReport.Render(new[] { m }, "Fleet & co", DateTimeOffset.UtcNow);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Fleet &amp; co</title>", html, StringComparison.Ordinal);
        Assert.Contains("data-measure=\"LeadTimeMedian\" data-value=\"259200\" data-band=\"High\">3d 0h", html, StringComparison.Ordinal);
        Assert.Equal(5, ReleaseReport.ChartIds(new[] { m }).Count);
        foreach (var id in ReleaseReport.ChartIds(new[] { m }))
        {
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(30, "<1m")]
    [InlineData(45 * 60, "45m")]
    [InlineData(5 * 3600 + 30 * 60, "5h 30m")]
    [InlineData(3 * 86400 + 4 * 3600, "3d 4h")]
    public void Durations_read_as_people_write_them(int seconds, string text) =>
        Assert.Equal(text, ReleaseReport.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task Violations_are_Test_ReleasePolicys_errors_and_lead_times_run_from_each_commit_to_its_tag()
    {
        var dir = Path.Combine(Path.GetTempPath(), "releaseops-metrics-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            void Git(string at, params string[] args)
            {
                var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-c", "user.name=Dev", "-c", "user.email=dev@example.com" }.Concat(args))
                {
                    psi.ArgumentList.Add(a);
                }

                psi.Environment["GIT_AUTHOR_DATE"] = at;
                psi.Environment["GIT_COMMITTER_DATE"] = at;
                using var p = Process.Start(psi)!;
                var error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"git {string.Join(" ", args)}: {error}");
            }

            Git("2026-10-05T08:00:00Z", "init", "-q", "-b", "master");
            Git("2026-10-05T08:00:00Z", "commit", "-q", "--allow-empty", "-m", "Initial commit");
            Git("2026-10-05T08:00:00Z", "branch", "develop");
            Git("2026-10-06T10:00:00Z", "switch", "-q", "develop");
            Git("2026-10-06T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "feat: a");
            Git("2026-10-07T10:00:00Z", "switch", "-q", "master");
            Git("2026-10-07T10:00:00Z", "merge", "-q", "--no-ff", "develop", "-m", "Release v1.0.0");
            Git("2026-10-07T12:00:00Z", "tag", "-a", "v1.0.0", "-m", "Release v1.0.0");
            Git("2026-10-08T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "straight on master");
            Git("2026-10-08T11:00:00Z", "switch", "-q", "-c", "feature/x");
            Git("2026-10-08T11:00:00Z", "commit", "-q", "--allow-empty", "-m", "feat: x");
            Git("2026-10-08T12:00:00Z", "switch", "-q", "master");
            Git("2026-10-08T12:00:00Z", "merge", "-q", "--no-ff", "feature/x", "-m", "Merge branch 'feature/x'");
            Git("2026-10-09T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "Hotfix v1.0.1: crash");
            Git("2026-10-09T10:30:00Z", "tag", "v1.0.1");

            var project = new ReleaseOpsProject { Slug = "demo" };
            var options = new ReleaseMetricsOptions { Until = new DateTimeOffset(2026, 10, 12, 0, 0, 0, TimeSpan.Zero) };
            var m = (await ReleaseMetricsEngine.MeasureAsync(dir, project, options, NullReporter.Instance, CancellationToken.None)).Single();
            var audit = ReleaseHistory.Audit(dir, project, DateTimeOffset.MinValue).Where(f => f.Severity == "Error").ToList();
            Assert.Equal(2, audit.Count);
            Assert.Equal(audit.Select(f => f.Commit).OrderBy(c => c), m.ViolationFindings.Select(f => f.Commit).OrderBy(c => c));
            Assert.Equal(new[] { "Release", "Hotfix" }, m.Deliveries.Select(d => d.Kind));

            // v1.0.0 (tagged 12:00 on Oct 7): the initial commit (52 h) and feat: a (26 h). v1.0.1 (a lightweight tag:
            // its commit's time, 10:00 on Oct 9): the direct commit (24 h), feat: x (23 h) and the hotfix itself (0); the median
            // of 0, 23, 24, 26 and 52 h is 24 h.
            Assert.Equal(new[] { 2, 3 }, m.Deliveries.Select(d => d.Changes));
            Assert.Equal(TimeSpan.FromHours(52), m.Deliveries[0].LeadTimeMax);
            Assert.Equal(TimeSpan.FromHours(24), m.Deliveries[1].LeadTimeMax);
            Assert.Equal(TimeSpan.FromHours(24), m.LeadTimeMedian);
            Assert.Equal(TimeSpan.Zero, m.TimeToRestore);
            Assert.Equal(1.0, m.ChangeFailureRate);
        }
        finally
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(f, FileAttributes.Normal);
            }

            Directory.Delete(dir, recursive: true);
        }
    }
}
