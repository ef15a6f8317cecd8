using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// Hotfixes (the process (about_ReleaseOps): "Critical bugfixes may bypass the above process by pushing hotfixes to master. Do this
    /// sparingly."): hotfix/&lt;name&gt; from master, merged into master with a patch release, and brought back into
    /// develop. When the back-merge conflicts, or develop refuses the push (a protected branch), a backmerge/&lt;name&gt;
    /// branch is pushed for a pull request instead; the hotfix itself is never left half-done.
    /// </summary>
    public static class HotfixEngine
    {
        public static async Task<ReleaseInfo> CompleteAsync(string path, ReleaseOpsProject p, string name, bool breakLock, bool check,
            IOperationReporter reporter, CancellationToken token)
        {
            var (root, workdir, gitDir) = await ReleaseEngine.CheckRepositoryAsync(path, p, token).ConfigureAwait(false);
            var branch = "hotfix/" + name;
            using var releaseLock = check ? null : ReleaseLock.Acquire(gitDir, breakLock, reporter);
            var fetch = await GitCli.RunAsync(workdir, new[] { "fetch", "--prune", "--tags", p.Remote,
                $"+refs/heads/{p.DevelopBranch}:refs/remotes/{p.Remote}/{p.DevelopBranch}",
                $"+refs/heads/{p.ReleaseBranch}:refs/remotes/{p.Remote}/{p.ReleaseBranch}" }, token).ConfigureAwait(false);
            if (fetch.ExitCode != 0)
            {
                throw ReleaseEngine.MissingBranchOr(fetch.Error, p, ErrorIds.FetchFailed, $"git fetch {p.Remote} failed: {fetch.Error.Trim()}", "Check the remote and your access to it.");
            }

            // The hotfix branch: the local one (where the fix was committed), else the remote's.
            _ = await GitCli.RunAsync(workdir, new[] { "fetch", p.Remote, $"+refs/heads/{branch}:refs/remotes/{p.Remote}/{branch}" }, token).ConfigureAwait(false);
            var info = new ReleaseInfo { Kind = "Hotfix", Project = p.Slug, Branches = $"{branch} into {p.ReleaseBranch}" };
            string releaseSha, tagSha;
            string? developSha;
            using (var repo = new Repository(root))
            {
                var fix = (repo.Branches[branch] ?? repo.Branches[$"{p.Remote}/{branch}"])?.Tip
                    ?? throw new ReleaseOpsException(ErrorIds.BranchNotFound, FailureCategory.ObjectNotFound, $"There is no branch {branch}, here or on {p.Remote}.",
                        $"Start it with Start-Hotfix -Name {name}, commit the fix, and run again.", branch);
                var master = repo.Branches[$"{p.Remote}/{p.ReleaseBranch}"]?.Tip ?? throw ReleaseEngine.Missing(p.ReleaseBranch, p);
                var develop = repo.Branches[$"{p.Remote}/{p.DevelopBranch}"]?.Tip ?? throw ReleaseEngine.Missing(p.DevelopBranch, p);
                var commits = repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = fix, ExcludeReachableFrom = master }).ToList();
                if (commits.Count == 0)
                {
                    throw new ReleaseOpsException(ErrorIds.NothingToHotfix, FailureCategory.InvalidOperation, $"{branch} has no commits that {p.ReleaseBranch} lacks.",
                        $"Commit the fix on {branch} first.", branch);
                }

                info.Commits = commits.Select(c => new ReleaseCommit { Sha = c.Sha, Subject = c.MessageShort, Author = c.Author.Name }).ToList();
                info.PreviousRelease = ReleaseEngine.PreviousRelease(repo, master);
                var now = DateTime.Now;
                info.Tag = ReleaseVersions.NextTag(p.TagScheme, now, repo.Tags.Select(t => t.FriendlyName), info.Commits, commits.Select(c => c.Message), patch: true);
                info.Version = info.Tag.Substring(1);
                info.Notes = $"## {info.Tag} (hotfix {name}, {now:yyyy-MM-dd})\n\n" + string.Join("\n", info.Commits.Select(c => $"- {c.Subject} ({c.Sha.Substring(0, 7)})")) + "\n";
                info.Ungated = true;
                if (check)
                {
                    info.Status = ReleaseStatus.WouldRelease;
                    return info;
                }

                var signature = ReleaseEngine.Signature(repo, now);
                var merged = repo.ObjectDatabase.MergeCommits(master, fix, new MergeTreeOptions { FailOnConflict = true, SkipReuc = true });
                if (merged.Status != MergeTreeStatus.Succeeded)
                {
                    throw new ReleaseOpsException(ErrorIds.MergeConflict, FailureCategory.InvalidOperation, $"{branch} does not merge cleanly into {p.ReleaseBranch}. Nothing was changed.",
                        $"Rebase {branch} on {p.Remote}/{p.ReleaseBranch}, resolve the conflicts, and run again.", branch);
                }

                var release = repo.ObjectDatabase.CreateCommit(signature, signature, $"Hotfix {info.Tag}: {name}\n\nMerge {branch} into {p.ReleaseBranch}.\n", merged.Tree, new[] { master, fix }, prettifyMessage: false);
                releaseSha = release.Sha;
                tagSha = repo.ObjectDatabase.CreateTagAnnotation(info.Tag, release, signature, "Hotfix " + name + "\n\n" + info.Notes).Sha;

                // The fix flows back into develop: a merge of the new master, so that the next release merges cleanly.
                var back = repo.ObjectDatabase.MergeCommits(develop, release, new MergeTreeOptions { FailOnConflict = true, SkipReuc = true });
                developSha = back.Status == MergeTreeStatus.Succeeded
                    ? repo.ObjectDatabase.CreateCommit(signature, signature, $"Merge hotfix {info.Tag} ({name}) back into {p.DevelopBranch}\n", back.Tree, new[] { develop, release }, prettifyMessage: false).Sha
                    : null;
            }

            var refs = new List<string> { $"{releaseSha}:refs/heads/{p.ReleaseBranch}", $"{tagSha}:refs/tags/{info.Tag}" };
            var backmerge = "backmerge/" + name;
            if (developSha is not null)
            {
                var pushed = await PushAsync(workdir, p, refs.Concat(new[] { $"{developSha}:refs/heads/{p.DevelopBranch}" }), token).ConfigureAwait(false);
                if (pushed.ExitCode == 0)
                {
                    info.BackMerge = p.DevelopBranch;
                    return Finish(root, p, info, releaseSha, tagSha, developSha);
                }

                // An atomic push reports every ref as rejected, whichever caused it (a hook says nothing of which), so
                // try once more without develop: if master was the problem, that push fails too and nothing is pushed.
                reporter.Warning($"{p.Remote} refused the push with the back-merge into {p.DevelopBranch} ({pushed.Error.Trim()}); pushing {backmerge} for a pull request instead.");
            }
            else
            {
                reporter.Warning($"The hotfix conflicts with {p.DevelopBranch}; pushing {backmerge} for a pull request instead.");
            }

            var fallback = await PushAsync(workdir, p, refs.Concat(new[] { $"{releaseSha}:refs/heads/{backmerge}" }), token).ConfigureAwait(false);
            if (fallback.ExitCode != 0)
            {
                throw PushError(fallback, p, info);
            }

            info.BackMerge = $"{backmerge} (open a pull request into {p.DevelopBranch})";
            return Finish(root, p, info, releaseSha, tagSha, null);
        }

        private static Task<(int ExitCode, string Output, string Error)> PushAsync(string workdir, ReleaseOpsProject p, IEnumerable<string> refs, CancellationToken token) =>
            GitCli.RunAsync(workdir, new[] { "push", "--atomic", "--porcelain", p.Remote }.Concat(refs), token);

        private static ReleaseOpsException PushError((int ExitCode, string Output, string Error) r, ReleaseOpsProject p, ReleaseInfo info) =>
            new(ErrorIds.PushRejected, FailureCategory.InvalidOperation, $"{p.Remote} rejected the hotfix push ({r.Error.Trim()}). Nothing was pushed.",
                "Run Complete-Hotfix again: it fetches and plans from the new state.", info.Tag);

        private static ReleaseInfo Finish(string root, ReleaseOpsProject p, ReleaseInfo info, string releaseSha, string tagSha, string? developSha)
        {
            using var repo = new Repository(root);
            repo.Refs.UpdateTarget(repo.Refs[$"refs/remotes/{p.Remote}/{p.ReleaseBranch}"], new ObjectId(releaseSha), "releaseops: hotfix " + info.Tag);
            if (developSha is not null)
            {
                repo.Refs.UpdateTarget(repo.Refs[$"refs/remotes/{p.Remote}/{p.DevelopBranch}"], new ObjectId(developSha), "releaseops: hotfix back-merge");
            }

            if (repo.Refs[$"refs/tags/{info.Tag}"] is null)
            {
                repo.Refs.Add($"refs/tags/{info.Tag}", new ObjectId(tagSha));
            }

            info.Status = ReleaseStatus.Released;
            info.Commit = releaseSha;
            info.Date = DateTimeOffset.Now;
            return info;
        }
    }
}
