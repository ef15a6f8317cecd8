using System;
using System.Collections.Generic;
using System.Linq;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>Past releases and hotfixes, and the audit of master's history against the process.</summary>
    public static class ReleaseHistory
    {
        /// <summary>The tagged commits on master's first-parent line, newest first.</summary>
        public static IReadOnlyList<ReleaseInfo> List(string path, ReleaseOpsProject p, int last)
        {
            using var repo = Open(path);
            var master = Master(repo, p);
            var tags = repo.Tags.GroupBy(t => t.PeeledTarget.Sha).ToDictionary(g => g.Key, g => g.Select(t => t.FriendlyName).OrderBy(n => n, StringComparer.Ordinal).Last());
            var found = new List<(Commit Commit, string Tag)>();
            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = master, FirstParentOnly = true, SortBy = CommitSortStrategies.None }))
            {
                if (tags.TryGetValue(c.Id.Sha, out var tag))
                {
                    found.Add((c, tag));
                    if (last > 0 && found.Count > last)
                    {
                        break;
                    }
                }
            }

            var result = new List<ReleaseInfo>();
            for (var i = 0; i < found.Count && (last <= 0 || i < last); i++)
            {
                var (commit, tag) = found[i];
                var previous = i + 1 < found.Count ? found[i + 1] : default;
                var commits = previous.Commit is null
                    ? new List<Commit>()
                    : repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = commit, ExcludeReachableFrom = previous.Commit }).ToList();
                result.Add(new ReleaseInfo
                {
                    Status = ReleaseStatus.Released,
                    Kind = commit.MessageShort.StartsWith("Hotfix ", StringComparison.Ordinal) ? "Hotfix" : "Release",
                    Project = p.Slug,
                    Tag = tag,
                    Version = tag.TrimStart('v'),
                    Commit = commit.Sha,
                    PreviousRelease = previous.Tag,
                    Date = commit.Committer.When,
                    Commits = commits.Select(c => new ReleaseCommit { Sha = c.Sha, Subject = c.MessageShort, Author = c.Author.Name, PullRequest = ReleaseVersions.PullRequestOf(c.MessageShort) }).ToList(),
                    PullRequests = commits.Select(c => ReleaseVersions.PullRequestOf(c.MessageShort)).Where(n => n is not null).Select(n => n!.Value).Distinct().OrderBy(n => n).ToList(),
                    Notes = (repo.Tags[tag].Annotation?.Message ?? string.Empty).Trim(),
                    Branches = p.ReleaseBranch,
                });
            }

            return result;
        }

        /// <summary>
        /// Audits master's first-parent history since a date: commits that reached master without coming through
        /// develop or a hotfix (Error), feature branches merged into master (Error), hotfixes (Information), and how
        /// often hotfixes happened.
        /// </summary>
        public static IReadOnlyList<ReleasePolicyFinding> Audit(string path, ReleaseOpsProject p, DateTimeOffset since, string? stopAtCommit = null)
        {
            using var repo = Open(path);
            var master = Master(repo, p);
            var develop = repo.Branches[$"{p.Remote}/{p.DevelopBranch}"]?.Tip ?? repo.Branches[p.DevelopBranch]?.Tip ?? throw ReleaseEngine.Missing(p.DevelopBranch, p);
            var findings = new List<ReleasePolicyFinding>();
            var hotfixes = 0;
            var releases = 0;
            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = master, FirstParentOnly = true, SortBy = CommitSortStrategies.None }))
            {
                if (c.Committer.When < since || c.Sha == stopAtCommit)
                {
                    break;
                }

                var parents = c.Parents.ToList();
                var subject = c.MessageShort;
                ReleasePolicyFinding Finding(string rule, string severity, string detail) =>
                    new() { Rule = rule, Severity = severity, Commit = c.Sha, Subject = subject, Date = c.Committer.When, Detail = detail };

                if (parents.Count == 0)
                {
                    continue;
                }

                var merged = parents.Count > 1 ? parents[1] : null;
                var fromDevelop = IsAncestor(repo, merged ?? c, develop);
                if (subject.StartsWith("Hotfix ", StringComparison.Ordinal) || subject.Contains("hotfix/"))
                {
                    hotfixes++;
                    findings.Add(Finding("Hotfix", "Information", "A hotfix reached master directly; the process allows it, sparingly."));
                }
                else if (merged is not null && (subject.Contains("feature/") || subject.Contains("feature-")))
                {
                    findings.Add(Finding("FeatureMergedIntoMaster", "Error", $"A feature branch was merged into {p.ReleaseBranch}; features go to {p.DevelopBranch}."));
                }
                else if (fromDevelop)
                {
                    releases++;
                }
                else
                {
                    findings.Add(Finding("DirectCommitToMaster", "Error", $"This commit reached {p.ReleaseBranch} without coming through {p.DevelopBranch} or a hotfix branch."));
                }
            }

            findings.Add(new ReleasePolicyFinding
            {
                Rule = "HotfixFrequency",
                Severity = "Information",
                Subject = $"{hotfixes} hotfix(es) and {releases} release(s) since {(stopAtCommit is null ? since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : stopAtCommit.Substring(0, 10))}",
                Detail = releases + hotfixes == 0 ? "No releases in the period." : $"{hotfixes * 100 / (releases + hotfixes)}% of the changes to {p.ReleaseBranch} were hotfixes.",
            });
            return findings;
        }

        private static bool IsAncestor(Repository repo, Commit commit, Commit of) =>
            commit.Sha == of.Sha || repo.ObjectDatabase.FindMergeBase(commit, of)?.Sha == commit.Sha;

        private static Repository Open(string path)
        {
            var root = Repository.Discover(path) ?? throw new ReleaseOpsException(ErrorIds.NotAGitRepository, FailureCategory.ObjectNotFound,
                $"'{path}' is not in a git repository.", "Run from the project's repository, or pass -Path.", path);
            return new Repository(root);
        }

        private static Commit Master(Repository repo, ReleaseOpsProject p) =>
            repo.Branches[$"{p.Remote}/{p.ReleaseBranch}"]?.Tip ?? repo.Branches[p.ReleaseBranch]?.Tip ?? throw ReleaseEngine.Missing(p.ReleaseBranch, p);
    }
}
