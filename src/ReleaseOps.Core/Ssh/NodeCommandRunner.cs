using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// Runs commands on nodes. The remote command runs as "exec sh -c &lt;command&gt; &lt;marker&gt; &lt;args&gt;", so its shell is the
    /// process group leader and carries a unique marker in its command line: on a timeout or Ctrl+C, a second channel
    /// kills that process group, so nothing keeps running on the node.
    /// </summary>
    public static class NodeCommandRunner
    {
        public static string CommandLine(NodeCommandRequest request, bool isRoot, string marker)
        {
            var line = "exec sh -c " + ShellQuote.Quote(request.Command) + " " + ShellQuote.Quote(marker)
                + (request.Arguments.Count > 0 ? " " + ShellQuote.Join(request.Arguments) : string.Empty);
            return request.Sudo && !isRoot ? "exec sudo -n -- " + line.Substring("exec ".Length) : line;
        }

        /// <summary>The command line as the admin would read it (no marker).</summary>
        public static string Display(NodeCommandRequest request) =>
            (request.Sudo ? "sudo " : string.Empty) + request.Command
            + (request.Arguments.Count > 0 ? " -- " + ShellQuote.Join(request.Arguments) : string.Empty);

        /// <summary>
        /// The error that a failed command reports (Invoke-NodeCommand writes it after the result): its FailureId
        /// (NonZeroExit when there is none), the command, why it failed and what to do.
        /// </summary>
        public static ReleaseOpsException Failure(NodeCommandResult result)
        {
            if (result is null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            var message = $"{result.HostName}: '{result.Command}' {Describe(result)}";
            var action = result.FailureId switch
            {
                ErrorIds.CommandTimedOut => "Raise -Timeout, or find out why the command hangs; it was killed on the node.",
                ErrorIds.SudoFailed => "Give the user passwordless sudo on the node (a sudoers drop-in), or log in as root.",
                _ => "Read the result's Error and Output for the cause.",
            };
            return new ReleaseOpsException(result.FailureId ?? ErrorIds.NonZeroExit,
                result.FailureId == ErrorIds.CommandTimedOut ? FailureCategory.OperationTimeout : FailureCategory.InvalidResult, message, action, result.HostName);
        }

        private static string Describe(NodeCommandResult r) => r.FailureId switch
        {
            ErrorIds.CommandTimedOut => $"timed out after {r.Duration.TotalSeconds:0.#} s and was killed.",
            ErrorIds.CommandStopped => "was stopped.",
            ErrorIds.SudoFailed => $"could not run through sudo: {r.Error.Trim()}",
            _ => $"exited with {r.ExitCode}.{(r.Error.Length > 0 ? " " + TailOf(r.Error) : string.Empty)}",
        };

        private static string TailOf(string text)
        {
            var t = text.Trim();
            return t.Length > 300 ? "..." + t.Substring(t.Length - 300) : t;
        }

        /// <summary>
        /// Runs the command on an open session. onLine receives each line of output (isError for stderr) as it arrives.
        /// A non-zero exit is a result, not an exception; a timeout or a stop kills the remote process group.
        /// </summary>
        public static async Task<NodeCommandResult> RunAsync(NodeSession session, NodeCommandRequest request,
            Action<string, bool>? onLine, IOperationReporter reporter, CancellationToken token)
        {
            var watch = Stopwatch.StartNew();
            var marker = "releaseops-" + Guid.NewGuid().ToString("N");
            var line = CommandLine(request, session.IsRoot, marker);
            using var command = session.Client.CreateCommand(line, new UTF8Encoding(false));
            command.CommandTimeout = System.Threading.Timeout.InfiniteTimeSpan;
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();

            Stream? input = null;
            var execute = command.ExecuteAsync(CancellationToken.None);
            if (request.Input is not null)
            {
                input = command.CreateInputStream();
            }

            var readOut = PumpAsync(command.OutputStream, stdout, l => onLine?.Invoke(l, false));
            var readErr = PumpAsync(command.ExtendedOutputStream, stderr, l => onLine?.Invoke(l, true));
            if (input is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(request.Input!);
                await input.WriteAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
                input.Dispose();
            }

            using var timeout = new CancellationTokenSource();
            if (request.Timeout is TimeSpan t)
            {
                timeout.CancelAfter(t);
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
            var stopped = Task.Delay(System.Threading.Timeout.Infinite, either.Token);
            var first = await Task.WhenAny(execute, stopped).ConfigureAwait(false);
            string? failure = null;
            if (first != execute)
            {
                failure = token.IsCancellationRequested ? ErrorIds.CommandStopped : ErrorIds.CommandTimedOut;
                reporter.Verbose($"{session.Name}: {(failure == ErrorIds.CommandTimedOut ? "timed out" : "stopping")}; killing the remote command.");
                await KillAsync(session, marker, request.Sudo && !session.IsRoot).ConfigureAwait(false);
                if (await Task.WhenAny(execute, Task.Delay(5000, CancellationToken.None)).ConfigureAwait(false) != execute)
                {
                    command.CancelAsync(forceKill: true, millisecondsTimeout: 500);
                }
            }

            try
            {
                await execute.ConfigureAwait(false);
            }
            catch (Exception ex) when (failure is not null && ex is not OutOfMemoryException)
            {
            }

            await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
            var exit = failure is null ? command.ExitStatus : null;
            if (failure is null && exit is null)
            {
                failure = ErrorIds.CommandKilled;
            }
            else if (failure is null && exit != 0)
            {
                failure = request.Sudo && exit == 1 && stderr.ToString().Contains("sudo:") ? ErrorIds.SudoFailed : ErrorIds.NonZeroExit;
            }

            return new NodeCommandResult
            {
                HostName = session.Name,
                Endpoint = session.Endpoint,
                User = request.Sudo ? "root" : session.User,
                Command = Display(request),
                ExitCode = exit,
                Output = stdout.ToString(),
                Error = stderr.ToString(),
                Duration = watch.Elapsed,
                Succeeded = exit == 0,
                FailureId = failure,
            };
        }

        internal static async Task KillAsync(NodeSession session, string marker, bool sudo)
        {
            // The marker sits in the command line of the group leader; kill its whole process group.
            var script = "pid=$(pgrep -o -f " + ShellQuote.Quote(marker) + ") || exit 0; pg=$(ps -o pgid= -p \"$pid\" | tr -d ' '); "
                + "kill -TERM -- \"-$pg\" 2>/dev/null; sleep 1; kill -KILL -- \"-$pg\" 2>/dev/null; exit 0";
            var line = sudo ? "sudo -n -- sh -c " + ShellQuote.Quote(script) : script;
            try
            {
                using var kill = session.Client.CreateCommand(line);
                kill.CommandTimeout = TimeSpan.FromSeconds(10);
                await kill.ExecuteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Renci.SshNet.Common.SshException or IOException or InvalidOperationException or ObjectDisposedException)
            {
            }
        }

        private static async Task PumpAsync(Stream stream, StringBuilder sink, Action<string> onLine)
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 4096, leaveOpen: true);
            string? l;
            while ((l = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                lock (sink)
                {
                    sink.Append(l).Append('\n');
                }

                onLine(l);
            }
        }
    }
}
