using System;
using System.Globalization;
using System.Management.Automation;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>New-NodeSnapshot: takes a snapshot of a node at its provider and waits until it is available.</summary>
    [Cmdlet(VerbsCommon.New, "NodeSnapshot", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeSnapshot))]
    public sealed class NewNodeSnapshotCommand : ProviderCmdlet
    {
        /// <summary>The node, from Get-ProjectNode.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public ProjectNode InputObject { get; set; } = new();

        /// <summary>The snapshot's name; default node-yyyyMMdd-HHmm.</summary>
        [Parameter]
        public string? Name { get; set; }

        /// <summary>How long to wait for the snapshot (default 60 minutes).</summary>
        [Parameter]
        [Seconds]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(60);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var node = InputObject;
            var name = string.IsNullOrWhiteSpace(Name) ? $"{node.Name}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}" : Name!;
            if (!ShouldProcess($"{node.Name} ({node.Provider} {node.Id})", $"Take the snapshot {name}"))
            {
                return;
            }

            ForEachInput(node, () =>
            {
                var settings = Settings(node);
                settings.SnapshotTimeout = Timeout;
                WriteObject(RunEngine(async (reporter, token) =>
                {
                    using var provider = NodeProvisioner.Create(node.Provider, settings, KnownHostsPath(null), reporter);
                    return await provider.SnapshotAsync(node, name, token).ConfigureAwait(false);
                }));
            });
        }
    }
}
