using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Invoke-NodeCommand: runs a command or a script on many nodes at once.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "NodeCommand", SupportsShouldProcess = true, DefaultParameterSetName = CommandSet)]
    [OutputType(typeof(NodeCommandResult))]
    public sealed class InvokeNodeCommandCommand : SshCmdlet
    {
        private const string CommandSet = "Command";
        private const string FileSet = "FilePath";
        private NodeCommandRequest request = new();

        /// <summary>The command line for the remote shell.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CommandSet)]
        [ValidateNotNullOrEmpty]
        public string Command { get; set; } = string.Empty;

        /// <summary>A local shell script to run on the nodes (sent on standard input to sh).</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSet)]
        [ValidateNotNullOrEmpty]
        public string FilePath { get; set; } = string.Empty;

        /// <summary>Values passed to the command or script as separate, quoted arguments ("$1", "$2", ...).</summary>
        [Parameter]
        [Alias("Args")]
        public string[] ArgumentList { get; set; } = Array.Empty<string>();

        /// <summary>Runs as root through sudo -n when the login user is not root.</summary>
        [Parameter]
        public SwitchParameter Sudo { get; set; }

        /// <summary>Stops the remote command after this long (a number is seconds).</summary>
        [Parameter]
        [Seconds]
        [Alias("TimeoutSeconds")]
        public TimeSpan Timeout { get; set; }

        /// <summary>Writes each line of output to the information stream as it arrives, prefixed with the node.</summary>
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <inheritdoc />
        protected override string Action => ParameterSetName == FileSet ? $"Run script {FilePath}" : $"Run '{Command}'";

        /// <inheritdoc />
        protected override string Activity => "Invoke-NodeCommand";

        /// <inheritdoc />
        protected override void Prepare()
        {
            request = new NodeCommandRequest
            {
                Command = Command,
                Arguments = ArgumentList,
                Sudo = Sudo.IsPresent,
                Timeout = Timeout > TimeSpan.Zero ? Timeout : null,
            };
            if (ParameterSetName == FileSet)
            {
                var path = GetUnresolvedProviderPathFromPSPath(FilePath);
                if (!File.Exists(path))
                {
                    throw new ReleaseOpsException(ErrorIds.ScriptNotFound, FailureCategory.ObjectNotFound, $"The script {path} does not exist.", "Pass the path of a local shell script.", path);
                }

                request.Command = "sh -s -- \"$@\"";
                request.Input = File.ReadAllText(path);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var stream = Stream.IsPresent;
            return FanOutAsync(nodes, options, (session, ct) => NodeCommandRunner.RunAsync(session, request,
                    stream ? (line, isError) => post(() => WriteInformation(new InformationRecord($"{session.Name}: {line}", session.Name), new[] { isError ? "stderr" : "stdout", session.Name })) : null,
                    reporter, ct),
                result =>
                {
                    WriteObject(result);
                    if (!result.Succeeded)
                    {
                        WriteError(new ErrorRecord(
                            new InvalidOperationException($"{result.HostName}: '{result.Command}' {Describe(result)}"),
                            result.FailureId ?? ErrorIds.NonZeroExit, result.FailureId == ErrorIds.CommandTimedOut ? ErrorCategory.OperationTimeout : ErrorCategory.InvalidResult, result.HostName)
                        {
                            ErrorDetails = new ErrorDetails($"{result.HostName}: '{result.Command}' {Describe(result)}")
                            {
                                RecommendedAction = result.FailureId switch
                                {
                                    ErrorIds.CommandTimedOut => "Raise -Timeout, or find out why the command hangs; it was killed on the node.",
                                    ErrorIds.SudoFailed => "Give the user passwordless sudo on the node (a sudoers drop-in), or log in as root.",
                                    _ => "Read the result's Error and Output for the cause.",
                                },
                            },
                        });
                    }
                },
                reporter, post, token);
        }

        private static string Describe(NodeCommandResult r) => r.FailureId switch
        {
            ErrorIds.CommandTimedOut => $"timed out after {r.Duration.TotalSeconds:0.#} s and was killed.",
            ErrorIds.CommandStopped => "was stopped.",
            ErrorIds.SudoFailed => $"could not run through sudo: {r.Error.Trim()}",
            _ => $"exited with {r.ExitCode}.{(r.Error.Length > 0 ? " " + Tail(r.Error) : string.Empty)}",
        };

        private static string Tail(string text)
        {
            var t = text.Trim();
            return t.Length > 300 ? "..." + t.Substring(t.Length - 300) : t;
        }
    }
}
