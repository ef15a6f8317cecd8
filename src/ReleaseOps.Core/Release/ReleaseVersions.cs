using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ReleaseOps.Core.Release
{
    /// <summary>Release tags (CalVer or SemVer) and release notes.</summary>
    public static class ReleaseVersions
    {
        private static readonly Regex SemVerTag = new(@"^v(\d+)\.(\d+)\.(\d+)$", RegexOptions.CultureInvariant);
        private static readonly Regex Conventional = new(@"^(?<type>[a-zA-Z]+)(\([^)]*\))?(?<bang>!)?:\s*(?<text>.+)$", RegexOptions.CultureInvariant);
        private static readonly Regex PullRequestMerge = new(@"^Merge pull request #(?<n>\d+) from (?<branch>\S+)", RegexOptions.CultureInvariant);
        private static readonly Regex SquashedPullRequest = new(@"\(#(?<n>\d+)\)\s*$", RegexOptions.CultureInvariant);

        /// <summary>ISO 8601 week-numbering year and week.</summary>
        public static (int Year, int Week) IsoWeek(DateTime date)
        {
            var day = ((int)date.DayOfWeek + 6) % 7; // Monday is 0
            var thursday = date.Date.AddDays(3 - day);
            return (thursday.Year, ((thursday.DayOfYear - 1) / 7) + 1);
        }

        /// <summary>The next tag: CalVer vYYYY.WW.N (N counts the releases of that ISO week), or SemVer bumped from conventional commits.</summary>
        public static string NextTag(string scheme, DateTime now, IEnumerable<string> existingTags, IEnumerable<ReleaseCommit> commits, IEnumerable<string> bodies, bool patch = false) =>
            NextTag(ParseScheme(scheme), now, existingTags, commits, bodies, patch);

        /// <summary>CalVer or SemVer, in any case; anything else is InvalidTagScheme.</summary>
        public static TagScheme ParseScheme(string scheme) =>
            Enum.TryParse<TagScheme>(scheme, ignoreCase: true, out var parsed) && Enum.IsDefined(typeof(TagScheme), parsed) && !int.TryParse(scheme, out _)
                ? parsed
                : throw UnknownScheme(scheme);

        /// <summary>The next tag: CalVer vYYYY.WW.N (N counts the releases of that ISO week), or SemVer bumped from conventional commits.</summary>
        public static string NextTag(TagScheme scheme, DateTime now, IEnumerable<string> existingTags, IEnumerable<ReleaseCommit> commits, IEnumerable<string> bodies, bool patch = false)
        {
            var tags = existingTags.ToList();
            if (scheme == TagScheme.CalVer)
            {
                var (year, week) = IsoWeek(now);
                var prefix = string.Format(CultureInfo.InvariantCulture, "v{0}.{1}.", year, week);
                var used = tags.Where(t => t.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(t => int.TryParse(t.Substring(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).DefaultIfEmpty(-1).Max();
                return prefix + (used + 1).ToString(CultureInfo.InvariantCulture);
            }

            if (scheme == TagScheme.SemVer)
            {
                var last = tags.Select(t => SemVerTag.Match(t)).Where(m => m.Success)
                    .Select(m => (Major: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Minor: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Patch: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
                    .OrderBy(v => v.Major).ThenBy(v => v.Minor).ThenBy(v => v.Patch).Select(v => ((int, int, int)?)v).LastOrDefault();
                if (last is null)
                {
                    return "v0.1.0";
                }

                var (major, minor, patchLevel) = last.Value;
                if (patch)
                {
                    return $"v{major}.{minor}.{patchLevel + 1}";
                }

                var subjects = commits.Select(c => c.Subject).ToList();
                var breaking = subjects.Any(s => Conventional.Match(s) is { Success: true } m && m.Groups["bang"].Success)
                    || bodies.Any(b => b.Contains("BREAKING CHANGE"));
                var feature = subjects.Any(s => Conventional.Match(s) is { Success: true } m && m.Groups["type"].Value.Equals("feat", StringComparison.OrdinalIgnoreCase));
                return breaking ? $"v{major + 1}.0.0" : feature ? $"v{major}.{minor + 1}.0" : $"v{major}.{minor}.{patchLevel + 1}";
            }

            throw UnknownScheme(scheme.ToString());
        }

        private static ReleaseOpsException UnknownScheme(string scheme) =>
            new(ErrorIds.InvalidTagScheme, FailureCategory.InvalidArgument, $"Tag scheme '{scheme}' is not known.",
                "Use CalVer (v2026.48.0) or SemVer (v1.4.2), in releaseops.psd1 (TagScheme) or with -TagScheme.", scheme);

        /// <summary>The pull request a commit merged: "Merge pull request #12 from ..." or a squash merge ending in "(#12)".</summary>
        public static int? PullRequestOf(string subject)
        {
            var m = PullRequestMerge.Match(subject);
            if (!m.Success)
            {
                m = SquashedPullRequest.Match(subject);
            }

            return m.Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : null;
        }

        /// <summary>Markdown notes: the pull requests, then the other commits grouped by conventional type.</summary>
        public static string Notes(string tag, DateTime date, string? previous, IReadOnlyList<ReleaseCommit> commits, IReadOnlyDictionary<string, string> pullRequestTitles)
        {
            var sb = new StringBuilder();
            sb.Append("## ").Append(tag).Append(" (").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(")\n\n");
            sb.Append(previous is null ? "First release.\n" : $"Changes since {previous}.\n");
            var prs = commits.Where(c => c.PullRequest is not null).ToList();
            if (prs.Count > 0)
            {
                sb.Append("\n### Pull requests\n");
                foreach (var c in prs.OrderBy(c => c.PullRequest))
                {
                    var title = pullRequestTitles.TryGetValue(c.Sha, out var t) && t.Length > 0 ? t : c.Subject;
                    sb.Append("- #").Append(c.PullRequest!.Value.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(title).Append('\n');
                }
            }

            var groups = commits.Where(c => c.PullRequest is null && !c.Subject.StartsWith("Merge ", StringComparison.Ordinal))
                .GroupBy(c => Conventional.Match(c.Subject) is { Success: true } m ? m.Groups["type"].Value.ToLowerInvariant() switch
                {
                    "feat" => "Features",
                    "fix" => "Fixes",
                    _ => "Other changes",
                } : "Other changes");
            foreach (var g in groups.OrderBy(g => g.Key == "Features" ? 0 : g.Key == "Fixes" ? 1 : 2))
            {
                sb.Append("\n### ").Append(g.Key).Append('\n');
                foreach (var c in g)
                {
                    sb.Append("- ").Append(c.Subject).Append(" (").Append(c.Sha.Substring(0, 7)).Append(")\n");
                }
            }

            return sb.ToString();
        }
    }
}
