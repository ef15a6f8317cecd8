using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The database's path node to node (Invoke-Migration -DirectDatabase): the new node's own ssh to the old node, with a
    /// local forward on the new node's 127.0.0.1 to the old database's TCP address, which the subscription connects to.
    /// The replication stream then goes node to node and never through this machine.
    /// </summary>
    /// <remarks>
    /// The key is the direct file sync's (<see cref="DirectRsync"/>): made on the new node in a folder of its own, the
    /// private half never leaving it, the old node's host key pinned as this machine verified it. Its line on the old node
    /// allows nothing but that one forward: <c>restrict,from="&lt;the new node's addresses&gt;",port-forwarding,
    /// permitopen="&lt;database&gt;",command="/bin/false"</c> (no pty, no shell, no other port). The line and the folder are
    /// removed as soon as the forward listens: ssh needs the key only to log in. The ssh runs as the login user, not as
    /// root, and ends when this machine's connection to the new node ends (its session's standard input closes), or when
    /// the relay is closed; a resume opens a new one.
    /// </remarks>
    internal sealed class DirectTunnel : IDisposable
    {
        /// <summary>What the tunnel's ssh prints once its forward listens (LocalCommand runs after the forwards are set up).</summary>
        internal const string ReadyMark = "releaseops-tunnel-ready";

        // As the login user on the new node: $1 the ssh command (DirectPath.SshCommand: words without spaces), $2 the port on
        // 127.0.0.1, $3 the database's host:port as the old node reaches it. The ssh runs until this command's standard
        // input (the session's) closes; the exit status is ssh's, as soon as it ends (the watcher holds no output open).
        internal const string TunnelScript = "set -uf; e=\"$1\"; port=\"$2\"; to=\"$3\"; exec 3<&0; "
            + "$e -N -o ExitOnForwardFailure=yes -o PermitLocalCommand=yes -o \"LocalCommand=echo " + ReadyMark + "\" -L \"127.0.0.1:$port:$to\" " + DirectPath.HostAlias + " </dev/null & p=$!; "
            + "( cat <&3; kill \"$p\" ) >/dev/null 2>&1 & wait \"$p\"";

        private readonly CancellationTokenSource stop;
        private readonly Task<NodeCommandResult> run;
        private bool disposed;

        private DirectTunnel(uint port, CancellationTokenSource stop, Task<NodeCommandResult> run)
        {
            Port = port;
            this.stop = stop;
            this.run = run;
        }

        /// <summary>The port on the new node's 127.0.0.1.</summary>
        public uint Port { get; }

        /// <summary>The tag of a migration's database tunnel (another than its file syncs', which may run at the same time).</summary>
        public static string TagOf(string migrationId) => DirectPath.Tag(migrationId, "database");

        /// <summary>Whether the tunnel's ssh ended while the relay was open.</summary>
        public bool IsBroken => !disposed && run.IsCompleted;

        /// <summary>The error of a tunnel that ended: the same id as a lost connection, so that a resume goes on.</summary>
        public ReleaseOpsException Broken(NodeSession target) => new(ErrorIds.NodeConnectionLost, FailureCategory.ConnectionError,
            $"{target.Name}: the database's node-to-node tunnel to the old node ended: {(run.Status == TaskStatus.RanToCompletion ? NodeStream.Brief(run.Result.Error) : run.Exception?.GetBaseException().Message)}",
            "Resume the migration (Resume-Migration): a new tunnel is opened.", target.Name);

        /// <summary>Opens the tunnel: the key on both nodes, the ssh on the new node, and, once its forward listens, the key removed.</summary>
        public static async Task<DirectTunnel> OpenAsync(NodeSession source, NodeSession target, string tag, string? address, IReadOnlyList<string> from,
            string databaseHost, int databasePort, IOperationReporter reporter, CancellationToken token)
        {
            var to = (databaseHost.Contains(':') ? "[" + databaseHost + "]" : databaseHost) + ":" + databasePort.ToString(CultureInfo.InvariantCulture);
            var key = await DirectRsync.PrepareAsync(source, target, tag, address, from, string.Empty, reporter, token).ConfigureAwait(false);
            try
            {
                await key.InstallForwardAsync(to, reporter, token).ConfigureAwait(false);
                var ssh = DirectPath.SshCommand(key.Folder, key.Host, key.Port, source.User);
                var random = new Random();
                for (var attempt = 0; ; attempt++)
                {
                    var port = (uint)random.Next(20000, 60000);
                    var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var stop = new CancellationTokenSource();
                    var run = NodeCommandRunner.RunAsync(target, new NodeCommandRequest { Command = TunnelScript, Arguments = new[] { ssh, port.ToString(CultureInfo.InvariantCulture), to } },
                        (text, isError) =>
                        {
                            if (!isError && text.Contains(ReadyMark))
                            {
                                ready.TrySetResult(true);
                            }
                        }, reporter, stop.Token);
                    using (var limit = CancellationTokenSource.CreateLinkedTokenSource(token))
                    {
                        var first = await Task.WhenAny(ready.Task, run, Task.Delay(TimeSpan.FromSeconds(45), limit.Token)).ConfigureAwait(false);
                        limit.Cancel();
                        if (first == ready.Task)
                        {
                            reporter.Verbose($"Database tunnel: {target.Name} 127.0.0.1:{port} -> ssh to {key.Host}:{key.Port} -> {to} on {source.Name}, with a key allowed only that forward, from {string.Join(", ", key.From)}.");
                            return new DirectTunnel(port, stop, run);
                        }

                        stop.Cancel();
                        if (first != run)
                        {
                            await Task.WhenAny(run).ConfigureAwait(false);
                            stop.Dispose();
                            token.ThrowIfCancellationRequested();
                            throw new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                                $"{target.Name}: the tunnel to the old node's database ({to}) did not open within 45 s.",
                                "Check that the new node reaches the old node's sshd, or run without -DirectDatabase.", target.Name);
                        }

                        var r = await run.ConfigureAwait(false);
                        stop.Dispose();
                        var error = r.Error;
                        if (attempt < 5 && (error.Contains("Address already in use") || error.Contains("cannot listen to port")))
                        {
                            continue;
                        }

                        var where = $"{key.Host}:{key.Port.ToString(CultureInfo.InvariantCulture)}";
                        throw DirectPath.Classify(error) switch
                        {
                            DirectPath.Failure.HostKey => new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                                $"{target.Name} reached {where}, and the server there presented another host key than the one this machine verified for {source.Name}; the new node refused it.",
                                $"Check that {where} is the old node as the new node sees it (-DirectAddress), or run without -DirectDatabase.", where),
                            DirectPath.Failure.KeyRefused => new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                                $"{target.Name} reached {where}, but the old node refused the temporary key: the connection came from an address other than {string.Join(", ", key.From)} (a NAT?), or sshd there does not allow it.",
                                "Pass the address the old node sees with -DirectFrom, or run without -DirectDatabase (the replication then goes through this machine).", where),
                            DirectPath.Failure.Unreachable => new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                                $"{target.Name} cannot reach the old node {source.Name} at {where}: {NodeStream.Brief(error)}.",
                                $"Open port {key.Port.ToString(CultureInfo.InvariantCulture)} of the old node to the new one, pass its address with -DirectAddress, or run without -DirectDatabase.", where),
                            _ => new ReleaseOpsException(ErrorIds.DirectPathUnreachable, FailureCategory.ConnectionError,
                                $"{target.Name}: the tunnel to the old node's database ({to}) did not open (exit {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {NodeStream.Brief(error)}",
                                "Check that sshd on the old node allows TCP forwarding (AllowTcpForwarding), or run without -DirectDatabase.", where),
                        };
                    }
                }
            }
            finally
            {
                // The key was needed only to log in: its line and folder go now, whatever happened.
                var left = await key.CleanupAsync(reporter).ConfigureAwait(false);
                if (left.Count > 0)
                {
                    reporter.Warning($"The database tunnel's temporary key could not be removed: {string.Join("; ", left)}. The line allows only the forward to the database, from the new node; the next run of this migration removes it, as does any direct run after ten minutes.");
                }
            }
        }

        /// <summary>Ends the tunnel's ssh on the new node.</summary>
        public void Dispose()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            stop.Cancel();
            try
            {
                run.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
            }

            stop.Dispose();
        }
    }
}
