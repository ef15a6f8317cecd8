using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// The weekly release (the process (about_ReleaseOps)): develop is merged into master, tagged, and pushed, gated on the end-to-end tests.
    /// </summary>
    /// <remarks>
    /// The merge is made in the object database (LibGit2Sharp's MergeCommits), never in the working tree, so a release
    /// needs no checkout of the project's files. Fetch and push go through the git program, which speaks every remote
    /// as the admin configured it. Master and the tag go to the remote in one atomic push; local branches and tags move
    /// only after it succeeded. A failure at any point (conflict, gate, rejected push, a killed process) leaves the
    /// local and remote branches as they were, and a rerun releases exactly once.
    /// </remarks>
    public static class ReleaseEngine
    {
        public static async Task<ReleasePlan> PlanAsync(string path, ReleaseOptions options, IOperationReporter reporter, CancellationToken token)
        {
            var p = options.Project;
            var phase = Stopwatch.StartNew();
            var (root, workdir, gitDir) = await CheckRepositoryAsync(path, p, token).ConfigureAwait(false);
            reporter.Verbose($"Checked the repository in {phase.ElapsedMilliseconds} ms.");
            phase.Restart();
            var plan = new ReleasePlan(options.NoFetch ? null : ReleaseLock.Acquire(gitDir, options.BreakLock, reporter)) { Options = options, RepositoryPath = workdir };
            try
            {
                if (!options.NoFetch)
                {
                    reporter.Progress(ProgressIds.Release, "Start-Release", $"Fetching {p.Remote}", 5);
                    var fetch = Stopwatch.StartNew();
                    var r = await GitCli.RunAsync(workdir, new[] { "fetch", "--prune", "--tags", p.Remote,
                        $"+refs/heads/{p.DevelopBranch}:refs/remotes/{p.Remote}/{p.DevelopBranch}",
                        $"+refs/heads/{p.ReleaseBranch}:refs/remotes/{p.Remote}/{p.ReleaseBranch}" }, token, options.GitEnvironment()).ConfigureAwait(false);
                    if (r.ExitCode != 0)
                    {
                        throw MissingBranchOr(r.Error, p, ErrorIds.FetchFailed, $"git fetch {p.Remote} failed: {r.Error.Trim()}", "Check the remote's URL and your access to it.");
                    }

                    plan.Durations["Fetch"] = fetch.Elapsed;
                    reporter.Verbose($"Fetched in {fetch.ElapsedMilliseconds} ms.");
                }

                phase.Restart();

                using var repo = new Repository(root);
                var develop = repo.Refs[$"refs/remotes/{p.Remote}/{p.DevelopBranch}"]?.ResolveToDirectReference()?.Target as Commit
                    ?? throw Missing(p.DevelopBranch, p);
                var master = repo.Refs[$"refs/remotes/{p.Remote}/{p.ReleaseBranch}"]?.ResolveToDirectReference()?.Target as Commit
                    ?? throw Missing(p.ReleaseBranch, p);
                plan.MasterSha = master.Sha;
                plan.DevelopSha = develop.Sha;

                var commits = repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = develop, ExcludeReachableFrom = master, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse }).ToList();
                reporter.Verbose($"Listed {commits.Count} commit(s) to release in {phase.ElapsedMilliseconds} ms.");
                phase.Restart();
                var previous = PreviousRelease(repo, master);
                reporter.Verbose($"Found the previous release ({previous ?? "none"}) in {phase.ElapsedMilliseconds} ms.");
                var info = plan.Info;
                info.Project = p.Slug;
                info.Branches = $"{p.Remote}/{p.DevelopBranch} into {p.ReleaseBranch}";
                info.PreviousRelease = previous;
                info.Ungated = string.IsNullOrWhiteSpace(p.EndToEndTestCommand) && string.IsNullOrWhiteSpace(p.JenkinsJob);
                if (commits.Count == 0)
                {
                    info.Status = ReleaseStatus.NothingToRelease;
                    info.Commit = master.Sha;
                    info.Tag = previous ?? string.Empty;
                    info.Version = previous?.TrimStart('v') ?? string.Empty;
                    plan.Description = $"Nothing to release: {p.Remote}/{p.DevelopBranch} has no commits that {p.ReleaseBranch} lacks.";
                    return plan;
                }

                info.Commits = commits.Select(c => new ReleaseCommit { Sha = c.Sha, Subject = c.MessageShort, Author = c.Author.Name, PullRequest = ReleaseVersions.PullRequestOf(c.MessageShort) }).ToList();
                info.PullRequests = info.Commits.Where(c => c.PullRequest is not null).Select(c => c.PullRequest!.Value).Distinct().OrderBy(n => n).ToList();
                var scheme = options.TagScheme ?? p.TagScheme;
                var tag = ReleaseVersions.NextTag(scheme, options.Now, repo.Tags.Select(t => t.FriendlyName), info.Commits, commits.Select(c => c.Message));
                info.Tag = tag;
                info.Version = tag.Substring(1);
                var titles = commits.Where(c => ReleaseVersions.PullRequestOf(c.MessageShort) is not null)
                    .ToDictionary(c => c.Sha, c => c.Message.Split('\n').Skip(1).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty);
                info.Notes = ReleaseVersions.Notes(tag, options.Now, previous, info.Commits, titles);
                info.Status = ReleaseStatus.WouldRelease;
                var fastForward = options.MergeMode == MergeMode.FastForward && repo.ObjectDatabase.FindMergeBase(master, develop)?.Sha == master.Sha;
                plan.Description = (fastForward
                        ? $"Fast-forward {p.ReleaseBranch} ({Short(master.Sha)}) to {p.Remote}/{p.DevelopBranch} ({Short(develop.Sha)})"
                        : $"Merge {p.Remote}/{p.DevelopBranch} ({Short(develop.Sha)}) into {p.ReleaseBranch} ({Short(master.Sha)}) with --no-ff")
                    + $", {commits.Count} commit(s); tag {tag}; push {p.ReleaseBranch} and {tag} to {p.Remote} atomically"
                    + (info.Ungated ? "; ungated (no EndToEndTestCommand or JenkinsJob)"
                        : "; gates: " + string.Join(", ", new[] { p.JenkinsJob is null ? null : "Jenkins " + p.JenkinsJob, p.EndToEndTestCommand }.Where(g => !string.IsNullOrWhiteSpace(g))));
                return plan;
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        /// <summary>Runs the gates, then merges, tags and pushes. The plan must not be NothingToRelease.</summary>
        public static async Task<ReleaseInfo> ExecuteAsync(ReleasePlan plan, IOperationReporter reporter, CancellationToken token)
        {
            var o = plan.Options;
            var p = o.Project;
            var info = plan.Info;
            if (info.Ungated)
            {
                reporter.Warning(o.HasSettings
                    ? "No EndToEndTestCommand or JenkinsJob is configured in releaseops.psd1: this release is not gated."
                    : "No releaseops.psd1: the defaults are used (develop, master, origin) and this release is not gated.");
            }
            else
            {
                var gates = Stopwatch.StartNew();
                var results = new List<ReleaseGateResult>();
                if (!string.IsNullOrWhiteSpace(p.JenkinsJob))
                {
                    reporter.Progress(ProgressIds.Release, "Start-Release", $"Checking the Jenkins job {p.JenkinsJob}", 15);
                    var jenkinsUrl = JenkinsGate.TrustedUrl(o.JenkinsUrl, p.JenkinsUrl, p.SettingsPath);

                    var run = p.JenkinsGate == "Run";
                    if (run)
                    {
                        reporter.Progress(ProgressIds.Release, "Start-Release", $"Running the Jenkins job {p.JenkinsJob}", 15);
                    }

                    var jenkins = await JenkinsGate.CheckAsync(jenkinsUrl, p.JenkinsJob!, plan.DevelopSha, run, o.GateTimeout, reporter, token).ConfigureAwait(false);
                    results.Add(jenkins);
                    info.Gates = results.ToArray();
                    if (!jenkins.Passed)
                    {
                        throw new ReleaseOpsException(ErrorIds.ReleaseGateFailed, FailureCategory.InvalidResult,
                            $"The Jenkins gate failed ({jenkins.OutputTail}); nothing was merged, tagged or pushed.",
                            $"Make {p.JenkinsJob} pass on {p.DevelopBranch}, then run Start-Release again.", p.JenkinsJob);
                    }
                }

                if (!string.IsNullOrWhiteSpace(p.EndToEndTestCommand))
                {
                    reporter.Progress(ProgressIds.Release, "Start-Release", "Running the end-to-end gate", 20);
                    var gate = await RunGateAsync(p.EndToEndTestCommand!, plan.RepositoryPath, info, o.GateTimeout, token).ConfigureAwait(false);
                    results.Add(gate);
                    info.Gates = results.ToArray();
                    if (!gate.Passed)
                    {
                        throw new ReleaseOpsException(ErrorIds.ReleaseGateFailed, FailureCategory.InvalidResult,
                            $"The end-to-end gate failed ({(gate.ExitCode is int c ? "exit " + c : "timed out")}); nothing was merged, tagged or pushed. Output ends with:\n{gate.OutputTail}",
                            "Fix develop (or staging) until the end-to-end tests pass, then run Start-Release again.", p.EndToEndTestCommand);
                    }
                }

                plan.Durations["Gates"] = gates.Elapsed;
            }

            reporter.Progress(ProgressIds.Release, "Start-Release", "Merging", 60);
            var merge = Stopwatch.StartNew();
            string releaseSha, tagObjectSha;
            using (var repo = new Repository(plan.RepositoryPath))
            {
                var master = repo.Lookup<Commit>(plan.MasterSha);
                var develop = repo.Lookup<Commit>(plan.DevelopSha);
                var signature = Signature(repo, o.Now);
                Commit release;
                if (o.MergeMode == MergeMode.FastForward && repo.ObjectDatabase.FindMergeBase(master, develop)?.Sha == master.Sha)
                {
                    release = develop;
                }
                else
                {
                    var result = repo.ObjectDatabase.MergeCommits(master, develop, new MergeTreeOptions { FailOnConflict = true, SkipReuc = true });
                    if (result.Status != MergeTreeStatus.Succeeded)
                    {
                        throw new ReleaseOpsException(ErrorIds.MergeConflict, FailureCategory.InvalidOperation,
                            $"{p.DevelopBranch} does not merge cleanly into {p.ReleaseBranch}: {string.Join(", ", (result.Conflicts ?? Enumerable.Empty<Conflict>()).Take(5).Select(c => (c.Ours ?? c.Theirs ?? c.Ancestor).Path))}. Nothing was changed.",
                            $"Merge {p.ReleaseBranch} into {p.DevelopBranch}, resolve the conflicts there, push develop, and run Start-Release again.", p.ReleaseBranch);
                    }

                    release = repo.ObjectDatabase.CreateCommit(signature, signature,
                        $"Release {info.Tag}\n\nMerge {p.DevelopBranch} into {p.ReleaseBranch}.\n", result.Tree, new[] { master, develop }, prettifyMessage: false);
                }

                var annotation = repo.ObjectDatabase.CreateTagAnnotation(info.Tag, release, signature, info.Notes);
                releaseSha = release.Sha;
                tagObjectSha = annotation.Sha;
            }

            plan.Durations["Merge"] = merge.Elapsed;
            reporter.Verbose($"Merged and tagged in {merge.ElapsedMilliseconds} ms.");
            reporter.Progress(ProgressIds.Release, "Start-Release", $"Pushing {p.ReleaseBranch} and {info.Tag}", 80);
            var push = Stopwatch.StartNew();
            var r = await GitCli.RunAsync(plan.RepositoryPath, new[] { "push", "--atomic", "--porcelain", p.Remote,
                $"{releaseSha}:refs/heads/{p.ReleaseBranch}", $"{tagObjectSha}:refs/tags/{info.Tag}" }, token, o.GitEnvironment()).ConfigureAwait(false);
            if (r.ExitCode != 0)
            {
                var text = r.Output + r.Error;
                throw text.Contains("non-fast-forward") || text.Contains("fetch first") || text.Contains("[rejected]") || text.Contains("already exists")
                    ? new ReleaseOpsException(ErrorIds.PushRejected, FailureCategory.InvalidOperation,
                        $"{p.Remote} rejected the push ({r.Error.Trim()}): someone pushed to {p.ReleaseBranch}, or {info.Tag} exists there. Nothing was pushed, and local branches are as they were.",
                        "Run Start-Release again: it fetches and plans from the new state.", p.Remote)
                    : new ReleaseOpsException(ErrorIds.PushFailed, FailureCategory.ConnectionError,
                        $"git push to {p.Remote} failed: {r.Error.Trim()}. Nothing was pushed (the push is atomic).", "Check your access to the remote, then run Start-Release again.", p.Remote);
            }

            plan.Durations["Push"] = push.Elapsed;
            reporter.Verbose($"Pushed in {push.ElapsedMilliseconds} ms.");

            // Only now do local refs move: the remote-tracking branch, the tag, and the local release branch if it was not ahead.
            using (var repo = new Repository(plan.RepositoryPath))
            {
                repo.Refs.UpdateTarget(repo.Refs[$"refs/remotes/{p.Remote}/{p.ReleaseBranch}"], new ObjectId(releaseSha), "releaseops: release " + info.Tag);
                if (repo.Refs[$"refs/tags/{info.Tag}"] is null)
                {
                    repo.Refs.Add($"refs/tags/{info.Tag}", new ObjectId(tagObjectSha));
                }

                var local = repo.Branches[p.ReleaseBranch];
                if (local is not null && repo.ObjectDatabase.FindMergeBase(local.Tip, repo.Lookup<Commit>(releaseSha))?.Sha == local.Tip.Sha)
                {
                    if (local.IsCurrentRepositoryHead)
                    {
                        // The worktree was clean (checked when planning), so it follows the branch.
                        repo.Reset(ResetMode.Hard, repo.Lookup<Commit>(releaseSha));
                    }
                    else
                    {
                        repo.Refs.UpdateTarget(repo.Refs[local.CanonicalName], new ObjectId(releaseSha), "releaseops: release " + info.Tag);
                    }
                }
            }

            info.Status = ReleaseStatus.Released;
            info.Commit = releaseSha;
            plan.Durations["Total"] = plan.Clock.Elapsed;
            info.Durations = new Dictionary<string, TimeSpan>(plan.Durations);
            reporter.CompleteProgress(ProgressIds.Release, "Start-Release");
            return info;
        }

        /// <summary>Finds the repository and refuses a detached HEAD, a dirty worktree and an unknown remote.</summary>
        internal static async Task<(string Root, string Workdir, string GitDir)> CheckRepositoryAsync(string path, ReleaseOpsProject p, CancellationToken token)
        {
            string workdir, gitDir;
            var root = Repository.Discover(path) ?? throw new ReleaseOpsException(ErrorIds.NotAGitRepository, FailureCategory.ObjectNotFound,
                $"'{path}' is not in a git repository.", "Run from the project's repository, or pass -Path.", path);
            using (var repo = new Repository(root))
            {
                if (repo.Info.IsBare)
                {
                    workdir = repo.Info.Path;
                    gitDir = repo.Info.Path;
                }
                else
                {
                    workdir = repo.Info.WorkingDirectory;
                    gitDir = repo.Info.Path;
                    if (repo.Info.IsHeadDetached)
                    {
                        throw new ReleaseOpsException(ErrorIds.DetachedHead, FailureCategory.InvalidOperation, $"The repository at {workdir} has a detached HEAD.",
                            "Check out a branch (git switch develop) and run again; a release runs from a normal clone.", workdir);
                    }
                }

                if (repo.Network.Remotes[p.Remote] is null)
                {
                    throw new ReleaseOpsException(ErrorIds.UnknownRemote, FailureCategory.ObjectNotFound, $"The repository has no remote '{p.Remote}'.",
                        $"Add it (git remote add {p.Remote} <url>) or set Remote in releaseops.psd1.", p.Remote);
                }
            }

            if (workdir != gitDir)
            {
                // git's own status is several times faster than libgit2's on large worktrees (it keeps an index cache).
                var status = await GitCli.RunAsync(workdir, new[] { "status", "--porcelain", "--untracked-files=no" }, token).ConfigureAwait(false);
                var changed = status.Output.Split('\n').Where(l => l.Length > 3).Select(l => l.Substring(3)).ToList();
                if (status.ExitCode != 0 || changed.Count > 0)
                {
                    throw new ReleaseOpsException(ErrorIds.DirtyWorktree, FailureCategory.InvalidOperation,
                        $"The repository at {workdir} has uncommitted changes ({string.Join(", ", changed.Take(3))}{(changed.Count > 3 ? ", ..." : string.Empty)}{status.Error.Trim()}).",
                        "Commit or stash them, or release from a clean clone.", workdir);
                }
            }

            return (root, workdir, gitDir);
        }

        private static async Task<ReleaseGateResult> RunGateAsync(string command, string workdir, ReleaseInfo info, TimeSpan timeout, CancellationToken token)
        {
            var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            var psi = new ProcessStartInfo(windows ? "cmd.exe" : "/bin/sh") { WorkingDirectory = workdir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
#if NET
            psi.ArgumentList.Add(windows ? "/c" : "-c");
            psi.ArgumentList.Add(command);
#else
            psi.Arguments = (windows ? "/c " : "-c ") + command;
#endif
            // The command comes from releaseops.psd1 on develop: it gets none of ReleaseOps' secrets (git, Jenkins,
            // clouds) and no ssh-agent, which could push to master. See docs/Start-Release.md, "Trust boundary".
            ChildEnvironment.Scrub(psi, agent: true);
            psi.Environment["RELEASEOPS_RELEASE_TAG"] = info.Tag;
            psi.Environment["RELEASEOPS_PROJECT"] = info.Project;
            var watch = Stopwatch.StartNew();
            var tail = new Queue<string>();
            void Keep(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (tail)
                {
                    tail.Enqueue(line);
                    while (tail.Count > 20)
                    {
                        tail.Dequeue();
                    }
                }
            }

            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(token);
            timer.CancelAfter(timeout);
            var exited = await Task.Run(() =>
            {
                while (!process.WaitForExit(100))
                {
                    if (timer.IsCancellationRequested)
                    {
                        return false;
                    }
                }

                process.WaitForExit();
                return true;
            }, CancellationToken.None).ConfigureAwait(false);
            if (!exited)
            {
#if NET
                process.Kill(entireProcessTree: true);
#else
                process.Kill();
#endif
                token.ThrowIfCancellationRequested();
            }

            string text;
            lock (tail)
            {
                text = string.Join("\n", tail);
            }

            return new ReleaseGateResult
            {
                Name = "EndToEnd",
                Target = command,
                ExitCode = exited ? process.ExitCode : null,
                Passed = exited && process.ExitCode == 0,
                OutputTail = text,
                Duration = watch.Elapsed,
            };
        }

        internal static string? PreviousRelease(Repository repo, Commit master)
        {
            // The newest tag on master's first-parent line. Without tags there is nothing to look for; with tags, a
            // first-parent revision walk (libgit2's, which reads only ids) stops at the first tagged commit.
            var tagsByTarget = repo.Tags.GroupBy(t => t.PeeledTarget.Sha).ToDictionary(g => g.Key, g => g.Select(t => t.FriendlyName).OrderBy(n => n, StringComparer.Ordinal).Last());
            if (tagsByTarget.Count == 0)
            {
                return null;
            }

            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = master, FirstParentOnly = true, SortBy = CommitSortStrategies.None }))
            {
                if (tagsByTarget.TryGetValue(c.Id.Sha, out var name))
                {
                    return name;
                }
            }

            return null;
        }

        internal static Signature Signature(Repository repo, DateTime now)
        {
            var name = repo.Config.Get<string>("user.name")?.Value ?? "ReleaseOps";
            var email = repo.Config.Get<string>("user.email")?.Value ?? "releaseops@localhost";
            return new Signature(name, email, new DateTimeOffset(now));
        }

        internal static ReleaseOpsException Missing(string branch, ReleaseOpsProject p) =>
            new(ErrorIds.BranchNotFound, FailureCategory.ObjectNotFound, $"The remote {p.Remote} has no branch '{branch}'.",
                $"Push {branch} to {p.Remote}, or set DevelopBranch/ReleaseBranch in releaseops.psd1.", branch);

        internal static ReleaseOpsException MissingBranchOr(string error, ReleaseOpsProject p, string id, string message, string fix)
        {
            foreach (var b in new[] { p.DevelopBranch, p.ReleaseBranch })
            {
                if (error.Contains($"couldn't find remote ref refs/heads/{b}"))
                {
                    return Missing(b, p);
                }
            }

            return new ReleaseOpsException(id, FailureCategory.ConnectionError, message, fix, p.Remote);
        }

        private static string Short(string sha) => sha.Substring(0, 10);
    }
}
