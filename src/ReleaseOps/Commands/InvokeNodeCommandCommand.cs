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
                        WriteError(ToErrorRecord(NodeCommandRunner.Failure(result), result.HostName));
                    }
                },
                reporter, post, token);
        }
    }
}
