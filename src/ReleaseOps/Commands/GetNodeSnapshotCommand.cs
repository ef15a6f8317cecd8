using System.Management.Automation;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Get-NodeSnapshot: the snapshots of a node, or of every managed node of a provider.</summary>
    [Cmdlet(VerbsCommon.Get, "NodeSnapshot", DefaultParameterSetName = "Node")]
    [OutputType(typeof(NodeSnapshot))]
    public sealed class GetNodeSnapshotCommand : ProviderCmdlet
    {
        /// <summary>The node, from Get-ProjectNode.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Node")]
        public ProjectNode? InputObject { get; set; }

        /// <summary>Every snapshot of ReleaseOps' nodes at this provider.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Provider")]
        public HostingProvider Provider { get; set; }

        /// <summary>Only snapshots with this name (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        public string Name { get; set; } = "*";

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var kind = InputObject?.Provider ?? Provider;
            var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            ForEachInput(InputObject ?? (object)kind, () =>
            {
                var settings = InputObject is null ? Settings(kind) : Settings(InputObject);
                var snapshots = RunEngine(async (reporter, token) =>
                {
                    using var provider = NodeProvisioner.Create(kind, settings, KnownHostsPath(null), reporter);
                    return await provider.ListSnapshotsAsync(InputObject, token).ConfigureAwait(false);
                });
                foreach (var s in snapshots)
                {
                    if (pattern.IsMatch(s.Name))
                    {
                        WriteObject(s);
                    }
                }
            });
        }
    }
}
