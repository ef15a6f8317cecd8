using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// Export-ReleaseReport's page: one self-contained HTML file (inline CSS, SVG charts drawn here, no script, nothing
    /// fetched), a summary row per project and a section of charts per project. Colours come from CSS variables, so the
    /// page follows prefers-color-scheme (light and dark), and a print style sheet keeps each project on its own page.
    /// Every figure carries data-project, data-measure and (for durations and rates) data-value in plain units, so
    /// that tests and scripts can read the rendered DOM.
    /// </summary>
    public static class ReleaseReport
    {
        /// <summary>The charts drawn for each project, as the suffix of their element id (chart-&lt;slug&gt;-&lt;suffix&gt;).</summary>
        public static readonly IReadOnlyList<string> ChartKinds = new[] { "weekly", "leadtime", "violations", "deploys", "migrations" };

        private const double W = 560;
        private const double H = 200;
        private const double Left = 44;
        private const double Right = 12;
        private const double Top = 14;
        private const double Bottom = 28;

        /// <summary>The element ids of the charts for these projects.</summary>
        public static IReadOnlyList<string> ChartIds(IEnumerable<ReleaseMetrics> projects) =>
            projects.SelectMany((m, i) => ChartKinds.Select(k => $"chart-{Id(m, i)}-{k}")).ToList();

        /// <summary>Writes the page atomically (a private temporary file, then a rename; never through a link).</summary>
        public static long Write(string path, string html)
        {
            try
            {
                LocalFiles.WriteAtomically(path, html);
                return new FileInfo(path).Length;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ReleaseOpsException(ErrorIds.ReportWriteFailed, FailureCategory.PermissionDenied, $"The report could not be written to '{path}': {ex.Message}",
                    "Write it to a folder of yours (-Path ./release-report.html).", path, ex);
            }
        }

        /// <summary>The page for the Overall rows of Get-ReleaseMetrics, one per project.</summary>
        public static string Render(IReadOnlyList<ReleaseMetrics> projects, string title, DateTimeOffset generated)
        {
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
              .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"ReleaseOps Export-ReleaseReport\">\n")
              .Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<header>\n<h1>").Append(E(title)).Append("</h1>\n<p class=\"sub\">")
              .Append(projects.Count.ToString(CultureInfo.InvariantCulture)).Append(projects.Count == 1 ? " project" : " projects").Append(", generated ")
              .Append(generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
              .Append(". DORA bands from the 2023 Accelerate State of DevOps Report.</p>\n</header>\n");
            Summary(sb, projects);
            for (var i = 0; i < projects.Count; i++)
            {
                Project(sb, projects[i], Id(projects[i], i));
            }

            sb.Append("<footer>Lead time: from each commit to the tag that shipped it (median and 90th percentile, nearest rank). ")
              .Append("Change failure rate: hotfixes and rollbacks against releases. Time to restore: from a hotfix's first commit to its tag. ")
              .Append("Violations: commits that reached the release branch without coming through develop or a hotfix branch.</footer>\n</body>\n</html>\n");
            return sb.ToString();
        }

        /// <summary>A duration as people read it: 45m, 5h 30m, 3d 4h.</summary>
        public static string Duration(TimeSpan? t)
        {
            if (t is not TimeSpan d)
            {
                return "–";
            }

            if (d < TimeSpan.FromMinutes(1))
            {
                return "<1m";
            }

            if (d < TimeSpan.FromHours(1))
            {
                return string.Format(CultureInfo.InvariantCulture, "{0}m", (int)d.TotalMinutes);
            }

            return d < TimeSpan.FromDays(1)
                ? string.Format(CultureInfo.InvariantCulture, "{0}h {1}m", (int)d.TotalHours, d.Minutes)
                : string.Format(CultureInfo.InvariantCulture, "{0}d {1}h", (int)d.TotalDays, d.Hours);
        }

        private static string Id(ReleaseMetrics m, int i)
        {
            var slug = new string(m.Project.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray()).Trim('-');
            return (slug.Length == 0 ? "project" : slug) + "-" + i.ToString(CultureInfo.InvariantCulture);
        }

        private static void Summary(StringBuilder sb, IReadOnlyList<ReleaseMetrics> projects)
        {
            sb.Append("<section class=\"summary\">\n<table>\n<thead><tr><th>Project</th><th>Range</th><th>Releases</th><th>Hotfixes</th><th>Deploys / week</th>")
              .Append("<th>Lead time (median)</th><th>Lead time (p90)</th><th>Change failure rate</th><th>Time to restore</th><th>Violations</th></tr></thead>\n<tbody>\n");
            foreach (var m in projects)
            {
                var p = E(m.Project);
                sb.Append("<tr data-project=\"").Append(p).Append("\"><th scope=\"row\">").Append(p).Append("</th><td>")
                  .Append(m.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(" – ")
                  .Append(m.End.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td>");
                Cell(sb, p, "Releases", m.Releases.ToString(CultureInfo.InvariantCulture), null, null);
                Cell(sb, p, "Hotfixes", m.Hotfixes.ToString(CultureInfo.InvariantCulture), null, null);
                Cell(sb, p, "DeploymentsPerWeek", m.DeploymentsPerWeek.ToString("0.##", CultureInfo.InvariantCulture), m.DeploymentsPerWeek.ToString("R", CultureInfo.InvariantCulture), m.DeploymentFrequencyBand);
                Cell(sb, p, "LeadTimeMedian", Duration(m.LeadTimeMedian), Seconds(m.LeadTimeMedian), m.LeadTimeBand);
                Cell(sb, p, "LeadTimeP90", Duration(m.LeadTimeP90), Seconds(m.LeadTimeP90), null);
                Cell(sb, p, "ChangeFailureRate", m.ChangeFailureRate is double r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–",
                    m.ChangeFailureRate?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, m.ChangeFailureRateBand);
                Cell(sb, p, "TimeToRestore", Duration(m.TimeToRestore), Seconds(m.TimeToRestore), m.TimeToRestoreBand);
                Cell(sb, p, "Violations", m.Violations.ToString(CultureInfo.InvariantCulture), null, null);
                sb.Append("</tr>\n");
            }

            sb.Append("</tbody>\n</table>\n</section>\n");
        }

        private static void Cell(StringBuilder sb, string project, string measure, string text, string? value, string? band)
        {
            sb.Append("<td class=\"figure\" data-project=\"").Append(project).Append("\" data-measure=\"").Append(measure).Append('"');
            if (value is not null)
            {
                sb.Append(" data-value=\"").Append(E(value)).Append('"');
            }

            if (band is not null)
            {
                sb.Append(" data-band=\"").Append(E(band)).Append('"');
            }

            sb.Append('>').Append(E(text));
            if (!string.IsNullOrEmpty(band))
            {
                sb.Append(" <span class=\"band band-").Append(band!.ToLowerInvariant()).Append("\">").Append(E(band)).Append("</span>");
            }

            sb.Append("</td>");
        }

        private static string Seconds(TimeSpan? t) => t is TimeSpan d ? ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture) : string.Empty;

        private static void Project(StringBuilder sb, ReleaseMetrics m, string id)
        {
            sb.Append("<section class=\"project\" id=\"project-").Append(id).Append("\">\n<h2>").Append(E(m.Project)).Append("</h2>\n<div class=\"charts\">\n");
            // Legends are HTML, outside the charts' boxes: inside a chart, every coloured mark is data.
            var releases = new[] { ("release", "Release"), ("hotfix", "Hotfix") };
            Figure(sb, id, "weekly", "Releases and hotfixes per week", releases, Weekly(m));
            Figure(sb, id, "leadtime", "Spread of lead times per release (min–max, median to p90)", releases, LeadTimes(m));
            Figure(sb, id, "violations", "Policy violations", new[] { ("violation", "Violation") }, Violations(m));
            Figure(sb, id, "deploys", m.DeploymentRecords.Count > 0 ? "Deploys and rollbacks" : "Deploys (each release and hotfix tag)",
                m.DeploymentRecords.Count > 0 ? new[] { ("deploy", "Deployed"), ("rollback", "Rolled back") } : new[] { ("deploy", "Release"), ("hotfix", "Hotfix") }, Deploys(m));
            Figure(sb, id, "migrations", "Migrations and their downtime", new[] { ("migration", "Downtime"), ("rollback", "Rolled back") }, Migrations(m));
            sb.Append("</div>\n</section>\n");
        }

        private static void Figure(StringBuilder sb, string id, string kind, string caption, (string Kind, string Text)[] legend, string body)
        {
            sb.Append("<figure>\n<figcaption>").Append(E(caption));
            foreach (var (k, text) in legend)
            {
                sb.Append(" <span class=\"key\"><i class=\"sw ").Append(k).Append("\"></i>").Append(E(text)).Append("</span>");
            }

            sb.Append("</figcaption>\n<svg class=\"chart\" id=\"chart-").Append(id).Append('-').Append(kind)
              .Append("\" viewBox=\"0 0 560 200\" role=\"img\" aria-label=\"").Append(E(caption)).Append("\" xmlns=\"http://www.w3.org/2000/svg\">\n")
              .Append(body).Append("</svg>\n</figure>\n");
        }

        private static string Weekly(ReleaseMetrics m)
        {
            var weeks = ReleaseMetricsEngine.Weeks(m.Start, m.End).ToList();
            var counts = weeks.Select(w => (Release: m.Deliveries.Count(d => d.Kind == "Release" && d.Date >= w.From && d.Date < w.To),
                Hotfix: m.Deliveries.Count(d => d.Kind == "Hotfix" && d.Date >= w.From && d.Date < w.To))).ToList();
            var max = Math.Max(1, counts.Select(c => c.Release + c.Hotfix).DefaultIfEmpty(0).Max());
            var sb = new StringBuilder();
            YAxis(sb, max, v => v.ToString(CultureInfo.InvariantCulture));
            var slot = (W - Left - Right) / Math.Max(1, weeks.Count);
            var bar = Math.Max(1, slot * 0.7);
            var every = Math.Max(1, (int)Math.Ceiling(weeks.Count / 8.0));
            for (var i = 0; i < weeks.Count; i++)
            {
                var x = Left + (i * slot) + ((slot - bar) / 2);
                var (release, hotfix) = counts[i];
                var hr = Scale(release, max);
                var hh = Scale(hotfix, max);
                var y0 = H - Bottom;
                if (release > 0)
                {
                    Rect(sb, "release", x, y0 - hr, bar, hr, $"{Label(weeks[i].From)}: {release} release(s)");
                }

                if (hotfix > 0)
                {
                    Rect(sb, "hotfix", x, y0 - hr - hh, bar, hh, $"{Label(weeks[i].From)}: {hotfix} hotfix(es)");
                }

                if (i % every == 0)
                {
                    Text(sb, "tick", x + (bar / 2), H - Bottom + 14, "middle", weeks[i].From.UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture));
                }
            }
            return sb.ToString();
        }

        private static string LeadTimes(ReleaseMetrics m)
        {
            var ds = m.Deliveries.Where(d => d.Changes > 0 && d.LeadTimeMax is not null).ToList();
            var sb = new StringBuilder();
            if (ds.Count == 0)
            {
                return Empty("No changes shipped in the range");
            }

            // A log scale of seconds, between the ticks around the shortest and the longest lead time.
            var ticks = new[] { ("1m", 60.0), ("1h", 3600.0), ("1d", 86400.0), ("1w", 604800.0), ("30d", 2592000.0), ("1y", 31536000.0) };
            var shortest = Math.Max(60, ds.Min(d => d.LeadTimeMin!.Value.TotalSeconds));
            var longest = Math.Max(shortest * 2, ds.Max(d => d.LeadTimeMax!.Value.TotalSeconds));
            var bottom = ticks.Select(t => t.Item2).Where(t => t <= shortest).DefaultIfEmpty(60).Max();
            var top = ticks.Select(t => t.Item2).Where(t => t >= longest).DefaultIfEmpty(longest).Min();
            double Y(TimeSpan? t)
            {
                var s = Math.Max(bottom, t!.Value.TotalSeconds);
                return H - Bottom - ((Math.Log10(s) - Math.Log10(bottom)) / (Math.Log10(top) - Math.Log10(bottom)) * (H - Top - Bottom));
            }

            foreach (var (label, s) in ticks)
            {
                if (s >= bottom && s <= top)
                {
                    var y = Y(TimeSpan.FromSeconds(s));
                    sb.Append("<line class=\"grid\" x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(W - Right)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y)).Append("\"/>\n");
                    Text(sb, "tick", Left - 6, y + 4, "end", label);
                }
            }

            var slot = (W - Left - Right) / ds.Count;
            var box = Math.Max(2, Math.Min(18, slot * 0.6));
            var every = Math.Max(1, (int)Math.Ceiling(ds.Count / 8.0));
            for (var i = 0; i < ds.Count; i++)
            {
                var d = ds[i];
                var cx = Left + (i * slot) + (slot / 2);
                var kind = d.Kind == "Hotfix" ? "hotfix" : "release";
                sb.Append("<line class=\"whisker ").Append(kind).Append("\" x1=\"").Append(N(cx)).Append("\" x2=\"").Append(N(cx)).Append("\" y1=\"").Append(N(Y(d.LeadTimeMin)))
                  .Append("\" y2=\"").Append(N(Y(d.LeadTimeMax))).Append("\"/>\n");
                var y90 = Y(d.LeadTimeP90);
                var y50 = Y(d.LeadTimeMedian);
                Rect(sb, kind, cx - (box / 2), y90, box, Math.Max(2, y50 - y90), $"{d.Tag}: {d.Changes} change(s), median {Duration(d.LeadTimeMedian)}, p90 {Duration(d.LeadTimeP90)}, max {Duration(d.LeadTimeMax)}");
                if (i % every == 0)
                {
                    Text(sb, "tick", cx, H - Bottom + 14, "middle", d.Tag);
                }
            }
            return sb.ToString();
        }

        private static string Violations(ReleaseMetrics m)
        {
            if (m.ViolationFindings.Count == 0)
            {
                return Empty("No policy violations in the range", "good");
            }

            var sb = new StringBuilder();
            var lanes = new[] { ("DirectCommitToMaster", "Direct commit"), ("FeatureMergedIntoMaster", "Feature merge") };
            for (var l = 0; l < lanes.Length; l++)
            {
                var y = Top + 40 + (l * 60);
                sb.Append("<line class=\"grid\" x1=\"").Append(N(Left + 60)).Append("\" x2=\"").Append(N(W - Right)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y)).Append("\"/>\n");
                Text(sb, "tick", Left + 54, y + 4, "end", lanes[l].Item2);
                foreach (var v in m.ViolationFindings.Where(f => f.Rule == lanes[l].Item1))
                {
                    var x = TimeX(m, v.Date ?? m.Start, Left + 60);
                    sb.Append("<circle class=\"violation\" cx=\"").Append(N(x)).Append("\" cy=\"").Append(N(y)).Append("\" r=\"7\"><title>")
                      .Append(E($"{v.Date?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {v.Commit.Substring(0, Math.Min(10, v.Commit.Length))} {v.Subject}"))
                      .Append("</title></circle>\n");
                }
            }

            TimeAxis(sb, m, Left + 60);
            return sb.ToString();
        }

        private static string Deploys(ReleaseMetrics m)
        {
            var sb = new StringBuilder();
            var y0 = H - Bottom;
            if (m.DeploymentRecords.Count > 0)
            {
                foreach (var d in m.DeploymentRecords)
                {
                    var x = TimeX(m, d.StartTime, Left);
                    var kind = d.RolledBack || d.Rollback ? "rollback" : d.Status == DeploymentStatus.Failed ? "failed" : "deploy";
                    var h = kind == "deploy" ? 110 : 150;
                    Rect(sb, kind, x - 3, y0 - h, 6, h, $"{d.StartTime.UtcDateTime:yyyy-MM-dd HH:mm} {d.HostName} {d.Ref} {d.Status}");
                }
            }
            else if (m.Deliveries.Count > 0)
            {
                foreach (var d in m.Deliveries)
                {
                    var kind = d.Kind == "Hotfix" ? "hotfix" : "deploy";
                    Rect(sb, kind, TimeX(m, d.Date, Left) - 3, y0 - 110, 6, 110, $"{d.Date.UtcDateTime:yyyy-MM-dd HH:mm} {d.Tag}");
                }
            }
            else
            {
                return Empty("No deploys in the range");
            }

            TimeAxis(sb, m, Left);
            return sb.ToString();
        }

        private static string Migrations(ReleaseMetrics m)
        {
            if (m.MigrationRecords.Count == 0)
            {
                return Empty("No migrations in the range");
            }

            var sb = new StringBuilder();
            var minutes = m.MigrationRecords.Select(x => x.Downtime?.TotalMinutes ?? 0).ToList();
            var max = Math.Max(1, (int)Math.Ceiling(minutes.Max()));
            YAxis(sb, max, v => v.ToString(CultureInfo.InvariantCulture) + "m");
            var slot = (W - Left - Right) / m.MigrationRecords.Count;
            var bar = Math.Max(2, Math.Min(60, slot * 0.6));
            for (var i = 0; i < m.MigrationRecords.Count; i++)
            {
                var mig = m.MigrationRecords[i];
                var x = Left + (i * slot) + ((slot - bar) / 2);
                var h = Math.Max(2, Scale(minutes[i], max));
                Rect(sb, mig.Status == MigrationStatus.RolledBack || mig.Status == MigrationStatus.Failed ? "rollback" : "migration", x, H - Bottom - h, bar, h,
                    $"{mig.Id}: {mig.Source} to {mig.Target}, {mig.Status}, downtime {Duration(mig.Downtime)}");
                Text(sb, "tick", x + (bar / 2), H - Bottom + 14, "middle", (ReleaseMetricsEngine.MigrationTime(mig) ?? m.Start).UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        private static double Scale(double v, double max) => v / max * (H - Top - Bottom);

        private static double TimeX(ReleaseMetrics m, DateTimeOffset t, double left)
        {
            var span = Math.Max(1, (m.End - m.Start).TotalSeconds);
            var f = Math.Max(0, Math.Min(1, (t - m.Start).TotalSeconds / span));
            return left + 6 + (f * (W - Right - left - 12));
        }

        private static void TimeAxis(StringBuilder sb, ReleaseMetrics m, double left)
        {
            sb.Append("<line class=\"axis\" x1=\"").Append(N(left)).Append("\" x2=\"").Append(N(W - Right)).Append("\" y1=\"").Append(N(H - Bottom)).Append("\" y2=\"").Append(N(H - Bottom)).Append("\"/>\n");
            for (var i = 0; i <= 4; i++)
            {
                var t = m.Start + TimeSpan.FromTicks((m.End - m.Start).Ticks / 4 * i);
                Text(sb, "tick", TimeX(m, t, left), H - Bottom + 14, i == 0 ? "start" : i == 4 ? "end" : "middle", t.UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture));
            }
        }

        private static void YAxis(StringBuilder sb, int max, Func<int, string> label)
        {
            var step = Math.Max(1, (int)Math.Ceiling(max / 4.0));
            for (var v = 0; v <= max; v += step)
            {
                var y = H - Bottom - Scale(v, max);
                sb.Append("<line class=\"").Append(v == 0 ? "axis" : "grid").Append("\" x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(W - Right)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y)).Append("\"/>\n");
                Text(sb, "tick", Left - 6, y + 4, "end", label(v));
            }
        }

        private static string Empty(string text, string kind = "none")
        {
            var sb = new StringBuilder();
            sb.Append("<rect class=\"empty-").Append(kind).Append("\" x=\"").Append(N(Left)).Append("\" y=\"").Append(N(Top)).Append("\" width=\"").Append(N(W - Left - Right))
              .Append("\" height=\"").Append(N(H - Top - Bottom)).Append("\" rx=\"8\"/>\n");
            Text(sb, "empty", W / 2, H / 2, "middle", text);
            return sb.ToString();
        }

        private static void Rect(StringBuilder sb, string kind, double x, double y, double w, double h, string? title)
        {
            sb.Append("<rect class=\"").Append(kind).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(w)).Append("\" height=\"").Append(N(h)).Append('"');
            if (title is null)
            {
                sb.Append("/>\n");
                return;
            }

            sb.Append("><title>").Append(E(title)).Append("</title></rect>\n");
        }

        private static void Text(StringBuilder sb, string kind, double x, double y, string anchor, string text) =>
            sb.Append("<text class=\"").Append(kind).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"").Append(anchor).Append("\">").Append(E(text)).Append("</text>\n");

        private static string Label(DateTimeOffset week)
        {
            var (year, w) = ReleaseVersions.IsoWeek(week.UtcDateTime.AddDays(3));
            return string.Format(CultureInfo.InvariantCulture, "{0}-W{1:00}", year, w);
        }

        private static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

        private static string E(string text) => WebUtility.HtmlEncode(text);

        private const string Css = @":root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa;
  --release: #2563eb; --hotfix: #ea580c; --violation: #dc2626; --deploy: #16a34a; --rollback: #dc2626; --migration: #7c3aed; --good: #16a34a;
  --elite: #15803d; --high: #2563eb; --medium: #b45309; --low: #b91c1c;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23;
    --release: #60a5fa; --hotfix: #fb923c; --violation: #f87171; --deploy: #4ade80; --rollback: #f87171; --migration: #a78bfa; --good: #4ade80;
    --elite: #4ade80; --high: #60a5fa; --medium: #fbbf24; --low: #f87171;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 1240px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
