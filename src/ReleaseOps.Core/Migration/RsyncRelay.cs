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
    /// <summary>
    /// Relays rsync's own protocol between two nodes through the admin's machine: rsync's sender runs on the source
    /// (rsync --server --sender) and rsync's receiver on the target, each on an SSH exec channel of a connection the
    /// caller opened (host keys checked), and this relay copies the bytes between the two channels in both directions.
    /// So only what rsync sends travels: the file list, and for a changed file only its delta against the target's copy.
    /// </summary>
    /// <remarks>
    /// The receiver is rsync's client (its remote shell, -e, is a pair of cats joined to the SSH channel through file
    /// descriptors 3 and 4), so that its --delete, --max-delete and --out-format work as the rsync that users know;
    /// two "--server" ends cannot talk to each other without a translator of the client's part of the handshake.
    /// How the ends close matters: sshd drops the whole connection when an EOF or data reaches a channel it has closed.
    /// The sender exits after rsync's final goodbye, which is the last thing the receiver sends, so nothing is written
    /// to the source after its channel closes, and the relay never sends it an EOF. The relay closes the receiver's
    /// standard input once the source's channel has closed; the receiver's transport waits for exactly that EOF, so its
    /// channel is still open then. A receiver that fails kills its own transport (the script's process group), and the
    /// relay then stops the source, which would otherwise wait for the receiver forever.
    /// </remarks>
    public static class RsyncRelay
    {
        /// <summary>The prefix of the receiver's itemized lines on its standard error.</summary>
        public const string ItemPrefix = "releaseops-item ";

        private const int BufferSize = 256 * 1024;

        public static async Task<RsyncRelayResult> RelayAsync(
            NodeSession source, NodeCommandRequest sourceRequest,
            NodeSession target, NodeCommandRequest targetRequest,
            Action<long> progress, IOperationReporter reporter, CancellationToken token)
        {
            var sourceMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            var targetMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            using var sourceCommand = source.Client.CreateCommand(NodeCommandRunner.CommandLine(sourceRequest, source.IsRoot, sourceMarker));
            using var targetCommand = target.Client.CreateCommand(NodeCommandRunner.CommandLine(targetRequest, target.IsRoot, targetMarker));
            sourceCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            targetCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            var result = new RsyncRelayResult();
            var sourceErr = new StringBuilder();
            var targetErr = new StringBuilder();
            var items = new List<string>();

            var targetRun = targetCommand.ExecuteAsync(CancellationToken.None);
            var targetInput = targetCommand.CreateInputStream();
            var sourceRun = sourceCommand.ExecuteAsync(CancellationToken.None);
            var sourceInput = sourceCommand.CreateInputStream();
            var sourceErrPump = NodeStream.TailAsync(sourceCommand.ExtendedOutputStream, sourceErr);
            var targetErrPump = LinesAsync(targetCommand.ExtendedOutputStream, targetErr, items);
            var killed = 0;
            async Task KillBothAsync()
            {
                if (Interlocked.Exchange(ref killed, 1) == 0)
                {
                    await Task.WhenAll(
                        NodeCommandRunner.KillAsync(source, sourceMarker, sourceRequest.Sudo && !source.IsRoot),
                        NodeCommandRunner.KillAsync(target, targetMarker, targetRequest.Sudo && !target.IsRoot)).ConfigureAwait(false);
                }
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
            using (token.Register(() => _ = KillBothAsync()))
            {
                // Down: the sender's output into the receiver. Its end is the source's channel closing (SSH.NET ends the
                // stream there); only then does the receiver get its EOF, once.
                var down = Task.Factory.StartNew(() =>
                {
                    // Synchronous copies on threads of their own: SSH.NET's streams are synchronous underneath, and the
                    // async wrappers cost a thread-pool hop per packet.
                    var buffer = new byte[BufferSize];
                    var output = sourceCommand.OutputStream;
                    int n;
                    while (!stop.IsCancellationRequested && (n = output.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        targetInput.Write(buffer, 0, n);
                        progress(Interlocked.Add(ref result.DownField, n));
                    }

                    stop.Token.ThrowIfCancellationRequested();
                    if (!targetRun.IsCompleted)
                    {
                        targetInput.Dispose();
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

                // Up: the receiver's requests and checksums into the sender. Never an EOF: the sender ends on rsync's
                // goodbye, and its channel may already be closed when the receiver's output ends.
                var up = Task.Factory.StartNew(() =>
                {
                    var buffer = new byte[BufferSize];
                    var output = targetCommand.OutputStream;
                    int n;
                    while (!stop.IsCancellationRequested && (n = output.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        sourceInput.Write(buffer, 0, n);
                        Interlocked.Add(ref result.UpField, n);
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

                try
                {
                    // A receiver that ended while the sender still runs failed (the sender always ends first when all
                    // goes well): the sender would wait for it forever, so it is stopped.
                    var first = await Task.WhenAny(down, Task.WhenAll(targetRun, up)).ConfigureAwait(false);
                    if (first != down)
                    {
                        if (await Task.WhenAny(down, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != down)
                        {
                            result.RelayError = "the receiver ended before the sender";
                        }
                    }

                    if (result.RelayError is null)
                    {
                        await down.ConfigureAwait(false);
                        await up.ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    result.RelayError = token.IsCancellationRequested ? "stopped" : ex.Message;
                }

                if (result.RelayError is not null)
                {
                    reporter.Verbose($"rsync {source.Name} -> {target.Name} stopped after {result.DownField} bytes ({result.RelayError}); stopping both ends.");
                    await KillBothAsync().ConfigureAwait(false);
                    stop.Cancel();

                    // SSH.NET's streams do not all honour the token: a pump still waiting after the kill has its channel closed.
                    var pumps = Task.WhenAll(NodeStream.Quiet(down), NodeStream.Quiet(up));
                    if (await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false) != pumps)
                    {
                        sourceCommand.CancelAsync(forceKill: true, millisecondsTimeout: 500);
                        targetCommand.CancelAsync(forceKill: true, millisecondsTimeout: 500);
                        await pumps.ConfigureAwait(false);
                    }
                }
            }

            result.SourceExit = await NodeStream.EndAsync(sourceCommand, sourceRun).ConfigureAwait(false);
            result.TargetExit = await NodeStream.EndAsync(targetCommand, targetRun).ConfigureAwait(false);

            // Both channels are closed now: disposing the input streams sends nothing.
            NodeStream.SafeDispose(sourceInput);
            NodeStream.SafeDispose(targetInput);
            await Task.WhenAll(NodeStream.Quiet(sourceErrPump), NodeStream.Quiet(targetErrPump)).ConfigureAwait(false);
            lock (targetErr)
            {
                result.Items = items.ToArray();
            }

            result.Down = result.DownField;
            result.Up = result.UpField;
            result.SourceError = NodeStream.Snapshot(sourceErr);
            result.TargetError = NodeStream.Snapshot(targetErr);
            token.ThrowIfCancellationRequested();
            return result;
        }

        private static async Task LinesAsync(Stream stream, StringBuilder sink, List<string> items)
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 65536, leaveOpen: true);
            string? line;
            while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                lock (sink)
                {
                    if (line.StartsWith(ItemPrefix, StringComparison.Ordinal))
                    {
                        items.Add(line.Substring(ItemPrefix.Length));
                        continue;
                    }

                    sink.Append(line).Append('\n');
                    if (sink.Length > NodeStream.ErrorTail)
                    {
                        sink.Remove(0, sink.Length - NodeStream.ErrorTail);
                    }
                }
            }
        }
    }
}
