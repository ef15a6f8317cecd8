using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// A hosting provider's API as ReleaseOps uses it. Create is idempotent: the node is found by its project tag
    /// and name before anything is created. Every provider reports the requests it sent, for the benchmark.
    /// </summary>
    public interface INodeProvider : IDisposable
    {
        /// <summary>Which provider this is.</summary>
        HostingProvider Kind { get; }

        /// <summary>API requests sent so far.</summary>
        int RequestCount { get; }

        /// <summary>Creates the node, or finds it, and waits until the provider says it runs.</summary>
        Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token);

        /// <summary>The nodes that ReleaseOps manages, of one project or of all.</summary>
        Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token);

        /// <summary>Deletes the node and what the provider leaves behind (volumes, addresses).</summary>
        Task RemoveAsync(ProjectNode node, CancellationToken token);

        /// <summary>Takes a snapshot of the node and waits until it is available.</summary>
        Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token);

        /// <summary>The snapshots of a node, or of every managed node.</summary>
        Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token);

        /// <summary>The sizes offered in a region.</summary>
        Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token);

        /// <summary>Adds a tag to the node (the stack-stopped mark).</summary>
        Task TagAsync(ProjectNode node, string tag, CancellationToken token);
    }
}
