using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// The git program, for transport only (fetch and push): it speaks file, HTTPS and SSH remotes the way admins have
    /// configured them, including their ssh_config and keys, which LibGit2Sharp cannot use from a scheduled task.
    /// It never prompts: GIT_TERMINAL_PROMPT=0, and ssh runs with BatchMode=yes unless GIT_SSH_COMMAND says otherwise.
    /// </summary>
    public static class GitCli
    {
        /// <summary>A token for HTTPS remotes (a GitHub or GitLab access token); Start-Release -Token sets it for the call.</summary>
        public const string TokenVariable = "RELEASEOPS_GIT_TOKEN";

        /// <summary>The user name sent with the token; x-access-token when unset, as GitHub expects.</summary>
        public const string UserVariable = "RELEASEOPS_GIT_USERNAME";

        private static readonly object HelperGate = new();
        private static readonly HashSet<string> Transports = new(StringComparer.Ordinal) { "fetch", "push", "pull", "ls-remote", "clone" };
        private static string? helper;
        private static string? noHooks;

        /// <summary>An empty folder in this process's private folder, given to git as core.hooksPath.</summary>
        internal static string NoHooksDirectory()
        {
            lock (HelperGate)
            {
                if (noHooks is null || !System.IO.Directory.Exists(noHooks))
                {
                    var dir = System.IO.Path.Combine(LocalFiles.ProcessDirectory(), "no-hooks");
                    System.IO.Directory.CreateDirectory(dir);
                    noHooks = dir;
                }

                return noHooks;
            }
        }

        /// <summary>
        /// Writes (once per process) the askpass helper: a script that answers git's prompts from the environment. It
        /// goes in this process's private folder (a new 0700 folder, see <see cref="LocalFiles"/>), created exclusively
        /// with mode 0700, so that another local user can neither read nor replace it; it holds no secret itself.
        /// </summary>
        public static string AskPassHelper()
        {
            lock (HelperGate)
            {
                if (helper is not null && System.IO.File.Exists(helper))
                {
                    return helper;
                }

                var windows = Environment.OSVersion.Platform == PlatformID.Win32NT;
                var dir = LocalFiles.ProcessDirectory();
                var path = System.IO.Path.Combine(dir, windows ? "askpass.cmd" : "askpass.sh");
                var text = windows
                    ? "@echo off\r\necho %1 | findstr /b /c:\"Username\" >nul && (if defined " + UserVariable + " (echo %" + UserVariable + "%) else (echo x-access-token)) || echo %" + TokenVariable + "%\r\n"
                    : "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s\\n' \"${" + UserVariable + ":-x-access-token}\" ;;\n  *) printf '%s\\n' \"$" + TokenVariable + "\" ;;\nesac\n";
                using (var stream = LocalFiles.CreateNew(path, executable: true))
                {
                    var bytes = new UTF8Encoding(false).GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                }

                helper = path;
                return path;
            }
        }

        public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, IEnumerable<string> arguments,
            CancellationToken token, IDictionary<string, string>? environment = null)
        {
            var psi = new ProcessStartInfo("git")
            {
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            // The repository's hooks never run under ReleaseOps: core.hooksPath may point into the worktree (husky's
            // .husky), which whoever pushes to develop writes, and pre-push, reference-transaction and pre-auto-gc would
            // run with the git token in their environment. An empty private folder stands for "no hooks" on every OS.
            // (git drops -c settings from the environment of a local remote's receive-pack, so its hooks still run.)
            var args = new List<string> { "-c", "core.hooksPath=" + NoHooksDirectory() };
            args.AddRange(arguments);
            var transport = args.Count > 2 && Transports.Contains(args[2]);
#if NET
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
#else
            psi.Arguments = string.Join(" ", System.Linq.Enumerable.Select(args, a => "\"" + a.Replace("\"", "\\\"") + "\""));
#endif
            psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
            psi.Environment["LC_ALL"] = "C";
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_SSH_COMMAND")))
            {
                psi.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
            }

            // No cloud or Jenkins secret reaches git; the git token only reaches the commands that talk to a remote.
            ChildEnvironment.Scrub(psi, agent: false);
            var gitToken = environment is not null && environment.TryGetValue(TokenVariable, out var given) ? given : Environment.GetEnvironmentVariable(TokenVariable);
            if (environment is not null)
            {
                foreach (var pair in environment)
                {
                    if (pair.Key != TokenVariable)
                    {
                        psi.Environment[pair.Key] = pair.Value;
                    }
                }
            }

            if (transport && !string.IsNullOrEmpty(gitToken))
            {
                // HTTPS remotes: git asks GIT_ASKPASS for the user name and the password. The helper holds no secret;
                // it prints the token from this child's environment, so the token is never on a command line.
                psi.Environment["GIT_ASKPASS"] = AskPassHelper();
                psi.Environment[TokenVariable] = gitToken;
            }

            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new InvalidOperationException("git did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new ReleaseOpsException(ErrorIds.GitNotInstalled, FailureCategory.NotInstalled, "The git program is not on the PATH; ReleaseOps uses it to fetch and push.",
                    "Install git (apt-get install git, or Git for Windows).", null, ex);
            }

            using (process)
            {
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                using (token.Register(() =>
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }))
                {
                    await Task.Run(() => process.WaitForExit(), CancellationToken.None).ConfigureAwait(false);
                }

                token.ThrowIfCancellationRequested();
                return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
        }
    }
}
