using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;
using Renci.SshNet;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What a node-to-node stream did: bytes relayed, and how each end's command ended.</summary>
    public sealed class NodeStreamResult
    {
        public long Bytes { get; set; }

        public int? SourceExit { get; set; }

        public string SourceError { get; set; } = string.Empty;

        public int? TargetExit { get; set; }

        public string TargetError { get; set; } = string.Empty;

        /// <summary>Set when the relay itself failed (a channel closed under it).</summary>
        public string? RelayError { get; set; }

        public bool Succeeded => SourceExit == 0 && TargetExit == 0 && RelayError is null;
    }

    /// <summary>
    /// Streams the output of a command on one node into the standard input of a command on another, through the
    /// admin's machine, on the two SSH connections the caller already opened (and whose host keys were checked).
    /// Data passes through one fixed buffer: it never lands on disk and is never whole in memory.
    /// </summary>
    /// <remarks>
    /// Both commands run under NodeCommandRunner's marker, so Ctrl+C (or a failure at one end) kills the other end's
    /// whole process group on its node. The two ends' standard error is kept (the last 16 KB of each) for messages.
    /// </remarks>
    public static class NodeStream
    {
        /// <summary>The relay buffer: large enough for SSH's 32 KB packets to pile up, small enough to be invisible.</summary>
        public const int BufferSize = 256 * 1024;

        private const int ErrorTail = 16 * 1024;

        public static async Task<NodeStreamResult> RelayAsync(
            NodeSession source, NodeCommandRequest sourceRequest, byte[]? sourceInput,
            NodeSession target, NodeCommandRequest targetRequest,
            Action<long> progress, IOperationReporter reporter, CancellationToken token)
        {
            var sourceMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            var targetMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            using var sourceCommand = source.Client.CreateCommand(NodeCommandRunner.CommandLine(sourceRequest, source.IsRoot, sourceMarker));
            using var targetCommand = target.Client.CreateCommand(NodeCommandRunner.CommandLine(targetRequest, target.IsRoot, targetMarker));
            sourceCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            targetCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            var result = new NodeStreamResult();
            var sourceErr = new StringBuilder();
            var targetErr = new StringBuilder();

            // The target starts first, so that it is ready to read when the first bytes arrive.
            var targetRun = targetCommand.ExecuteAsync(CancellationToken.None);
            var targetInput = targetCommand.CreateInputStream();
            var sourceRun = sourceCommand.ExecuteAsync(CancellationToken.None);
            var targetErrPump = TailAsync(targetCommand.ExtendedOutputStream, targetErr);
            var sourceErrPump = TailAsync(sourceCommand.ExtendedOutputStream, sourceErr);
            var targetOutPump = TailAsync(targetCommand.OutputStream, targetErr);
            if (sourceInput is not null)
            {
                using var input = sourceCommand.CreateInputStream();
                await input.WriteAsync(sourceInput, 0, sourceInput.Length, token).ConfigureAwait(false);
            }

            var stopped = false;
            using (token.Register(() => Volatile.Write(ref stopped, true)))
            {
                try
                {
                    var buffer = new byte[BufferSize];
                    var output = sourceCommand.OutputStream;
                    int n;
                    while ((n = await output.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                    {
                        await targetInput.WriteAsync(buffer, 0, n, token).ConfigureAwait(false);
                        result.Bytes += n;
                        progress(result.Bytes);
                    }

                    // End of the source's output: only a source that exited 0 gets its stream closed normally at the
                    // target. A source that died (or whose connection was cut) must not hand the target a truncated
                    // stream that the target might take as complete.
                    result.SourceExit = await EndAsync(sourceCommand, sourceRun).ConfigureAwait(false);
                    if (result.SourceExit == 0)
                    {
                        await targetInput.FlushAsync(token).ConfigureAwait(false);
                        targetInput.Dispose();
                    }
                    else
                    {
                        result.RelayError = "the source command ended with " + (result.SourceExit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no exit status (its connection was cut)");
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or Renci.SshNet.Common.SshException
                    || (ex is OperationCanceledException && token.IsCancellationRequested))
                {
                    result.RelayError = token.IsCancellationRequested ? "stopped" : ex.Message;
                }

                // When the stream broke or was stopped, neither end may go on alone.
                if (result.RelayError is not null)
                {
                    reporter.Verbose($"Stream {source.Name} -> {target.Name} stopped after {result.Bytes} bytes ({result.RelayError}); stopping both ends.");
                    await Task.WhenAll(
                        NodeCommandRunner.KillAsync(source, sourceMarker, sourceRequest.Sudo && !source.IsRoot),
                        NodeCommandRunner.KillAsync(target, targetMarker, targetRequest.Sudo && !target.IsRoot)).ConfigureAwait(false);
                    SafeDispose(targetInput);
                }
            }

            result.SourceExit ??= await EndAsync(sourceCommand, sourceRun).ConfigureAwait(false);
            result.TargetExit = await EndAsync(targetCommand, targetRun).ConfigureAwait(false);
            await Task.WhenAll(Quiet(sourceErrPump), Quiet(targetErrPump), Quiet(targetOutPump)).ConfigureAwait(false);
            result.SourceError = Snapshot(sourceErr);
            result.TargetError = Snapshot(targetErr);
            token.ThrowIfCancellationRequested();
            return result;
        }

        private static async Task<int?> EndAsync(SshCommand command, Task run)
        {
            try
            {
                await run.ConfigureAwait(false);
                return command.ExitStatus;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }

        private static async Task Quiet(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
            }
        }

        private static void SafeDispose(Stream stream)
        {
            try
            {
                stream.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
            }
        }

        private static string Snapshot(StringBuilder sb)
        {
            lock (sb)
            {
                return sb.ToString();
            }
        }

        private static async Task TailAsync(Stream stream, StringBuilder sink)
        {
            var buffer = new byte[8192];
            int n;
            while ((n = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                lock (sink)
                {
                    sink.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    if (sink.Length > ErrorTail)
                    {
                        sink.Remove(0, sink.Length - ErrorTail);
                    }
                }
            }
        }

        /// <summary>The readable last lines of a command's standard error, for an error message.</summary>
        public static string Brief(string error)
        {
            var lines = new List<string>();
            foreach (var l in error.Split('\n'))
            {
                var t = l.Trim();
                if (t.Length > 0 && t.IndexOf("unable to resolve host", StringComparison.Ordinal) < 0)
                {
                    lines.Add(t);
                }
            }

            return string.Join(" | ", lines.Count > 4 ? lines.GetRange(lines.Count - 4, 4) : lines);
        }
    }
}
