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
#if NET
            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }
#else
            psi.Arguments = string.Join(" ", System.Linq.Enumerable.Select(arguments, a => "\"" + a.Replace("\"", "\\\"") + "\""));
#endif
            psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
            psi.Environment["LC_ALL"] = "C";
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_SSH_COMMAND")))
            {
                psi.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
            }

            if (environment is not null)
            {
                foreach (var pair in environment)
                {
                    psi.Environment[pair.Key] = pair.Value;
                }
            }

            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new InvalidOperationException("git did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new ReleaseOpsException("GitNotInstalled", FailureCategory.NotInstalled, "The git program is not on the PATH; ReleaseOps uses it to fetch and push.",
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
