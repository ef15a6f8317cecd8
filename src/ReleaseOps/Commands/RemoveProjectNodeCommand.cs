using System;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Remove-ProjectNode: deletes a node, after checking that it serves no traffic and that its week is over.</summary>
    [Cmdlet(VerbsCommon.Remove, "ProjectNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveProjectNodeCommand : ProviderCmdlet
    {
        /// <summary>The node, from Get-ProjectNode or New-ProjectNode.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public ProjectNode InputObject { get; set; } = new();

        /// <summary>The known_hosts file to forget the node's host key in (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>Skips the confirmation, and deletes a node whose stack was stopped less than seven days ago.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var node = InputObject;
            ForEachInput(node, () =>
            {
                var settings = Settings(node);
                var known = KnownHostsPath(KnownHostsFile);
                var blockers = RunEngine((reporter, token) => NodeProvisioner.RemovalBlockersAsync(node, settings, Force, DateTimeOffset.UtcNow, reporter, token));
                if (blockers.Count > 0)
                {
                    foreach (var blocker in blockers)
                    {
                        WriteError(ToErrorRecord(blocker, node));
                    }

                    return;
                }

                var action = node.Provider == HostingProvider.Client ? "Forget the client server (it is not deleted)" : "Delete the node, its volumes and addresses";
                if (!ShouldProcessUnlessForced($"{node.Name} ({node.Provider} {node.Id}, {node.PublicIPv4})", action, Force))
                {
                    return;
                }

                RunEngine(async (reporter, token) =>
                {
                    await NodeProvisioner.RemoveAsync(node, settings, known, reporter, token).ConfigureAwait(false);
                    return true;
                });
            });
        }
    }
}
