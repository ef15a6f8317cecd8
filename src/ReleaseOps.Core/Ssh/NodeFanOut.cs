using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>Runs work on many nodes at once, at most ThrottleLimit at a time. One node's failure never stops the others.</summary>
    public static class NodeFanOut
    {
        public const int ProgressActivity = ProgressIds.FanOut;

        public static async Task RunAsync<T>(
            IReadOnlyList<NodeTarget> targets,
            SshConnectOptions options,
            int throttleLimit,
            string activity,
            Func<NodeSession, CancellationToken, Task<T>> work,
            Action<NodeTarget, T?, ReleaseOpsException?> completed,
            IOperationReporter reporter,
            CancellationToken token)
        {
            if (targets.Count == 0)
            {
                return;
            }

            // Every session of the fan-out may start at once (PoolThreads says why).
            PoolThreads.Ensure(Math.Min(throttleLimit, targets.Count) + Environment.ProcessorCount + 4);
            using var gate = new SemaphoreSlim(Math.Max(1, throttleLimit));
            var done = 0;
            reporter.Progress(ProgressActivity, activity, $"0 of {targets.Count} nodes", 0);
            var tasks = targets.Select(async target =>
            {
                await gate.WaitAsync(token).ConfigureAwait(false);
                T? result = default;
                ReleaseOpsException? failure = null;
                NodeSession? session = null;
                try
                {
                    var o = options.With(x =>
                    {
                        x.Port = target.Port ?? options.Port;
                        x.User = target.User ?? options.User;
                    });
                    if (target.Session is { } open)
                    {
                        session = open.Client.IsConnected ? open : throw new ReleaseOpsException(ErrorIds.NodeSessionBroken, FailureCategory.ConnectionError,
                            $"The session to {target} is no longer connected{(open.ConnectionError is { } cause ? ": " + cause.Message : ".")}",
                            "Close it with Remove-NodeSession and open a new one with New-NodeSession.", target.ToString());
                    }
                    else
                    {
                        session = await NodeConnector.ConnectAsync(target.HostName, o, reporter, token).ConfigureAwait(false);
                    }

                    result = await work(session, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    failure = NodeFailure.Translate(ex, target.ToString(), target.HostName, "Check the node and run the command again.", session);
                }
                finally
                {
                    if (target.Session is null)
                    {
                        session?.Dispose();
                    }

                    gate.Release();
                }

                completed(target, result, failure);
                var n = Interlocked.Increment(ref done);
                reporter.Progress(ProgressActivity, activity, $"{n} of {targets.Count} nodes ({target})", n * 100 / targets.Count);
            }).ToList();

            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            finally
            {
                reporter.CompleteProgress(ProgressActivity, activity);
            }
        }
    }
}
