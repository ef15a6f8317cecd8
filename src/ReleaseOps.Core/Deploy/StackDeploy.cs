using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Deploy
{
    /// <summary>
    /// Deploys a git ref of a project to nodes (issue 8). Each node runs one POSIX sh script (deploy.sh, embedded)
    /// with every value as a quoted argument: it takes a lock, fetches, checks the commit out, brings the stack up,
    /// runs the migrations and the health check, and returns to the previous commit when a step fails. The previous
    /// commit is recorded in the checkout's .git/releaseops/deploy.state, so that a rollback can return to it.
    /// </summary>
    public static class StackDeploy
    {
        private static readonly Regex RemotePattern = new("^[A-Za-z0-9_][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

        public static string Script => RemoteScript.Deploy.Text;

        /// <summary>
        /// Checks the request before any node is reached. A ref that git would refuse as a name (one starting with '-',
        /// with a space or a control character, ...) is rejected; any other ref reaches the node as one quoted value.
        /// </summary>
        public static void Validate(DeployRequest request)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            if (!request.Rollback)
            {
                var problem = ProjectSettings.GitRefProblem(request.Ref);
                if (problem is not null || request.Ref.Length > 255)
                {
                    throw new ReleaseOpsException(ErrorIds.InvalidRef, FailureCategory.InvalidArgument,
                        $"'{Shown(request.Ref)}' is not a ref that can be deployed: {problem ?? "it is longer than 255 characters"}.",
                        "Pass a branch (develop), a tag (v2026.48.0) or a commit id.", request.Ref);
                }
            }

            if (!RemotePattern.IsMatch(request.Remote))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRemote, FailureCategory.InvalidData,
                    $"'{Shown(request.Remote)}' is not a remote name that a deploy can fetch from.", "Set Remote in releaseops.psd1 to a plain name such as origin.", request.Remote);
            }

            if (!request.StackPath.StartsWith("/", StringComparison.Ordinal) || request.StackPath.Any(char.IsControl))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidStackPath, FailureCategory.InvalidData,
                    $"'{Shown(request.StackPath)}' is not an absolute path on the node.", "Set StackPath in releaseops.psd1, such as /srv/cortico.", request.StackPath);
            }
        }

        /// <summary>The script's arguments, in order.</summary>
        public static IReadOnlyList<string> Arguments(DeployRequest request) => new[]
        {
            request.Rollback ? "rollback" : "deploy",
            request.StackPath,
            request.Remote,
            request.Rollback ? string.Empty : request.Ref,
            request.Force ? "1" : "0",
            request.StackUpCommand ?? string.Empty,
            request.StackUpdate,
            request.MigrateCommand ?? string.Empty,
            request.HealthCheckUrl ?? string.Empty,
            request.HealthCheckStatus.ToString(CultureInfo.InvariantCulture),
            request.HealthCheckCommand ?? string.Empty,
            request.HealthCheckTimeout.ToString(CultureInfo.InvariantCulture),
            SplitCredentials(request.RepositoryUrl).Url,
            SplitCredentials(request.RepositoryUrl).Host,
        };

        /// <summary>
        /// Splits the credentials out of an http(s) repository URL (https://user:token@host/...). The node gets the URL
        /// without them; the user and token reach git on the node through the script's standard input and a credential
        /// helper that answers only for that host, so they are never in a command line (ps), in .git/config or in a file.
        /// </summary>
        public static (string Url, string Host, string? Input) SplitCredentials(string? repositoryUrl)
        {
            if (string.IsNullOrEmpty(repositoryUrl))
            {
                return (string.Empty, string.Empty, null);
            }

            var m = Regex.Match(repositoryUrl, "^(?<scheme>https?)://(?<info>[^/@]*)@(?<rest>(?<host>[^/?#]+).*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
            if (!m.Success)
            {
                return (repositoryUrl!, string.Empty, null);
            }

            var info = m.Groups["info"].Value;
            var colon = info.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? info : info.Substring(0, colon));
            var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(info.Substring(colon + 1));
            if (user.IndexOf('\n') >= 0 || password.IndexOf('\n') >= 0)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRepositoryUrl, FailureCategory.InvalidArgument, "The repository URL's user or token holds a line break.",
                    "Check RepositoryUrl in releaseops.psd1.", HideUserInfo(repositoryUrl!));
            }

            return (m.Groups["scheme"].Value + "://" + m.Groups["rest"].Value, m.Groups["host"].Value, user + "\n" + password + "\n");
        }

        /// <summary>The commands that a deploy runs on each node, as -WhatIf shows them.</summary>
        public static IReadOnlyList<string> Plan(DeployRequest request)
        {
            var q = (Func<string, string>)ShellQuote.Quote;
            var stack = q(request.StackPath);
            var lines = new List<string>();
            if (!string.IsNullOrEmpty(request.RepositoryUrl))
            {
                lines.Add($"(only when {stack} is not a checkout yet) git clone --no-checkout --origin={q(request.Remote)} -- {q(HideUserInfo(request.RepositoryUrl!))} {stack}");
            }

            lines.Add($"take the lock {q(request.StackPath + "/.git/releaseops/deploy.lock")} (mkdir; a lock whose process is gone is broken)");
            string target;
            if (request.Rollback)
            {
                target = "<previous_commit recorded in " + q(request.StackPath + "/.git/releaseops/deploy.state") + ">";
            }
            else
            {
                lines.Add($"git -C {stack} fetch --quiet --force --prune -- {q(request.Remote)} {q("+refs/heads/*:refs/remotes/" + request.Remote + "/*")} {q("+refs/tags/*:refs/tags/*")}");
                target = $"<commit of {q(request.Ref)}: refs/remotes/{request.Remote}/<ref>, refs/tags/<ref> or a commit id>";
                if (!request.Force)
                {
                    lines.Add("(stop here when that commit is already live and healthy)");
                }
            }

            lines.Add($"git -C {stack} -c advice.detachedHead=false checkout --quiet --force --detach {target}");
            var up = request.StackUpCommand ?? (request.StackUpdate == "Pull"
                ? "docker compose pull && docker compose up -d --remove-orphans"
                : "docker compose up -d --build --remove-orphans");
            lines.Add($"cd {stack} && sh -c {q(up)}" + (request.StackUpCommand is null ? "   (docker-compose instead of docker compose where the compose plugin is missing)" : string.Empty));
            if (!request.Rollback && !string.IsNullOrEmpty(request.MigrateCommand))
            {
                lines.Add($"cd {stack} && sh -c {q(request.MigrateCommand!)}");
            }

            var every = $"every second for up to {request.HealthCheckTimeout.ToString(CultureInfo.InvariantCulture)} s";
            if (!string.IsNullOrEmpty(request.HealthCheckUrl))
            {
                lines.Add($"curl -s -o /dev/null -w '%{{http_code}}' --max-time 5 {q(request.HealthCheckUrl!)}   (until it is {request.HealthCheckStatus.ToString(CultureInfo.InvariantCulture)}, {every})");
            }

            if (!string.IsNullOrEmpty(request.HealthCheckCommand))
            {
                lines.Add($"cd {stack} && sh -c {q(request.HealthCheckCommand!)}   (until it exits 0, {every})");
            }

            lines.Add("on success: record the ref and commit, and the previous ones, in " + q(request.StackPath + "/.git/releaseops/deploy.state"));
            lines.Add("on failure: check the previous commit out again, bring the stack up and check its health");
            return lines;
        }

        /// <summary>
        /// Deploys on one node. onStep receives each step as it ends (Fetch ok ..., Up failed ...). A failure before
        /// anything changed (a lock, a missing ref) is a <see cref="ReleaseOpsException"/>; a failed step after the
        /// checkout is a result with Status RolledBack or Failed.
        /// </summary>
        public static async Task<DeploymentInfo> DeployAsync(NodeSession session, DeployRequest request, Action<string>? onStep,
            IOperationReporter reporter, CancellationToken token)
        {
            if (session is null)
            {
                throw new ArgumentNullException(nameof(session));
            }

            var started = DateTimeOffset.Now;
            var watch = Stopwatch.StartNew();
            var info = new DeploymentInfo
            {
                HostName = session.Name,
                Endpoint = session.Endpoint,
                StackPath = request.StackPath,
                Ref = request.Ref,
                Rollback = request.Rollback,
                StartTime = started,
            };
            var starts = new Dictionary<string, TimeSpan>();
            void OnStep(RemoteScriptStep step)
            {
                if (step.Status == "start")
                {
                    lock (starts)
                    {
                        starts[step.Name] = watch.Elapsed;
                    }

                    return;
                }

                TimeSpan took;
                lock (starts)
                {
                    took = starts.TryGetValue(step.Name, out var s) ? watch.Elapsed - s : TimeSpan.Zero;
                }

                SetDuration(info, step.Name, took);
                onStep?.Invoke($"{step.Name} {step.Status}: {step.Detail} ({took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
            }

            reporter.Verbose($"{session.Name}: {(request.Rollback ? "rolling back" : "deploying " + request.Ref)} in {request.StackPath}.");
            var script = await RemoteScript.Deploy.RunAsync(session, Arguments(request), request.Sudo, null, SplitCredentials(request.RepositoryUrl).Input, OnStep, reporter, token).ConfigureAwait(false);
            var result = script.Command;
            info.Duration = watch.Elapsed;
            if (script.ErrorId is not null)
            {
                throw Failure(session.Name, script.ErrorId, script.ErrorMessage ?? string.Empty, request);
            }

            string? Get(string key) => script.Field(key);
            if (Get("status") is null)
            {
                var why = result.FailureId == ErrorIds.SudoFailed ? $"{session.User} has no passwordless sudo: {result.Error.Trim()}"
                    : $"the deploy script ended without a result ({result.FailureId ?? "no status"}, exit {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {Tail(result.Error)}";
                throw new ReleaseOpsException(result.FailureId == ErrorIds.SudoFailed ? ErrorIds.SudoFailed : ErrorIds.DeployScriptFailed, FailureCategory.InvalidResult,
                    $"{session.Name}: {why}", "Read the message; run the same command again once the cause is fixed (the node keeps its live commit).", session.Name);
            }

            // deploy.sh prints a DeploymentStatus name; a word it should never print counts as a failure.
            info.Status = Enum.TryParse<DeploymentStatus>(Get("status"), ignoreCase: false, out var status) && Enum.IsDefined(typeof(DeploymentStatus), status) && status != DeploymentStatus.None ? status : DeploymentStatus.Failed;
            info.Commit = Get("commit");
            info.PreviousCommit = Get("previous_commit");
            info.PreviousRef = Get("previous_ref");
            info.LiveCommit = Get("live_commit");
            info.RolledBack = Get("rolled_back") == "1";
            info.FailedStep = Get("failed_step");
            info.HealthResult = Get("health_result");
            info.Healthy = Get("healthy") switch { "1" => true, "0" => false, _ => null };
            info.UpCommand = Get("up_command");
            if (request.Rollback)
            {
                info.Ref = Get("ref") ?? string.Empty;
            }

            return info;
        }

        private static void SetDuration(DeploymentInfo info, string step, TimeSpan took)
        {
            switch (step)
            {
                case "Fetch":
                    info.FetchDuration = took;
                    break;
                case "Up":
                    info.UpDuration = took;
                    break;
                case "Migrate":
                    info.MigrateDuration = took;
                    break;
                case "HealthCheck":
                    info.HealthCheckDuration = took;
                    break;
                case "Rollback":
                    info.RollbackDuration = took;
                    break;
            }
        }

        private static ReleaseOpsException Failure(string node, string id, string message, DeployRequest request)
        {
            var (category, fix) = id switch
            {
                ErrorIds.DeployLocked => (FailureCategory.ResourceUnavailable, "Wait for the other deploy to finish, then run the command again. A lock left by a killed deploy is broken by the next deploy."),
                ErrorIds.RefNotFound => (FailureCategory.ObjectNotFound, $"Push {request.Ref} to {request.Remote}, or pass an existing branch, tag or commit."),
                ErrorIds.NoPreviousDeployment => (FailureCategory.ObjectNotFound, "Deploy a ref first: a rollback returns to the commit that was live before the last deploy."),
                ErrorIds.StackNotFound => (FailureCategory.ObjectNotFound, $"Clone the project into {request.StackPath} on the node, or set RepositoryUrl in releaseops.psd1 so that the first deploy clones it."),
                ErrorIds.ComposeNotFound => (FailureCategory.NotInstalled, "Install Docker and compose on the node (Initialize-Node -Docker), or set StackUpCommand in releaseops.psd1."),
                ErrorIds.GitNotFound => (FailureCategory.NotInstalled, "Install git on the node."),
                ErrorIds.UnsafeCheckout => (FailureCategory.SecurityError, "Deploy as the checkout's owner (without -Sudo), or give the whole checkout to the deploying account (chown -R) after reading its hooks and .git/config."),
                ErrorIds.LocalChanges => (FailureCategory.InvalidOperation, "Commit the changes to the project's repository, or pass -Force to discard them."),
                ErrorIds.FetchFailed or ErrorIds.CloneFailed => (FailureCategory.ConnectionError, "Check that the node can reach the repository (its deploy key or token) and run the command again."),
                _ => (FailureCategory.InvalidOperation, "Read the message, fix the cause and run the command again."),
            };
            return new ReleaseOpsException(id, category, $"{node}: {message}", fix, node);
        }

        /// <summary>A repository URL without the user and token that it may carry.</summary>
        public static string HideUserInfo(string url) => Regex.Replace(url, "://[^/@]*@", "://***@", RegexOptions.CultureInvariant);

        /// <summary>The id of the error for a deploy whose step failed.</summary>
        public static string FailureId(string? step) => step switch
        {
            "HealthCheck" => ErrorIds.HealthCheckFailed,
            "Up" => ErrorIds.StackUpFailed,
            "Migrate" => ErrorIds.MigrationFailed,
            "Checkout" => ErrorIds.CheckoutFailed,
            _ => ErrorIds.DeployFailed,
        };

        /// <summary>The error that a deploy which failed (or was rolled back) reports after its result.</summary>
        public static ReleaseOpsException DeployFailure(DeploymentInfo info) =>
            new(FailureId(info?.FailedStep), FailureCategory.InvalidResult, FailureMessage(info!),
                "Run the deploy with -Verbose to see the output of the stack's commands (or read the stack's logs on the node), fix the cause and deploy again.", info);

        /// <summary>What went wrong on a node whose deploy failed, with both refs.</summary>
        public static string FailureMessage(DeploymentInfo info)
        {
            if (info is null)
            {
                throw new ArgumentNullException(nameof(info));
            }

            return $"{info.HostName}: {StepName(info.FailedStep)} failed{(info.HealthResult is null ? string.Empty : " (" + info.HealthResult + ")")}; "
                + (info.RolledBack && info.Status == DeploymentStatus.RolledBack
                    ? $"rolled back from {Short(info.Commit)} ({info.Ref}) to {Short(info.PreviousCommit)} ({info.PreviousRef})."
                    : info.RolledBack ? $"the rollback to {Short(info.PreviousCommit)} ({info.PreviousRef}) failed too; {Short(info.LiveCommit)} is checked out."
                    : $"there was no previous commit to return to, so {Short(info.LiveCommit)} ({info.Ref}) stays checked out.");
        }

        /// <summary>The information line that ends a node's deploy.</summary>
        public static string Summary(DeploymentInfo info)
        {
            if (info is null)
            {
                throw new ArgumentNullException(nameof(info));
            }

            var seconds = info.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            return info.Status switch
            {
                DeploymentStatus.Unchanged => $"{info.Ref} ({Short(info.Commit)}) is already live; nothing to do.",
                DeploymentStatus.Deployed => $"{(info.Rollback ? "rolled back to" : "deployed")} {info.Ref} ({Short(info.Commit)}), previously {Short(info.PreviousCommit)}, in {seconds} s.",
                DeploymentStatus.RolledBack => $"{StepName(info.FailedStep)} failed; rolled back to {Short(info.PreviousCommit)} ({info.PreviousRef}) in {seconds} s.",
                _ => $"{StepName(info.FailedStep)} failed; {Short(info.LiveCommit)} is checked out.",
            };
        }

        private static string StepName(string? step) => step switch
        {
            "HealthCheck" => "the health check",
            "Up" => "bringing the stack up",
            "Migrate" => "the migrations",
            "Checkout" => "the checkout",
            _ => "the deploy",
        };

        private static string Short(string? commit) => string.IsNullOrEmpty(commit) ? "nothing" : commit!.Length > 12 ? commit.Substring(0, 12) : commit;

        private static string Shown(string value) => value.Length > 60 ? value.Substring(0, 60) + "..." : value;

        private static string Tail(string text)
        {
            var t = text.Trim();
            return t.Length > 300 ? "..." + t.Substring(t.Length - 300) : t;
        }
    }
}
