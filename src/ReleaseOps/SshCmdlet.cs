using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of the cmdlets that reach nodes over SSH. Nodes arrive as names (ssh_config aliases or addresses),
    /// or as objects with HostName, Port and User properties (ProjectNode), from the pipeline. Each node is confirmed
    /// (ShouldProcess) as it arrives, on the pipeline thread; the work then fans out in EndProcessing.
    /// </summary>
    public abstract class SshCmdlet : SshOptionsCmdlet
    {
        private readonly List<NodeTarget> targets = new();

        /// <summary>The nodes: ssh_config aliases, addresses, or objects with a HostName property.</summary>
        /// <remarks>Not mandatory, so that -Session alone names the nodes; a call with neither is NoNodeGiven.</remarks>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>Sessions from New-NodeSession to run on, over their open connections (no new connection is made).</summary>
        [Parameter]
        public NodeSessionInfo[]? Session { get; set; }

        /// <summary>Session numbers; piped NodeSessionInfo objects bind by their SessionId.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public int[]? SessionId { get; set; }

        /// <summary>The SSH port, over ssh_config's Port.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The user to log in as, over ssh_config's User.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UserName")]
        public string? User { get; set; }

        /// <summary>How many nodes are worked on at once.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 32;

        /// <summary>The ShouldProcess action for one node.</summary>
        protected abstract string Action { get; }

        /// <summary>The progress activity's text.</summary>
        protected abstract string Activity { get; }

        /// <summary>
        /// When true, -WhatIf still reaches the nodes, to report what would change without changing anything
        /// (<see cref="CheckOnly"/> is then set).
        /// </summary>
        protected virtual bool ChecksOnWhatIf => false;

        /// <summary>True when -WhatIf asked to report without changing.</summary>
        protected bool CheckOnly { get; private set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var sessions = (Session?.Select(s => s.SessionId) ?? Enumerable.Empty<int>()).Concat(SessionId ?? Array.Empty<int>()).Distinct().ToList();
            if (sessions.Count > 0)
            {
                // Over open sessions: the piped NodeSessionInfo's HostName names the same node, so it is not connected again.
                foreach (var id in sessions)
                {
                    try
                    {
                        var (info, open) = NodeSessions.Get(id);
                        var target = new NodeTarget(info.HostName, info.Port, info.User) { Session = open };
                        if (ShouldProcessNode(target.ToString()))
                        {
                            targets.Add(target);
                        }
                    }
                    catch (ReleaseOpsException ex)
                    {
                        WriteError(ToErrorRecord(ex, id));
                    }
                }

                return;
            }

            if (HostName.Length == 0)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.NoNodeGiven, FailureCategory.InvalidArgument, "No node was given.",
                    "Pass -HostName (names, addresses or ProjectNode objects) or -Session (from New-NodeSession)."));
                return;
            }

            foreach (var name in HostName)
            {
                // Pipeline-bound Port and User fall back to their defaults (0, null) for records that lack them.
                var target = new NodeTarget(name, Port > 0 ? Port : null, string.IsNullOrEmpty(User) ? null : User);
                if (ShouldProcessNode(target.ToString()))
                {
                    targets.Add(target);
                }
                else if (ChecksOnWhatIf && MyInvocation.BoundParameters.ContainsKey("WhatIf"))
                {
                    CheckOnly = true;
                    targets.Add(target);
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (targets.Count == 0)
            {
                return;
            }

            var options = ConnectOptions();
            try
            {
                Prepare();
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex);
                return;
            }

            RunEngine<object?>(async (reporter, post, token) =>
            {
                await RunAsync(targets, options, reporter, post, token).ConfigureAwait(false);
                return null;
            });
        }

        /// <summary>Asks ShouldProcess for one node; destructive cmdlets override this to honour -Force.</summary>
        protected virtual bool ShouldProcessNode(string target) => ShouldProcess(target, Action);

        /// <summary>Checks and prepares the call's own parameters, on the pipeline thread, before any node is reached.</summary>
        protected virtual void Prepare()
        {
        }

        /// <summary>Does the work on the nodes; post runs an action (WriteObject, WriteError) on the pipeline thread.</summary>
        protected abstract Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token);

        /// <summary>Fans work out to the nodes and writes each result, or an error for each failed node.</summary>
        protected Task FanOutAsync<T>(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, Func<NodeSession, CancellationToken, Task<T>> work,
            Action<T> write, IOperationReporter reporter, Action<Action> post, CancellationToken token) =>
            NodeFanOut.RunAsync(nodes, options, ThrottleLimit, Activity, work, (target, result, failure) =>
            {
                if (failure is null && result is not null)
                {
                    post(() => write(result));
                }

                if (failure is not null)
                {
                    post(() => WriteError(ToErrorRecord(failure, target.HostName)));
                }
            }, reporter, token);
    }
}
