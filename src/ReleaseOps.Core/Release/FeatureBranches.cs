using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>Feature branches: feature/&lt;name&gt; from the latest develop.</summary>
    public static class FeatureBranches
    {
        public static Task<FeatureBranch> CreateAsync(string path, ReleaseOpsProject p, string branch, bool push, bool checkout,
            IOperationReporter reporter, CancellationToken token) =>
            CreateAsync(path, p, branch, p.DevelopBranch, push, checkout, reporter, token);

        /// <summary>Creates a branch at the tip of the remote's base branch (develop for features, master for hotfixes).</summary>
        public static async Task<FeatureBranch> CreateAsync(string path, ReleaseOpsProject p, string branch, string baseBranch, bool push, bool checkout,
            IOperationReporter reporter, CancellationToken token)
        {
            var root = Repository.Discover(path) ?? throw new ReleaseOpsException(ErrorIds.NotAGitRepository, FailureCategory.ObjectNotFound,
                $"'{path}' is not in a git repository.", "Run from the project's repository, or pass -Path.", path);
            string workdir;
            using (var repo = new Repository(root))
            {
                workdir = repo.Info.WorkingDirectory ?? repo.Info.Path;
                if (repo.Branches[branch] is not null)
                {
                    throw new ReleaseOpsException(ErrorIds.BranchExists, FailureCategory.ResourceExists, $"{branch} already exists.", "Choose another name, or switch to it: git switch " + branch, branch);
                }

                if (repo.Network.Remotes[p.Remote] is null)
                {
                    throw new ReleaseOpsException(ErrorIds.UnknownRemote, FailureCategory.ObjectNotFound, $"The repository has no remote '{p.Remote}'.", $"Add it (git remote add {p.Remote} <url>).", p.Remote);
                }
            }

            reporter.Verbose($"Fetching {p.Remote}/{baseBranch}.");
            var fetch = await GitCli.RunAsync(workdir, new[] { "fetch", p.Remote, $"+refs/heads/{baseBranch}:refs/remotes/{p.Remote}/{baseBranch}" }, token).ConfigureAwait(false);
            if (fetch.ExitCode != 0)
            {
                throw fetch.Error.Contains("couldn't find remote ref")
                    ? new ReleaseOpsException(ErrorIds.BranchNotFound, FailureCategory.ObjectNotFound, $"The remote {p.Remote} has no branch '{baseBranch}'.", "Create develop first.", baseBranch)
                    : new ReleaseOpsException(ErrorIds.FetchFailed, FailureCategory.ConnectionError, $"git fetch {p.Remote} failed: {fetch.Error.Trim()}", "Check the remote and your access to it.", p.Remote);
            }

            var result = new FeatureBranch { Name = branch, BasedOn = $"{p.Remote}/{baseBranch}" };
            using (var repo = new Repository(root))
            {
                var develop = repo.Branches[$"{p.Remote}/{baseBranch}"].Tip;
                if (checkout && repo.RetrieveStatus(new StatusOptions { IncludeUntracked = false }).IsDirty)
                {
                    throw new ReleaseOpsException(ErrorIds.DirtyWorktree, FailureCategory.InvalidOperation, "The worktree has uncommitted changes, so the new branch cannot be checked out.", "Commit or stash them, or leave out -Checkout.", workdir);
                }

                var created = repo.Branches.Add(branch, develop);
                result.Commit = develop.Sha;
                if (checkout)
                {
                    Commands.Checkout(repo, created);
                    result.CheckedOut = true;
                }
            }

            if (push)
            {
                var r = await GitCli.RunAsync(workdir, new[] { "push", "-u", p.Remote, $"refs/heads/{branch}:refs/heads/{branch}" }, token).ConfigureAwait(false);
                if (r.ExitCode != 0)
                {
                    throw new ReleaseOpsException(ErrorIds.PushFailed, FailureCategory.ConnectionError, $"git push of {branch} failed: {r.Error.Trim()}. The local branch exists.",
                        "Check your access to the remote, then push it: git push -u " + p.Remote + " " + branch, p.Remote);
                }

                result.Pushed = true;
            }

            return result;
        }
    }
}
