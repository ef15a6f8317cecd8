using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Remove-NodeRedirect: stops the ReleaseOps HAProxy redirect on nodes and removes its configuration.</summary>
    [Cmdlet(VerbsCommon.Remove, "NodeRedirect", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeRedirectResult))]
    public sealed class RemoveNodeRedirectCommand : SshCmdlet
    {
        /// <inheritdoc />
        protected override string Action => NodeRedirect.Plan(new RedirectRequest(), remove: true);

        /// <inheritdoc />
        protected override string Activity => "Remove-NodeRedirect";

        /// <inheritdoc />
        protected override bool ChecksOnWhatIf => true;

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var request = new RedirectRequest { DryRun = CheckOnly };
            return FanOutAsync(nodes, options, (session, ct) => NodeRedirect.ApplyAsync(session, request, remove: true, reporter, ct), WriteObject, reporter, post, token);
        }
    }
}
