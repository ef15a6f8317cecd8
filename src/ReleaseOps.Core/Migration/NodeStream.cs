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

        /// <summary>One credit lets the source send this much.</summary>
        public const int CreditSize = 1024 * 1024;

        /// <summary>How many credits may be outstanding: the most that can wait in this machine's memory.</summary>
        public const int CreditWindow = 8;

        internal const int ErrorTail = 16 * 1024;

        /// <summary>
        /// Flow control. SSH.NET acknowledges channel data as soon as it arrives (it adjusts the window on receipt, not
        /// when the reader takes the data), so a source faster than the target would pile up in this machine's memory.
        /// The source's command therefore runs under this small Perl gate (Perl is essential on Debian and Ubuntu): it
        /// passes the command's output on only as far as the relay has granted credits on its standard input, one byte
        /// per MB, and the relay grants a credit for each MB it has written to the target. At most CreditWindow MB are
        /// ever in flight. The gate exits with the command's own status. The command's standard input is /dev/null:
        /// docker exec and docker compose exec read theirs, and would otherwise eat the credits (and the relay stall).
        /// </summary>
        /// <remarks>
        /// The gate must not exit while the relay may still write credits. When a command's process exits, sshd closes
        /// its channel; SSH.NET answers the close from its message loop while a credit write on another thread may have
        /// passed its "still open" check, so the credit goes out after SSH.NET's own CHANNEL_CLOSE. sshd then sees "data
        /// packet referred to nonexistent channel", a protocol error, and drops the whole connection: every later call
        /// on it failed with "Client not connected" (1 to 3 syncs in 100, more under load). So the output goes out in
        /// frames (a 4-byte big-endian length, then the bytes), a zero-length frame marks the end, and the gate then
        /// waits for the end of its standard input: the relay closes the credits stream only after the end mark, and
        /// only then can the gate exit and sshd close the channel.
        /// </remarks>
        internal const string GatePerl = @"use strict; binmode STDIN; binmode STDOUT;
