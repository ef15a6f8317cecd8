using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Bootstrap
{
    /// <summary>
    /// Brings nodes to the agency's baseline (the process (about_ReleaseOps), "Bootstrapping") and manages the team's accounts. Each call
    /// runs one POSIX sh script as root on the node (bootstrap.sh, embedded), with every value passed as a quoted
    /// argument. The script reports each step as Changed or Unchanged, the way Ansible reports changed and ok, and
    /// is idempotent: a rerun after a failure or a dropped connection completes the node.
    /// </summary>
    /// <remarks>
    /// Decisions. Accounts get the password '*': they cannot log in with a password at all, only with their keys,
    /// so no account ever has an empty or guessable password. sudo for the group dev is therefore passwordless,
    /// through /etc/sudoers.d/releaseops-dev, which visudo -c checks before it is installed. Shared history is
    /// /etc/profile.d/releaseops-history.sh, sourced by /etc/bash.bashrc for every interactive bash: HISTTIMEFORMAT
    /// makes bash write "#epoch" lines, and PROMPT_COMMAND "history -a" appends each command at once.
    /// </remarks>
    public static class NodeBootstrap
    {
        public const string Mode = "bootstrap";
        public const string AddUserMode = "adduser";
        public const string RemoveUserMode = "removeuser";
        public const string ListUsersMode = "listusers";
        public const string DefaultDotfilesUrl = "https://github.com/countable-web/dotfiles";

        private static readonly Regex LoginPattern = new("^[a-z_][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant);
        /// <summary>The script, for tests and for admins who want to read exactly what runs.</summary>
        public static string Script => RemoteScript.Bootstrap.Text;

        /// <summary>Checks a roster entry: the login, the name and every key, before any node is touched.</summary>
        public static TeamMember Validate(TeamMember member)
        {
            if (member is null)
            {
                throw new ArgumentNullException(nameof(member));
            }

            var login = member.Login?.Trim() ?? string.Empty;
            if (!LoginPattern.IsMatch(login))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidLogin, FailureCategory.InvalidArgument,
                    $"'{member.Login}' is not a valid login.", "Use 1 to 32 lower-case letters, digits, '_' and '-', starting with a letter or '_', such as alice.", member.Login);
            }

            var name = member.Name?.Trim() ?? string.Empty;
            if (name.Any(c => char.IsControl(c) || c == ':' || c == ','))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidName, FailureCategory.InvalidArgument,
                    $"The name of {login} holds a control character, ':' or ','; /etc/passwd cannot store it.", "Write the name without newlines, tabs, ':' or ','.", member.Name);
            }

            var keys = (member.PublicKey ?? Array.Empty<string>()).Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => PublicKey.Parse(k).Line).ToArray();
            if (keys.Length == 0)
            {
                throw new ReleaseOpsException(ErrorIds.NoPublicKey, FailureCategory.InvalidArgument,
                    $"{login} has no public key; an admin logs in with a key only.", "Give each admin at least one public key (the contents of a .pub file).", login);
            }

            return new TeamMember { Login = login, Name = name, PublicKey = keys };
        }

        /// <summary>The script's per-user arguments: login, name, the fingerprint to replace, the key count, the keys.</summary>
        public static IReadOnlyList<string> UserArguments(IEnumerable<TeamMember> team, string? replaceFingerprint = null) =>
            team.SelectMany(m => new[] { m.Login, m.Name, replaceFingerprint ?? string.Empty, m.PublicKey.Length.ToString(CultureInfo.InvariantCulture) }.Concat(m.PublicKey)).ToList();

        public static Task<IReadOnlyList<NodeStepResult>> InitializeAsync(NodeSession session, IReadOnlyList<TeamMember> team, BootstrapOptions options,
            IOperationReporter reporter, CancellationToken token)
        {
            var features = new List<string>();
            if (options.SudoPolicy)
            {
                features.Add("sudo");
            }

            if (options.History)
            {
                features.Add("history");
            }

            if (options.DotfilesUrl is not null)
            {
                features.Add("dotfiles");
            }

            if (options.Docker || options.Jenkins)
            {
                features.Add("docker");
            }

            if (options.Jenkins)
            {
                features.Add("jenkins");
            }

            if (options.Harden)
            {
                features.Add("harden");
            }

            return RunAsync(session, Mode, options.Check, string.Join(",", features), options.DotfilesUrl ?? string.Empty, UserArguments(team), reporter, token);
        }

        public static Task<IReadOnlyList<NodeStepResult>> AddUsersAsync(NodeSession session, IReadOnlyList<TeamMember> users, string? replaceFingerprint, bool check,
            IOperationReporter reporter, CancellationToken token) =>
            RunAsync(session, AddUserMode, check, "sudo", string.Empty, UserArguments(users, replaceFingerprint), reporter, token);

        public static Task<IReadOnlyList<NodeStepResult>> RemoveUsersAsync(NodeSession session, IReadOnlyList<string> logins, bool removeHome, bool check,
            IOperationReporter reporter, CancellationToken token) =>
            RunAsync(session, RemoveUserMode, check, string.Empty, string.Empty, logins.SelectMany(l => new[] { l, removeHome ? "1" : "0" }).ToList(), reporter, token);

        public static async Task<IReadOnlyList<NodeUser>> ListUsersAsync(NodeSession session, IOperationReporter reporter, CancellationToken token)
        {
            var result = await Run(session, ListUsersMode, false, string.Empty, string.Empty, Array.Empty<string>(), reporter, token).ConfigureAwait(false);
            return result.Rows.Where(f => f.Length >= 7 && f[0] == "user")
                .Select(f => new NodeUser
                {
                    HostName = session.Name,
                    Login = f[1],
                    Name = f[2],
                    Groups = f[3].Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries),
                    KeyFingerprints = f[4].Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries),
                    Locked = f[5] == "1",
                    Home = f[6],
                }).ToList();
        }

        private static async Task<IReadOnlyList<NodeStepResult>> RunAsync(NodeSession session, string mode, bool check, string features, string dotfiles,
            IReadOnlyList<string> userArguments, IOperationReporter reporter, CancellationToken token)
        {
            var script = await Run(session, mode, check, features, dotfiles, userArguments, reporter, token).ConfigureAwait(false);
            var result = script.Command;
            var steps = script.Steps
                .Select(f => new NodeStepResult { HostName = session.Name, Step = f.Name, Status = ParseStatus(f.Status), Detail = ParseStatus(f.Status) == StepStatus.Failed && f.Status != nameof(StepStatus.Failed) ? $"unknown status {f.Status}: {f.Detail}" : f.Detail, ErrorId = f.ErrorId }).ToList();
            if (!result.Succeeded && !steps.Any(s => s.Status == StepStatus.Failed))
            {
                steps.Add(new NodeStepResult
                {
                    HostName = session.Name,
                    Step = "Bootstrap",
                    Status = StepStatus.Failed,
                    Detail = result.FailureId == ErrorIds.SudoFailed ? $"{session.User} has no passwordless sudo: {result.Error.Trim()}"
                        : $"{result.FailureId} (exit {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {result.Error.Trim()}",
                });
            }

            return steps;
        }

        /// <summary>The error that a failed step reports: its refusal id (a SecurityError), or NodeStepFailed.</summary>
        public static ReleaseOpsException StepFailure(NodeStepResult step)
        {
            if (step is null)
            {
                throw new ArgumentNullException(nameof(step));
            }

            return new ReleaseOpsException(step.ErrorId ?? ErrorIds.NodeStepFailed, step.ErrorId is null ? FailureCategory.InvalidResult : FailureCategory.SecurityError,
                $"{step.HostName}: {step.Step} failed: {step.Detail}",
                "Fix the cause and run the same command again: the steps that are done report Unchanged, and the rest complete.", step.HostName);
        }

        // bootstrap.sh's statuses are StepStatus names; a word it should never print counts as a failure.
        private static StepStatus ParseStatus(string word) =>
            Enum.TryParse<StepStatus>(word, ignoreCase: false, out var status) && Enum.IsDefined(typeof(StepStatus), status) && !int.TryParse(word, out _)
                ? status
                : StepStatus.Failed;

        private static Task<RemoteScriptResult> Run(NodeSession session, string mode, bool check, string features, string dotfiles,
            IReadOnlyList<string> userArguments, IOperationReporter reporter, CancellationToken token)
        {
            var arguments = new List<string> { check ? "1" : "0", mode, features, dotfiles };
            arguments.AddRange(userArguments);
            reporter.Verbose($"{session.Name}: running the {mode} script as root{(check ? " in check mode" : string.Empty)}.");
            return RemoteScript.Bootstrap.RunAsync(session, arguments, !session.IsRoot, TimeSpan.FromMinutes(30), null, null, reporter, token);
        }
    }
}
