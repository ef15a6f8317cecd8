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
    /// <summary>Remove-NodeUser: revokes an admin's keys and locks the account, on many nodes.</summary>
    [Cmdlet(VerbsCommon.Remove, "NodeUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(NodeStepResult))]
    public sealed class RemoveNodeUserCommand : SshCmdlet
    {
        /// <summary>The logins to remove.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] Login { get; set; } = Array.Empty<string>();

        /// <summary>Also deletes the home folders. Without it, files are kept.</summary>
        [Parameter]
        public SwitchParameter RemoveHome { get; set; }

        /// <summary>Skips the confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override string Action => $"Revoke the keys of {string.Join(", ", Login)} and lock the account(s){(RemoveHome ? ", deleting their home folders" : string.Empty)}";

        /// <inheritdoc />
        protected override string Activity => "Remove-NodeUser";

        /// <inheritdoc />
        protected override bool ChecksOnWhatIf => true;

        /// <inheritdoc />
        protected override bool ShouldProcessNode(string target) => ShouldProcessUnlessForced(target, Action, Force);

        /// <inheritdoc />
        protected override void Prepare()
        {
            foreach (var login in Login)
            {
                NodeBootstrap.Validate(new TeamMember { Login = login, PublicKey = new[] { PlaceholderKey } });
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token) =>
            FanOutAsync(nodes, options, (session, ct) => NodeBootstrap.RemoveUsersAsync(session, Login.Select(l => l.Trim()).ToList(), RemoveHome, CheckOnly, reporter, ct),
                steps => StepWriter.Write(this, steps), reporter, post, token);

        // Validate checks logins together with keys; removal needs no key, so a well-formed one stands in.
        private const string PlaceholderKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    }
}