my $pid = open(my $in, '-|') // die ""releaseops gate: fork: $!\n"";
if (!$pid) { open(STDIN, '<', '/dev/null') or die ""releaseops gate: stdin: $!\n""; exec { $ARGV[0] } @ARGV or die ""releaseops gate: exec: $!\n""; }
binmode $in; my ($credit, $buf, $c, $eof) = (0, '', '', 0);
sub put { my $d = shift; my $off = 0; while ($off < length $d) { my $w = syswrite(STDOUT, $d, length($d) - $off, $off); die ""releaseops gate: write: $!\n"" unless defined $w; $off += $w; } }
while (1) {
  while ($credit <= 0) { my $r = sysread(STDIN, $c, 64); if (!$r) { $credit = 1e18; $eof = 1; last } $credit += $r * " + "1048576" + @"; }
  my $n = sysread($in, $buf, 262144); die ""releaseops gate: read: $!\n"" unless defined $n; last if $n == 0;
  put(pack('N', $n) . $buf);
  $credit -= $n;
}
close $in; my $status = $? & 127 ? 128 + ($? & 127) : $? >> 8;
put(pack('N', 0));
if (!$eof) { 1 while sysread(STDIN, $c, 65536); }
exit($status);";

        /// <summary>Wraps a command so that its output passes through the credit gate.</summary>
        public static NodeCommandRequest Gated(NodeCommandRequest request)
        {
            var args = new List<string> { "-e", GatePerl, "--", "sh", "-c", request.Command, "releaseops" };
            args.AddRange(request.Arguments);
            return new NodeCommandRequest { Command = "perl \"$@\"", Arguments = args, Sudo = request.Sudo, Timeout = request.Timeout };
        }

        /// <summary>
        /// Wraps the target's command so that, when it succeeds, it reads its standard input to the end before it exits.
        /// tar stops at its end-of-archive blocks and pg_restore at its last block, before the relay's end of input;
        /// the relay's EOF could then reach sshd after the channel closed, which sshd takes as a protocol error ("ieof
        /// packet referred to nonexistent channel") and drops the whole connection: the source's side of the same race
        /// is the gate's end mark. A command that fails exits at once, so a broken stream stops the relay early.
        /// </summary>
        public static NodeCommandRequest Drained(NodeCommandRequest request)
        {
            var args = new List<string> { "sh", "-c", request.Command, "releaseops" };
            args.AddRange(request.Arguments);
            return new NodeCommandRequest { Command = "\"$@\"; s=$?; [ \"$s\" -ne 0 ] || cat >/dev/null; exit \"$s\"", Arguments = args, Sudo = request.Sudo, Timeout = request.Timeout };
        }

        public static async Task<NodeStreamResult> RelayAsync(
            NodeSession source, NodeCommandRequest sourceRequest,
            NodeSession target, NodeCommandRequest targetRequest,
            Action<long> progress, IOperationReporter reporter, CancellationToken token)
        {
            var sourceMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            var targetMarker = "releaseops-" + Guid.NewGuid().ToString("N");
            using var sourceCommand = source.Client.CreateCommand(NodeCommandRunner.CommandLine(Gated(sourceRequest), source.IsRoot, sourceMarker));
            using var targetCommand = target.Client.CreateCommand(NodeCommandRunner.CommandLine(Drained(targetRequest), target.IsRoot, targetMarker));
            sourceCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            targetCommand.CommandTimeout = Timeout.InfiniteTimeSpan;
            var result = new NodeStreamResult();
            var sourceErr = new StringBuilder();
            var targetErr = new StringBuilder();

            // The target starts first, so that it is ready to read when the first bytes arrive.
            var targetRun = targetCommand.ExecuteAsync(CancellationToken.None);
            var targetInput = targetCommand.CreateInputStream();
            var sourceRun = sourceCommand.ExecuteAsync(CancellationToken.None);
            var credits = sourceCommand.CreateInputStream();
            var targetErrPump = TailAsync(targetCommand.ExtendedOutputStream, targetErr);
            var sourceErrPump = TailAsync(sourceCommand.ExtendedOutputStream, sourceErr);
            var targetOutPump = TailAsync(targetCommand.OutputStream, targetErr);
            var granted = 0L;
            var writing = false;
            var creditsClosed = false;
            void CloseCredits()
            {
                // Once only: closing again would send a second EOF, which can reach sshd after the channel closed and make
                // it drop the connection ("ieof packet referred to nonexistent channel").
                if (!creditsClosed)
                {
                    creditsClosed = true;
                    SafeDispose(credits);
                }
            }

            async Task GrantAsync()
            {
                var wanted = (result.Bytes / CreditSize) + CreditWindow;
                if (wanted > granted)
                {
                    var grant = new byte[wanted - granted];
                    await credits.WriteAsync(grant, 0, grant.Length, token).ConfigureAwait(false);
                    await credits.FlushAsync(token).ConfigureAwait(false);
                    granted = wanted;
                }
            }

            // Ctrl+C kills both remote commands at once: a source that sends nothing (waiting on a lock) would otherwise
            // keep the relay waiting for its next bytes; with the source gone, its channel closes and the relay ends.
            using (token.Register(() =>
            {
                _ = NodeCommandRunner.KillAsync(source, sourceMarker, sourceRequest.Sudo && !source.IsRoot);
                _ = NodeCommandRunner.KillAsync(target, targetMarker, targetRequest.Sudo && !target.IsRoot);
            }))
            {
                try
                {
                    var buffer = new byte[BufferSize];
                    var output = sourceCommand.OutputStream;
                    var header = new byte[4];
                    var headerFill = 0;
                    var frameLeft = 0L;
                    var ended = false;
                    await GrantAsync().ConfigureAwait(false);
                    int n;
                    while (!ended && (n = await output.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                    {
                        // The gate's frames: a 4-byte big-endian length, then that many bytes; length 0 is the end mark.
                        var i = 0;
                        while (i < n && !ended)
                        {
                            if (frameLeft == 0)
                            {
                                header[headerFill++] = buffer[i++];
                                if (headerFill == 4)
                                {
                                    headerFill = 0;
                                    frameLeft = ((long)header[0] << 24) | ((long)header[1] << 16) | ((long)header[2] << 8) | header[3];
                                    ended = frameLeft == 0;
                                }

                                continue;
                            }

                            var take = (int)Math.Min(frameLeft, n - i);
                            writing = true;
                            await targetInput.WriteAsync(buffer, i, take, token).ConfigureAwait(false);
                            writing = false;
                            i += take;
                            frameLeft -= take;
                            result.Bytes += take;
                        }

                        progress(result.Bytes);
                        if (!ended)
                        {
                            await GrantAsync().ConfigureAwait(false);
                        }
                    }

                    // After the end mark the gate waits for the end of the credits: close them, and it exits with the
                    // command's status. No credit is written after this, so none can reach a closed channel.
                    if (ended)
                    {
                        CloseCredits();
                    }

                    // End of the source's output: only a source that exited 0 (and whose end mark arrived) gets its stream
                    // closed normally at the target. A source that died (or whose connection was cut) must not hand the
                    // target a truncated stream that the target might take as complete.
                    result.SourceExit = await EndAsync(sourceCommand, sourceRun).ConfigureAwait(false);
                    if (result.SourceExit == 0 && ended)
                    {
                        await targetInput.FlushAsync(token).ConfigureAwait(false);
                        targetInput.Dispose();
                    }
                    else
                    {
                        result.RelayError = result.SourceExit == 0
                            ? "the source stream ended without its end mark"
                            : "the source command ended with " + (result.SourceExit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no exit status (its connection was cut)");
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Any failure of either channel (a cut connection surfaces as several exception types) ends the relay.
                    result.TargetFailedFirst = writing && !token.IsCancellationRequested;
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

            // A source that broke off before its end mark may still wait for its credits to close; one that already
            // ended has a closed channel, which must not get an EOF.
            if (!sourceRun.IsCompleted)
            {
                CloseCredits();
            }

            result.SourceExit ??= await EndAsync(sourceCommand, sourceRun).ConfigureAwait(false);
            result.TargetExit = await EndAsync(targetCommand, targetRun).ConfigureAwait(false);
            await Task.WhenAll(Quiet(sourceErrPump), Quiet(targetErrPump), Quiet(targetOutPump)).ConfigureAwait(false);
            result.SourceError = Snapshot(sourceErr);
            result.TargetError = Snapshot(targetErr);
            token.ThrowIfCancellationRequested();
            return result;
        }

        internal static async Task<int?> EndAsync(SshCommand command, Task run)
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

        internal static async Task Quiet(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
            }
        }

        internal static void SafeDispose(Stream stream)
        {
            try
            {
                stream.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
            }
        }

        internal static string Snapshot(StringBuilder sb)
        {
            lock (sb)
            {
                return sb.ToString();
            }
        }

        internal static async Task TailAsync(Stream stream, StringBuilder sink)
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
