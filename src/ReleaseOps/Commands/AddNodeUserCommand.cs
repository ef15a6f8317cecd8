using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Add-NodeUser: adds an admin account, or a key, to many nodes.</summary>
    [Cmdlet(VerbsCommon.Add, "NodeUser", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeStepResult))]
    public sealed class AddNodeUserCommand : SshCmdlet
    {
        private TeamMember member = new();
        private string? replace;

        /// <summary>The admin's login.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Login { get; set; } = string.Empty;

        /// <summary>The admin's full name.</summary>
        [Parameter]
        public string? Name { get; set; }

        /// <summary>The admin's public keys (authorized_keys lines).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] PublicKey { get; set; } = Array.Empty<string>();

        /// <summary>A key to replace (its SHA256 fingerprint, or the old key line): it is removed, the new key added.</summary>
        [Parameter]
        public string? ReplaceKey { get; set; }

        /// <inheritdoc />
        protected override string Action => ReplaceKey is null ? $"Add admin {Login}" : $"Replace a key of {Login}";

        /// <inheritdoc />
        protected override string Activity => "Add-NodeUser";

        /// <inheritdoc />
        protected override bool ChecksOnWhatIf => true;

        /// <inheritdoc />
        protected override void Prepare()
        {
            member = NodeBootstrap.Validate(new TeamMember { Login = Login, Name = Name ?? string.Empty, PublicKey = PublicKey });
            if (ReplaceKey is not null)
            {
                replace = ReplaceKey.StartsWith("SHA256:", StringComparison.Ordinal) ? ReplaceKey : Core.Ssh.PublicKey.Parse(ReplaceKey).Fingerprint;
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token) =>
            FanOutAsync(nodes, options, (session, ct) => NodeBootstrap.AddUsersAsync(session, new[] { member }, replace, CheckOnly, reporter, ct),
                steps => StepWriter.Write(this, steps), reporter, post, token);
    }
}
