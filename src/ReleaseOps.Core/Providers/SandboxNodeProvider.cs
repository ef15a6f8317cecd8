using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Providers
{
    /// <summary>The sandbox nodes of this process, as a provider.</summary>
    public sealed class SandboxNodeProvider : INodeProvider
    {
        private readonly string knownHostsPath;
        private readonly IOperationReporter reporter;

        public SandboxNodeProvider(string knownHostsPath, IOperationReporter reporter)
        {
            this.knownHostsPath = knownHostsPath;
            this.reporter = reporter;
        }

        /// <inheritdoc />
        public HostingProvider Kind => HostingProvider.Sandbox;

        /// <inheritdoc />
        public int RequestCount => 0;

        /// <inheritdoc />
        public Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token) => request.Role is not null
            ? throw new ReleaseOpsException(ErrorIds.ProviderNotSupported, FailureCategory.NotImplemented, "Sandbox nodes have no roles.", "Leave -Role out for sandbox nodes.", request.Name)
            : SandboxProvider.CreateAsync(request.Project, request.Client, request.PublicKeys, knownHostsPath, reporter, token);

        /// <inheritdoc />
        public Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token) =>
            Task.FromResult<IReadOnlyList<ProjectNode>>(SandboxProvider.List().Where(n => project is null || n.Project == project).ToList());

        /// <inheritdoc />
        public Task RemoveAsync(ProjectNode node, CancellationToken token)
        {
            if (!SandboxProvider.Remove(node.Id, knownHostsPath))
            {
                throw new ReleaseOpsException(ErrorIds.NodeNotFound, FailureCategory.ObjectNotFound, $"There is no sandbox node {node.Id} ({node.Name}) in this process.",
                    "List the nodes with Get-ProjectNode -Provider Sandbox.", node);
            }

            return Task.CompletedTask;
        }

        /// <inheritdoc />
        public Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token) => throw ClientProvider.NotHere("snapshots", node);

        /// <inheritdoc />
        public Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token) => Task.FromResult<IReadOnlyList<NodeSnapshot>>(Array.Empty<NodeSnapshot>());

        /// <inheritdoc />
        public Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token) =>
            Task.FromResult<IReadOnlyList<NodeSize>>(new[] { new NodeSize { Name = "sandbox", MemoryGB = 0, Cpus = Environment.ProcessorCount } });

        /// <inheritdoc />
        public Task TagAsync(ProjectNode node, string tag, CancellationToken token) => throw ClientProvider.NotHere("tags", node);

        /// <inheritdoc />
        public void Dispose()
        {
        }
    }
}
