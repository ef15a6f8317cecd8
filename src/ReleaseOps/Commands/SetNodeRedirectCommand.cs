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
    /// <summary>Set-NodeRedirect: HAProxy on the old node sends its traffic to the new node (TCP pass-through by default).</summary>
    [Cmdlet(VerbsCommon.Set, "NodeRedirect", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeRedirectResult))]
    public sealed class SetNodeRedirectCommand : SshCmdlet
    {
        private RedirectRequest request = new();

        /// <summary>The new node: its address, or a ProjectNode (its PublicIPv4 is used).</summary>
        [Parameter(Mandatory = true)]
        [NodeAddressTransformation]
        [ValidateNotNullOrEmpty]
        public string Target { get; set; } = string.Empty;

        /// <summary>The ports to redirect (default 80 and 443).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public int[] RedirectPort { get; set; } = { 80, 443 };

        /// <summary>Tcp (pass-through; TLS keeps working, the default) or Http301 (an HTTP redirect to -RedirectHost; 443 stays pass-through).</summary>
        [Parameter]
        [ValidateSet("Tcp", "Http301")]
        public string Mode { get; set; } = "Tcp";

        /// <summary>Http301: the host name browsers are sent to.</summary>
        [Parameter]
        public string? RedirectHost { get; set; }

        /// <summary>The old node's address to listen on (default * : every address).</summary>
        [Parameter]
        public string ListenAddress { get; set; } = "*";

        /// <inheritdoc />
        protected override string Action => NodeRedirect.Plan(request, remove: false);

        /// <inheritdoc />
        protected override string Activity => "Set-NodeRedirect";

        /// <inheritdoc />
        protected override bool ChecksOnWhatIf => true;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            request = new RedirectRequest { Target = Target, Mode = Mode, ListenAddress = ListenAddress, Ports = RedirectPort, RedirectHost = RedirectHost };
            try
            {
                NodeRedirect.Validate(request);
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Target);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            request.DryRun = CheckOnly;
            return FanOutAsync(nodes, options, (session, ct) => NodeRedirect.ApplyAsync(session, request, remove: false, reporter, ct), WriteObject, reporter, post, token);
        }
    }
}
