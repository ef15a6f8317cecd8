using System;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Commands
{
    /// <summary>Remove-ProjectNode: deletes a node.</summary>
    [Cmdlet(VerbsCommon.Remove, "ProjectNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveProjectNodeCommand : ReleaseOpsCmdlet
    {
        /// <summary>The node, from Get-ProjectNode or New-ProjectNode.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public ProjectNode InputObject { get; set; } = new();

        /// <summary>The known_hosts file to forget the node's host key in (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>Skips the confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var node = InputObject;
            if (!ShouldProcessUnlessForced($"{node.Name} ({node.Provider} {node.Id})", "Delete the node", Force))
            {
                return;
            }

            if (!Force && !ShouldContinue($"Delete {node.Name} ({node.Id})? Everything on it is lost.", "Remove-ProjectNode"))
            {
                return;
            }

            if (node.Provider != HostingProvider.Sandbox)
            {
                WriteError(ToErrorRecord(new ReleaseOpsException("ProviderNotSupported", FailureCategory.InvalidArgument,
                    $"{node.Provider} nodes cannot be removed by this version.", "Remove the node in the provider's console.", node), node));
                return;
            }

            var known = KnownHostsFile is null
                ? Core.Ssh.NodeConnector.DefaultKnownHostsPath
                : GetUnresolvedProviderPathFromPSPath(KnownHostsFile);
            if (!SandboxProvider.Remove(node.Id, known))
            {
                WriteError(ToErrorRecord(new ReleaseOpsException("NodeNotFound", FailureCategory.ObjectNotFound,
                    $"There is no sandbox node {node.Id} ({node.Name}) in this process.", "List the nodes with Get-ProjectNode -Provider Sandbox.", node), node));
            }
        }
    }
}