.sub, footer { color: var(--muted); }
footer { margin-top: 24px; font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 16px 0 8px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.figure { font-variant-numeric: tabular-nums; }
.band { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 8px; border: 1px solid currentColor; margin-left: 4px; }
.band-elite { color: var(--elite); } .band-high { color: var(--high); } .band-medium { color: var(--medium); } .band-low { color: var(--low); }
section.project { margin-top: 28px; padding: 16px; border: 1px solid var(--line); border-radius: 12px; background: var(--card); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg text { fill: var(--muted); font-size: 11px; }
svg text.empty { font-size: 13px; }
svg .release { fill: var(--release); } svg .hotfix { fill: var(--hotfix); }
svg .whisker { stroke-width: 2; fill: none; } svg .whisker.release { stroke: var(--release); } svg .whisker.hotfix { stroke: var(--hotfix); }
svg .violation { fill: var(--violation); } svg .deploy { fill: var(--deploy); } svg .rollback, svg .failed { fill: var(--rollback); }
svg .migration { fill: var(--migration); }
svg .empty-none, svg .empty-good { fill: none; stroke: var(--line); stroke-dasharray: 4 4; }
.key { margin-left: 10px; white-space: nowrap; } .sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.sw.release { background: var(--release); } .sw.hotfix { background: var(--hotfix); } .sw.violation, .sw.rollback { background: var(--violation); } .sw.deploy { background: var(--deploy); } .sw.migration { background: var(--migration); }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --line: #bbbbbb; --card: #ffffff; }
  body { max-width: none; padding: 0; font-size: 11px; }
  section.project { break-inside: avoid; page-break-inside: avoid; border-color: #bbbbbb; }
  section.project + section.project { break-before: page; }
  .charts { grid-template-columns: 1fr 1fr; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";
    }
}
