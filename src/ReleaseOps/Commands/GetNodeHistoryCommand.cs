using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Get-NodeHistory: the shared command history of nodes, for debugging.</summary>
    [Cmdlet(VerbsCommon.Get, "NodeHistory")]
    [OutputType(typeof(NodeHistoryEntry))]
    public sealed class GetNodeHistoryCommand : SshCmdlet
    {
        /// <summary>Only this user's history.</summary>
        [Parameter]
        public string? ForUser { get; set; }

        /// <summary>Only commands run at or after this time (commands without a time are left out).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only commands that match this regular expression.</summary>
        [Parameter]
        public string? Match { get; set; }

        /// <summary>Only the last N commands of each node.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Last { get; set; }

        /// <inheritdoc />
        protected override string Action => "Read the command history";

        /// <inheritdoc />
        protected override string Activity => "Get-NodeHistory";

        /// <inheritdoc />
        protected override void Prepare()
        {
            if (Match is not null)
            {
                try
                {
                    _ = new System.Text.RegularExpressions.Regex(Match);
                }
                catch (ArgumentException ex)
                {
                    throw new ReleaseOpsException(ErrorIds.InvalidPattern, FailureCategory.InvalidArgument, $"-Match '{Match}' is not a regular expression: {ex.Message}", "Pass a .NET regular expression.", Match, ex);
                }
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token) =>
            FanOutAsync(nodes, options, async (session, ct) =>
            {
                IEnumerable<NodeHistoryEntry> entries = await NodeOperations.ReadHistoryAsync(session, ForUser, reporter, ct).ConfigureAwait(false);
                if (Since is DateTime since)
                {
                    var from = since.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(since, TimeZoneInfo.Local.GetUtcOffset(since)) : new DateTimeOffset(since);
                    entries = entries.Where(e => e.Time is DateTimeOffset t && t >= from);
                }

                if (Match is not null)
                {
                    var regex = new System.Text.RegularExpressions.Regex(Match);
                    entries = entries.Where(e => regex.IsMatch(e.Command));
                }

                var list = NodeOperations.InTimeOrder(entries).ToList();
                return Last > 0 ? list.Skip(Math.Max(0, list.Count - Last)).ToList() : list;
            }, list => list.ForEach(WriteObject), reporter, post, token);
    }
}
