using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
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
        /// <summary>Get-ReleaseMetrics' progress activity.</summary>
        public const int ProgressId = ProgressIds.ReleaseMetrics;

        private static readonly DateTimeOffset Epoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>Measures one repository.</summary>
        public static async Task<IReadOnlyList<ReleaseMetrics>> MeasureAsync(string path, ReleaseOpsProject p, ReleaseMetricsOptions o, IOperationReporter reporter, CancellationToken token)
        {
            using var repo = Open(path);
            var master = repo.Branches[$"{p.Remote}/{p.ReleaseBranch}"]?.Tip ?? repo.Branches[p.ReleaseBranch]?.Tip ?? throw ReleaseEngine.Missing(p.ReleaseBranch, p);
            var develop = repo.Branches[$"{p.Remote}/{p.DevelopBranch}"]?.Tip ?? repo.Branches[p.DevelopBranch]?.Tip ?? throw ReleaseEngine.Missing(p.DevelopBranch, p);
            var tags = TagsByCommit(repo);
            var until = o.Until;
            var since = o.Since;
            var watch = System.Diagnostics.Stopwatch.StartNew();

            // The commit graph comes from git rev-list (ids, parents and committer times, which git reads from its
            // commit-graph file), not from a LibGit2Sharp walk: LibGit2Sharp marshals each commit's signatures and message
            // to read its time, which took 2 s on the release benchmark's 50,000 commits, against the 1 s the measures
            // are allowed. A read-only plumbing command, so the house rule (git for transport only) bends here, and only
            // here; subjects, tags and everything else still come through LibGit2Sharp, for the few commits that need them.
            reporter.Progress(ProgressId, "Get-ReleaseMetrics", $"Reading the history of {p.ReleaseBranch} and {p.DevelopBranch}", -1);
            var dir = repo.Info.WorkingDirectory ?? repo.Info.Path;
            var revList = await GitCli.RunAsync(dir, new[] { "rev-list", "--parents", "--timestamp", master.Sha, develop.Sha }, token).ConfigureAwait(false);
            if (revList.ExitCode != 0)
            {
                throw new ReleaseOpsException(ErrorIds.GitHistoryUnreadable, FailureCategory.InvalidData, $"git rev-list could not read the history of '{dir}': {revList.Error.Trim()}",
                    "Check the repository with git fsck; a shallow clone needs git fetch --unshallow.", path);
            }

            var graph = new Dictionary<string, Node>(StringComparer.Ordinal);
            foreach (var line in revList.Output.Split('\n'))
            {
                var f = line.Split(' ');
                if (f.Length >= 2 && long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time))
                {
                    var parents = new string[f.Length - 2];
                    Array.Copy(f, 2, parents, 0, parents.Length);
                    graph[f[1]] = new Node(f[1], parents, time);
                }
            }

            reporter.Verbose($"Read {graph.Count} commits in {watch.ElapsedMilliseconds} ms.");
            // What came through develop: reachable from develop's tip, but never into master's first-parent line
            // through a merge's second parent. Complete-Hotfix merges master back into develop; without that stop,
            // every direct commit on master before a hotfix would look as if it had come through develop.
            // (Test-ReleasePolicy asks only whether develop contains the commit, so it misses those.)
            var masterLine = new HashSet<string>(StringComparer.Ordinal);
            for (var id = master.Sha; id is not null && masterLine.Add(id);)
            {
                id = graph.TryGetValue(id, out var n) && n.Parents.Length > 0 ? n.Parents[0] : null;
            }

            var inDevelop = CameThrough(graph, develop.Sha, masterLine);
            string SubjectOf(Node n) => n.Subject ??= repo.Lookup<Commit>(n.Id)?.MessageShort ?? string.Empty;

            // Down master's first-parent line: deliveries (tagged commits) and violations.
            var deliveries = new List<(Node Node, Delivery Delivery)>();
            Node? boundary = null;
            var violations = new List<ReleasePolicyFinding>();
            var oldest = until;
            for (var n = graph.TryGetValue(master.Sha, out var tip) ? tip : null; n is not null; n = n.Parents.Length > 0 && graph.TryGetValue(n.Parents[0], out var next) ? next : null)
            {
                token.ThrowIfCancellationRequested();
                var when = Epoch.AddSeconds(n.Time);
                if (since is DateTimeOffset s && when < s)
                {
                    // Past the range: only the release before it is still wanted, as the lower bound of the first
                    // release's changes.
                    if (tags.ContainsKey(n.Id))
                    {
                        boundary = n;
                        break;
                    }

                    continue;
                }

                if (when >= until)
                {
                    continue;
                }

                oldest = when < oldest ? when : oldest;
                if (tags.TryGetValue(n.Id, out var tag))
                {
                    deliveries.Add((n, new Delivery { Kind = IsHotfix(SubjectOf(n)) ? "Hotfix" : "Release", Tag = tag.Name, Commit = n.Id, Date = tag.When }));
                }

                // Test-ReleasePolicy's rules, in its order: hotfixes pass, feature merges fail, and the rest must have
                // come through develop (the commit, or for a merge what it merged). The subject is read only when the
                // answer depends on it.
                if (n.Parents.Length == 0)
                {
                    continue;
                }

                var merged = n.Parents.Length > 1 ? n.Parents[1] : null;
                ReleasePolicyFinding Finding(string rule, string detail) =>
                    new() { Rule = rule, Severity = "Error", Commit = n.Id, Subject = SubjectOf(n), Date = when, Detail = detail };
                if (merged is null && inDevelop.Contains(n.Id))
                {
                    continue;
                }

                var subject = SubjectOf(n);
                if (IsHotfix(subject))
                {
                    continue;
                }

                if (merged is not null && (subject.Contains("feature/") || subject.Contains("feature-")))
                {
                    violations.Add(Finding("FeatureMergedIntoMaster", $"A feature branch was merged into {p.ReleaseBranch}; features go to {p.DevelopBranch}."));
                }
                else if (!inDevelop.Contains(merged ?? n.Id))
                {
                    violations.Add(Finding("DirectCommitToMaster", $"This commit reached {p.ReleaseBranch} without coming through {p.DevelopBranch} or a hotfix branch."));
                }
            }

            deliveries.Reverse();
            violations.Reverse();

            // The changes each delivery shipped: reachable from it, and not from the delivery before it (nor from the
            // release before the range). Deliveries are on one first-parent line, so marking each one's ancestry in
            // turn, stopping at what is marked, visits every commit once.
            reporter.Progress(ProgressId, "Get-ReleaseMetrics", "Measuring lead times", -1);
            if (boundary is not null)
            {
                Mark(graph, boundary, 0, _ => { });
            }

            for (var i = 0; i < deliveries.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                var (node, d) = deliveries[i];
                var tagSeconds = Seconds(d.Date);
                var leads = new List<long>();
                var mark = i + 1;
                Mark(graph, node, mark, c =>
                {
                    if (c.Parents.Length < 2)
                    {
                        leads.Add(Math.Max(0, tagSeconds - c.Time));
                    }
                });
                leads.Sort();
                d.LeadSeconds = leads;
                if (d.Kind == "Hotfix")
                {
                    // From the hotfix's first commit (on its branch: what the merge brought that master lacked; or the
                    // tagged commit itself) to its tag.
                    var first = node.Time;
                    if (node.Parents.Length > 1)
                    {
                        var onMaster = Reachable(graph, node.Parents[0], c => c.Mark == mark);
                        foreach (var id in Reachable(graph, node.Parents[1], c => c.Mark == mark))
                        {
                            if (!onMaster.Contains(id))
                            {
                                first = Math.Min(first, graph[id].Time);
                            }
                        }
                    }

                    d.RestoreSeconds = Math.Max(0, tagSeconds - first);
                }
            }

            reporter.Verbose($"Measured {deliveries.Count} deliveries and {violations.Count} violations in {watch.ElapsedMilliseconds} ms.");
            var deploys = o.Deployments.Where(x => x.Status is not DeploymentStatus.WouldDeploy and not DeploymentStatus.Unchanged && x.Commit is { Length: > 0 } sha && Contains(repo, sha)).OrderBy(x => x.StartTime).ToList();
            var migrations = o.Migrations.Where(m => string.Equals(m.Project, p.Slug, StringComparison.OrdinalIgnoreCase) && MigrationTime(m) is not null).OrderBy(m => MigrationTime(m)).ToList();
            reporter.CompleteProgress(ProgressId, "Get-ReleaseMetrics");

            var start = since ?? (deliveries.Count > 0 && deliveries[0].Delivery.Date < oldest ? deliveries[0].Delivery.Date : oldest);
            var all = deliveries.Select(x => x.Delivery).ToList();
            var result = new List<ReleaseMetrics>();
            var periods = o.Periods;
            if (periods.Contains("Week"))
            {
                foreach (var (from, to) in Weeks(start, until))
                {
                    var (year, week) = ReleaseVersions.IsoWeek(from.UtcDateTime.AddDays(3));
                    result.Add(Period(p, path, "Week", string.Format(CultureInfo.InvariantCulture, "{0}-W{1:00}", year, week), from, to, Within(from, to, start, until), all, violations, deploys, migrations));
                }
            }

            if (periods.Contains("Month"))
            {
                for (var m = new DateTimeOffset(start.UtcDateTime.Year, start.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero); m < until; m = m.AddMonths(1))
                {
                    result.Add(Period(p, path, "Month", m.ToString("yyyy-MM", CultureInfo.InvariantCulture), m, m.AddMonths(1), Within(m, m.AddMonths(1), start, until), all, violations, deploys, migrations));
                }
            }

            if (periods.Contains("Overall"))
            {
                result.Add(Period(p, path, "Overall", "Overall", start, until, until - start, all, violations, deploys, migrations));
            }

            return result;
        }

        /// <summary>How much of a period lies in the range: the time over which its deploys per week are counted.</summary>
        private static TimeSpan Within(DateTimeOffset from, DateTimeOffset to, DateTimeOffset start, DateTimeOffset until) =>
            (to < until ? to : until) - (from > start ? from : start);

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

        /// <summary>The commits reachable from a commit (itself included) through commits that pass the filter.</summary>
        private static HashSet<string> Reachable(Dictionary<string, Node> graph, string from, Func<Node, bool> through)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            stack.Push(from);
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                if (!graph.TryGetValue(id, out var n) || !through(n) || !seen.Add(id))
                {
                    continue;
                }

                foreach (var parent in n.Parents)
                {
                    stack.Push(parent);
                }
            }

            return seen;
        }

        /// <summary>The commits reachable from a tip, entering the release branch's first-parent line only through first parents.</summary>
        private static HashSet<string> CameThrough(Dictionary<string, Node> graph, string tip, HashSet<string> masterLine)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<(string Id, bool SecondParent)>();
            stack.Push((tip, false));
            while (stack.Count > 0)
            {
                var (id, second) = stack.Pop();
                if ((second && masterLine.Contains(id)) || !graph.TryGetValue(id, out var n) || !seen.Add(id))
                {
                    continue;
                }

                for (var i = 0; i < n.Parents.Length; i++)
                {
                    stack.Push((n.Parents[i], i > 0));
                }
            }

            return seen;
        }

        /// <summary>Marks the commits reachable from a commit that no earlier delivery marked, and visits each.</summary>
        private static void Mark(Dictionary<string, Node> graph, Node from, int mark, Action<Node> visit)
        {
            var stack = new Stack<Node>();
            stack.Push(from);
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (n.Mark >= 0)
                {
                    continue;
                }

                n.Mark = mark;
                visit(n);
                foreach (var parent in n.Parents)
                {
                    if (graph.TryGetValue(parent, out var p) && p.Mark < 0)
                    {
                        stack.Push(p);
                    }
                }
            }
        }

        /// <summary>The tag of each tagged commit (the ordinal-last name, as Get-Release), with its time.</summary>
        private static Dictionary<string, (string Name, DateTimeOffset When)> TagsByCommit(Repository repo)
        {
            var result = new Dictionary<string, (string Name, DateTimeOffset When)>(StringComparer.Ordinal);
            foreach (var t in repo.Tags)
            {
                if (t.PeeledTarget is not Commit commit)
                {
                    continue;
                }

                var when = t.Annotation?.Tagger?.When ?? commit.Committer.When;
                if (!result.TryGetValue(commit.Sha, out var existing) || string.CompareOrdinal(t.FriendlyName, existing.Name) > 0)
                {
                    result[commit.Sha] = (t.FriendlyName, when);
                }
            }

            return result;
        }

        private static Repository Open(string path)
        {
            var root = Repository.Discover(path) ?? throw new ReleaseOpsException(ErrorIds.NotAGitRepository, FailureCategory.ObjectNotFound,
                $"'{path}' is not in a git repository.", "Run from the project's repository, or pass -Path.", path);
            return new Repository(root);
        }

        private sealed class Node
        {
            public Node(string id, string[] parents, long time)
            {
                Id = id;
                Parents = parents;
                Time = time;
            }

            public string Id { get; }

            public string[] Parents { get; }

            public long Time { get; }

            /// <summary>Read from the repository when first needed.</summary>
            public string? Subject { get; set; }

            /// <summary>-1 until a delivery ships it; then 1 + that delivery's index (0 for the release before the range).</summary>
            public int Mark { get; set; } = -1;
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
