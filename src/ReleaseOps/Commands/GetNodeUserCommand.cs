using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Get-NodeUser: the admin accounts (members of dev) on nodes.</summary>
    [Cmdlet(VerbsCommon.Get, "NodeUser")]
    [OutputType(typeof(NodeUser))]
    public sealed class GetNodeUserCommand : SshCmdlet
    {
        /// <summary>Only these logins (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        public string[]? Login { get; set; }

        /// <inheritdoc />
        protected override string Action => "List the admin accounts";

        /// <inheritdoc />
        protected override string Activity => "Get-NodeUser";

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var patterns = (Login ?? new[] { "*" }).Select(l => new WildcardPattern(l, WildcardOptions.IgnoreCase)).ToList();
            return FanOutAsync(nodes, options, (session, ct) => NodeBootstrap.ListUsersAsync(session, reporter, ct),
                users =>
                {
                    foreach (var u in users.Where(u => patterns.Any(p => p.IsMatch(u.Login))))
                    {
                        WriteObject(u);
                    }
                }, reporter, post, token);
        }
    }
}
