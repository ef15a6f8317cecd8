using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>What Get-ReleaseMetrics measures, and over which range.</summary>
    public sealed class ReleaseMetricsOptions
    {
        /// <summary>The start of the range; null for all of the history.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>The end of the range (exclusive).</summary>
        public DateTimeOffset Until { get; set; } = DateTimeOffset.UtcNow;

        /// <summary>Week, Month and/or Overall.</summary>
        public IReadOnlyCollection<string> Periods { get; set; } = new[] { "Overall" };

        /// <summary>Deploy records (Deploy-ProjectStack's output); those whose commit is in the repository count.</summary>
        public IReadOnlyList<DeploymentInfo> Deployments { get; set; } = new DeploymentInfo[0];

        /// <summary>Migrations (Get-Migration's output); those of the project's slug count.</summary>
        public IReadOnlyList<MigrationInfo> Migrations { get; set; } = new MigrationInfo[0];
    }

    /// <summary>
    /// The DORA measures from the git-flow history. Releases and hotfixes are the tagged commits on the release
    /// branch's first-parent line (as Get-Release lists them); each commit's lead time runs from its own commit time to
    /// the tag of the first release that shipped it, so the time a feature branch waited before its merge counts;
    /// policy violations are Test-ReleasePolicy's errors, found the same way in one pass.
    /// </summary>
    /// <remarks>
    /// The bands are the 2023 Accelerate State of DevOps Report's performance levels. Where the report's ranges overlap
    /// or leave gaps at the low end, a value belongs to the best band whose limit it meets:
    /// deployment frequency Elite at least daily (7 a week), High at least weekly, Medium at least monthly (7/31 a
    /// week), else Low; lead time (median) Elite under a day, High up to a week, Medium up to 31 days, else Low; change
    /// failure rate Elite up to 5%, High up to 10%, Medium up to 15%, else Low; time to restore (median) Elite under an
    /// hour, High under a day, Medium up to a week, else Low.
    /// </remarks>
    public static class ReleaseMetricsEngine
    {
        private static readonly DateTimeOffset Epoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>Measures one repository.</summary>
        public static IReadOnlyList<ReleaseMetrics> Measure(string path, ReleaseOpsProject p, ReleaseMetricsOptions o, IOperationReporter reporter, CancellationToken token)
        {
            using var repo = Open(path);
            var master = repo.Branches[$"{p.Remote}/{p.ReleaseBranch}"]?.Tip ?? repo.Branches[p.ReleaseBranch]?.Tip ?? throw ReleaseEngine.Missing(p.ReleaseBranch, p);
            var develop = repo.Branches[$"{p.Remote}/{p.DevelopBranch}"]?.Tip ?? repo.Branches[p.DevelopBranch]?.Tip ?? throw ReleaseEngine.Missing(p.DevelopBranch, p);
            var tags = TagsByCommit(repo);
            var until = o.Until;
            var since = o.Since;

            // One pass down master's first-parent line: deliveries (tagged commits) and violations.
            var deliveries = new List<(Commit Commit, Delivery Delivery)>();
            Commit? boundary = null;
            var violations = new List<ReleasePolicyFinding>();
            var oldest = until;
            HashSet<ObjectId>? developSet = null;
            var settled = false; // once a first-parent commit is an ancestor of develop, so are all older ones
            reporter.Progress(4700, "Get-ReleaseMetrics", $"Reading {p.ReleaseBranch}'s history", -1);
            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = master, FirstParentOnly = true, SortBy = CommitSortStrategies.None }))
            {
                token.ThrowIfCancellationRequested();
                var when = c.Committer.When;
                if (since is DateTimeOffset s && when < s)
                {
                    // Past the range: only the release before the range is still wanted, as the lower bound of the
                    // first release's changes.
                    if (tags.ContainsKey(c.Id))
                    {
                        boundary = c;
                        break;
                    }

                    continue;
                }

                if (when >= until)
                {
                    continue;
                }

                oldest = when < oldest ? when : oldest;
                var subject = c.MessageShort;
                var hotfix = IsHotfix(subject);
                if (tags.TryGetValue(c.Id, out var tag))
                {
                    deliveries.Add((c, new Delivery { Kind = hotfix ? "Hotfix" : "Release", Tag = tag.Name, Commit = c.Sha, Date = tag.When }));
                }

                var parents = c.Parents.ToList();
                if (parents.Count == 0 || hotfix)
                {
                    continue;
                }

                var merged = parents.Count > 1 ? parents[1] : null;
                ReleasePolicyFinding Finding(string rule, string detail) =>
                    new() { Rule = rule, Severity = "Error", Commit = c.Sha, Subject = subject, Date = when, Detail = detail };
                if (merged is not null && (subject.Contains("feature/") || subject.Contains("feature-")))
                {
                    violations.Add(Finding("FeatureMergedIntoMaster", $"A feature branch was merged into {p.ReleaseBranch}; features go to {p.DevelopBranch}."));
                    continue;
                }

                if (settled)
                {
                    continue;
                }

                // Test-ReleasePolicy's rule: the commit (or, for a merge, what it merged) came through develop.
                developSet ??= AncestorsOf(repo, develop, token);
                if (developSet.Contains(c.Id))
                {
                    settled = true;
                }
                else if (merged is null || !developSet.Contains(merged.Id))
                {
                    violations.Add(Finding("DirectCommitToMaster", $"This commit reached {p.ReleaseBranch} without coming through {p.DevelopBranch} or a hotfix branch."));
                }
            }

            deliveries.Reverse();
            violations.Reverse();

            // The changes each delivery shipped: reachable from it, not from the delivery before it.
            reporter.Progress(4700, "Get-ReleaseMetrics", "Measuring lead times", -1);
            for (var i = 0; i < deliveries.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                var (commit, d) = deliveries[i];
                var previous = i > 0 ? deliveries[i - 1].Commit : boundary;
                var tagSeconds = Seconds(d.Date);
                var leads = new List<long>();
                foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = commit, ExcludeReachableFrom = previous, SortBy = CommitSortStrategies.None }))
                {
                    if (c.Parents.Skip(1).Any())
                    {
                        continue;
                    }

                    leads.Add(Math.Max(0, tagSeconds - Seconds(c.Committer.When)));
                }

                leads.Sort();
                d.LeadSeconds = leads;
                if (d.Kind == "Hotfix")
                {
                    // From the hotfix's first commit (on its branch, or the tagged commit itself) to its tag.
                    var parents = commit.Parents.ToList();
                    var first = parents.Count > 1
                        ? repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = parents[1], ExcludeReachableFrom = parents[0], SortBy = CommitSortStrategies.None }).Select(c => Seconds(c.Committer.When)).DefaultIfEmpty(Seconds(commit.Committer.When)).Min()
                        : Seconds(commit.Committer.When);
                    d.RestoreSeconds = Math.Max(0, tagSeconds - first);
                }
            }

            var deploys = o.Deployments.Where(x => x.Status is not "WouldDeploy" and not "Unchanged" && x.Commit is { Length: > 0 } sha && Contains(repo, sha)).OrderBy(x => x.StartTime).ToList();
            var migrations = o.Migrations.Where(m => string.Equals(m.Project, p.Slug, StringComparison.OrdinalIgnoreCase) && MigrationTime(m) is not null).OrderBy(m => MigrationTime(m)).ToList();
            reporter.CompleteProgress(4700, "Get-ReleaseMetrics");

            var start = since ?? (deliveries.Count > 0 && deliveries[0].Delivery.Date < oldest ? deliveries[0].Delivery.Date : oldest);
            var all = deliveries.Select(x => x.Delivery).ToList();
            var result = new List<ReleaseMetrics>();
            var periods = o.Periods;
            if (periods.Contains("Week"))
            {
                foreach (var (from, to) in Weeks(start, until))
                {
                    var (year, week) = ReleaseVersions.IsoWeek(from.UtcDateTime.AddDays(3));
                    result.Add(Period(p, path, "Week", string.Format(CultureInfo.InvariantCulture, "{0}-W{1:00}", year, week), from, to, to - from, all, violations, deploys, migrations));
                }
            }

            if (periods.Contains("Month"))
            {
                for (var m = new DateTimeOffset(start.UtcDateTime.Year, start.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero); m < until; m = m.AddMonths(1))
                {
                    result.Add(Period(p, path, "Month", m.ToString("yyyy-MM", CultureInfo.InvariantCulture), m, m.AddMonths(1), m.AddMonths(1) - m, all, violations, deploys, migrations));
                }
            }

            if (periods.Contains("Overall"))
            {
                result.Add(Period(p, path, "Overall", "Overall", start, until, until - start, all, violations, deploys, migrations));
            }

            return result;
        }

        /// <summary>The DORA band of a deployment frequency, in deploys per week.</summary>
        public static string DeploymentFrequencyBand(double perWeek) =>
            perWeek >= 7 ? "Elite" : perWeek >= 1 ? "High" : perWeek >= 7.0 / 31 ? "Medium" : "Low";

        /// <summary>The DORA band of a lead time for changes (its median).</summary>
        public static string LeadTimeBand(TimeSpan? median) => median switch
        {
            null => string.Empty,
            { } t when t < TimeSpan.FromDays(1) => "Elite",
            { } t when t <= TimeSpan.FromDays(7) => "High",
            { } t when t <= TimeSpan.FromDays(31) => "Medium",
            _ => "Low",
        };

        /// <summary>The DORA band of a change failure rate (0.1 is 10%).</summary>
        public static string ChangeFailureRateBand(double? rate) => rate switch
        {
            null => string.Empty,
            <= 0.05 => "Elite",
            <= 0.10 => "High",
            <= 0.15 => "Medium",
            _ => "Low",
        };

        /// <summary>The DORA band of a time to restore (its median).</summary>
        public static string TimeToRestoreBand(TimeSpan? median) => median switch
        {
            null => string.Empty,
            { } t when t < TimeSpan.FromHours(1) => "Elite",
            { } t when t < TimeSpan.FromDays(1) => "High",
            { } t when t <= TimeSpan.FromDays(7) => "Medium",
            _ => "Low",
        };

        /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least p of them at or below it.</summary>
        public static long Percentile(IReadOnlyList<long> sorted, double p) =>
            sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

        /// <summary>ISO weeks (Monday 00:00 UTC) that overlap the range.</summary>
        public static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Weeks(DateTimeOffset start, DateTimeOffset end)
        {
            var d = start.UtcDateTime.Date;
            var monday = new DateTimeOffset(d.AddDays(-(((int)d.DayOfWeek + 6) % 7)), TimeSpan.Zero);
            for (var w = monday; w < end; w = w.AddDays(7))
            {
                yield return (w, w.AddDays(7));
            }
        }

        /// <summary>When a migration counts: when the new node served, else when the freeze started, else its first step.</summary>
        public static DateTimeOffset? MigrationTime(MigrationInfo m) =>
            m.ServingAt ?? m.FreezeStarted ?? m.Steps.Select(s => s.Started).FirstOrDefault(s => s is not null);

        private static ReleaseMetrics Period(ReleaseOpsProject p, string path, string period, string label, DateTimeOffset from, DateTimeOffset to, TimeSpan length,
            List<Delivery> all, List<ReleasePolicyFinding> violations, List<DeploymentInfo> deploys, List<MigrationInfo> migrations)
        {
            bool In(DateTimeOffset t) => t >= from && t < to;
            var ds = all.Where(d => In(d.Date)).ToList();
            var vs = violations.Where(v => v.Date is { } t && In(t)).ToList();
            var dep = deploys.Where(x => In(x.StartTime)).ToList();
            var mig = migrations.Where(m => MigrationTime(m) is { } t && In(t)).ToList();
            var releases = ds.Count(d => d.Kind == "Release");
            var hotfixes = ds.Count(d => d.Kind == "Hotfix");
            var rollbacks = dep.Count(x => x.RolledBack || x.Rollback);
            var deployments = deploys.Count > 0 ? dep.Count(x => !x.Rollback) : ds.Count;
            var weeks = Math.Max(length.TotalDays / 7, 1.0 / 7);
            var leads = ds.SelectMany(d => d.LeadSeconds).ToList();
            leads.Sort();
            var restores = ds.Where(d => d.RestoreSeconds is not null).Select(d => d.RestoreSeconds!.Value).OrderBy(x => x).ToList();
            TimeSpan? median = leads.Count > 0 ? TimeSpan.FromSeconds(Percentile(leads, 0.5)) : null;
            TimeSpan? restore = restores.Count > 0 ? TimeSpan.FromSeconds(Percentile(restores, 0.5)) : null;
            double? cfr = releases > 0 ? (double)(hotfixes + rollbacks) / releases : null;
            var perWeek = deployments / weeks;
            var downtime = mig.Where(m => m.Downtime is not null).Select(m => m.Downtime!.Value).ToList();
            return new ReleaseMetrics
            {
                Project = p.Slug,
                RepositoryPath = path,
                Period = period,
                Label = label,
                Start = from,
                End = to,
                Releases = releases,
                Hotfixes = hotfixes,
                Rollbacks = rollbacks,
                Deployments = deployments,
                DeploymentsPerWeek = Math.Round(perWeek, 3),
                DeploymentFrequencyBand = DeploymentFrequencyBand(perWeek),
                ChangeFailureRate = cfr is null ? null : Math.Round(cfr.Value, 4),
                ChangeFailureRateBand = ChangeFailureRateBand(cfr),
                Changes = leads.Count,
                LeadTimeMedian = median,
                LeadTimeP90 = leads.Count > 0 ? TimeSpan.FromSeconds(Percentile(leads, 0.9)) : null,
                LeadTimeBand = LeadTimeBand(median),
                TimeToRestore = restore,
                TimeToRestoreBand = TimeToRestoreBand(restore),
                Violations = vs.Count,
                Migrations = mig.Count,
                MigrationDowntime = downtime.Count > 0 ? TimeSpan.FromTicks(downtime.Sum(t => t.Ticks)) : null,
                Deliveries = ds.Select(d => d.ToModel()).ToList(),
                ViolationFindings = vs,
                DeploymentRecords = dep,
                MigrationRecords = mig,
            };
        }

        private static bool IsHotfix(string subject) => subject.StartsWith("Hotfix ", StringComparison.Ordinal) || subject.Contains("hotfix/");

        private static long Seconds(DateTimeOffset t) => (long)Math.Floor((t - Epoch).TotalSeconds);

        private static bool Contains(Repository repo, string sha)
        {
            try
            {
                return repo.Lookup<Commit>(sha) is not null;
            }
            catch (LibGit2SharpException)
            {
                return false;
            }
        }

        private static HashSet<ObjectId> AncestorsOf(Repository repo, Commit tip, CancellationToken token)
        {
            var set = new HashSet<ObjectId>();
            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tip, SortBy = CommitSortStrategies.None }))
            {
                token.ThrowIfCancellationRequested();
                set.Add(c.Id);
            }

            return set;
        }

        /// <summary>The tag of each tagged commit (the ordinal-last name, as Get-Release), with its time.</summary>
        private static Dictionary<ObjectId, (string Name, DateTimeOffset When)> TagsByCommit(Repository repo)
        {
            var result = new Dictionary<ObjectId, (string Name, DateTimeOffset When)>();
            foreach (var t in repo.Tags)
            {
                if (t.PeeledTarget is not Commit commit)
                {
                    continue;
                }

                var when = t.Annotation?.Tagger?.When ?? commit.Committer.When;
                if (!result.TryGetValue(commit.Id, out var existing) || string.CompareOrdinal(t.FriendlyName, existing.Name) > 0)
                {
                    result[commit.Id] = (t.FriendlyName, when);
                }
            }

            return result;
        }

        private static Repository Open(string path)
        {
            var root = Repository.Discover(path) ?? throw new ReleaseOpsException("NotAGitRepository", FailureCategory.ObjectNotFound,
                $"'{path}' is not in a git repository.", "Run from the project's repository, or pass -Path.", path);
            return new Repository(root);
        }

        private sealed class Delivery
        {
            public string Kind { get; set; } = string.Empty;

            public string Tag { get; set; } = string.Empty;

            public string Commit { get; set; } = string.Empty;

            public DateTimeOffset Date { get; set; }

            public IReadOnlyList<long> LeadSeconds { get; set; } = new long[0];

            public long? RestoreSeconds { get; set; }

            public ReleaseDelivery ToModel() => new()
            {
                Kind = Kind,
                Tag = Tag,
                Commit = Commit,
                Date = Date,
                Changes = LeadSeconds.Count,
                LeadTimeMin = LeadSeconds.Count > 0 ? TimeSpan.FromSeconds(LeadSeconds[0]) : null,
                LeadTimeMedian = LeadSeconds.Count > 0 ? TimeSpan.FromSeconds(Percentile(LeadSeconds, 0.5)) : null,
                LeadTimeP90 = LeadSeconds.Count > 0 ? TimeSpan.FromSeconds(Percentile(LeadSeconds, 0.9)) : null,
                LeadTimeMax = LeadSeconds.Count > 0 ? TimeSpan.FromSeconds(LeadSeconds[LeadSeconds.Count - 1]) : null,
                TimeToRestore = RestoreSeconds is null ? null : TimeSpan.FromSeconds(RestoreSeconds.Value),
            };
        }
    }
}
