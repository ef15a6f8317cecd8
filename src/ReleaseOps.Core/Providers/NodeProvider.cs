using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>What New-ProjectNode asks a provider for.</summary>
    public sealed class NodeRequest
    {
        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The client, for a node named project-client.</summary>
        public string? Client { get; set; }

        /// <summary>The node's role (staging, production); a tag, so that one project can have a node per role.</summary>
        public string? Role { get; set; }

        /// <summary>The region or zone; null for the provider's default (tor1, fr-par-1, ca-central-1).</summary>
        public string? Region { get; set; }

        /// <summary>An explicit provider size; null to choose from the need.</summary>
        public string? Size { get; set; }

        /// <summary>The memory needed, in GB.</summary>
        public double MemoryGB { get; set; } = 2;

        /// <summary>The disk needed, in GB.</summary>
        public int DiskGB { get; set; } = 50;

        /// <summary>The admin's public keys (OpenSSH lines); the first is registered at the provider.</summary>
        public IReadOnlyList<string> PublicKeys { get; set; } = Array.Empty<string>();

        /// <summary>Set by the provider: the node was there before this request (its host key is already known).</summary>
        public bool FoundExisting { get; set; }

        /// <summary>The node's name: the project slug, or slug-client.</summary>
        public string Name => NodeNaming.NodeName(Project, Client);
    }

    /// <summary>The sizing profiles. Small is the process's guidance for a low-traffic Django app.</summary>
    public static class NodeProfiles
    {
        /// <summary>The profiles by name: memory and disk in GB.</summary>
        public static readonly IReadOnlyDictionary<string, (double MemoryGB, int DiskGB)> All = new Dictionary<string, (double, int)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Small"] = (2, 50),
            ["Medium"] = (4, 80),
            ["Large"] = (8, 160),
        };
    }

    /// <summary>Names and tags that every provider uses, so that nodes are found again.</summary>
    public static class NodeNaming
    {
        /// <summary>The tag that marks every node ReleaseOps created.</summary>
        public const string ManagedTag = "releaseops";

        /// <summary>The tag prefix that holds the time the node's stack was stopped (Unix seconds).</summary>
        public const string StackStoppedPrefix = "stack-stopped:";

        /// <summary>The tag that names the node's project.</summary>
        public static string ProjectTag(string project) => "project:" + project;

        /// <summary>Validates and joins the slug and client into the node's name.</summary>
        public static string NodeName(string project, string? client) => SandboxProvider.NodeName(project, client);

        /// <summary>The tags a new node gets: releaseops, project:slug and, with a role, role:name.</summary>
        public static string[] TagsFor(NodeRequest request)
        {
            ValidateRole(request.Role);
            return request.Role is null
                ? new[] { ManagedTag, ProjectTag(request.Project) }
                : new[] { ManagedTag, ProjectTag(request.Project), "role:" + request.Role };
        }

        /// <summary>A role is a DNS label, so that it fits every provider's tags.</summary>
        public static void ValidateRole(string? role)
        {
            if (role is not null && !DirectHostNames.IsDnsLabel(role))
            {
                throw new ReleaseOpsException("InvalidRole", FailureCategory.InvalidArgument, $"'{role}' is not a valid role: it must be a DNS label.",
                    "Use a short lower-case name such as staging or production.", role);
            }
        }

        /// <summary>The role of a node, from its tags.</summary>
        public static string? RoleOf(IEnumerable<string> tags) =>
            tags.Where(t => t.StartsWith("role:", StringComparison.Ordinal)).Select(t => t.Substring("role:".Length)).FirstOrDefault();

        /// <summary>The project of a node, from its tags, else from its name.</summary>
        public static string ProjectOf(string name, IEnumerable<string> tags)
        {
            var tag = tags.FirstOrDefault(t => t.StartsWith("project:", StringComparison.Ordinal));
            if (tag is not null)
            {
                return tag.Substring("project:".Length);
            }

            var dash = name.IndexOf('-');
            return dash > 0 ? name.Substring(0, dash) : name;
        }

        /// <summary>When the node's stack was stopped, from its tags.</summary>
        public static DateTimeOffset? StackStopped(IEnumerable<string> tags)
        {
            var tag = tags.FirstOrDefault(t => t.StartsWith(StackStoppedPrefix, StringComparison.Ordinal));
            return tag is not null && long.TryParse(tag.Substring(StackStoppedPrefix.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
    }

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

    /// <summary>Shared steps: choosing a size, waiting with progress and a timeout.</summary>
    public static class ProviderSteps
    {
        /// <summary>The smallest size that fits the need: by price, then memory, then CPUs.</summary>
        public static NodeSize ChooseSize(HostingProvider provider, IEnumerable<NodeSize> sizes, string region, double memoryGB, int diskGB)
        {
            var offered = sizes.Where(s => s.Regions.Count == 0 || s.Regions.Contains(region, StringComparer.OrdinalIgnoreCase)).ToList();
            var fit = offered
                .Where(s => s.MemoryGB + 0.001 >= memoryGB && (s.DiskGB is null || s.DiskGB >= diskGB))
                .OrderBy(s => s.MonthlyPrice ?? double.MaxValue).ThenBy(s => s.MemoryGB).ThenBy(s => s.Cpus).ThenBy(s => s.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (fit is null)
            {
                var largest = offered.OrderByDescending(s => s.MemoryGB).FirstOrDefault();
                throw new ReleaseOpsException("NoFittingSize", FailureCategory.InvalidArgument,
                    $"No {provider} size in {region} has {memoryGB.ToString(CultureInfo.InvariantCulture)} GB of memory and {diskGB} GB of disk" +
                    (largest is null ? " (the region offers no sizes)." : $"; the largest is {largest.Name} ({largest.MemoryGB.ToString(CultureInfo.InvariantCulture)} GB, {largest.DiskGB?.ToString(CultureInfo.InvariantCulture) ?? "any"} GB)."),
                    "Ask for less with -MemoryGB and -DiskGB, name a size with -Size, or choose another region.", region);
            }

            return fit;
        }

        /// <summary>Checks an explicit size against the provider's list.</summary>
        public static NodeSize RequireSize(HostingProvider provider, IEnumerable<NodeSize> sizes, string region, string name)
        {
            var list = sizes.ToList();
            var size = list.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (size is null || (size.Regions.Count > 0 && !size.Regions.Contains(region, StringComparer.OrdinalIgnoreCase)))
            {
                var near = list.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).Take(8);
                throw new ReleaseOpsException("UnknownSize", FailureCategory.InvalidArgument,
                    $"{provider} has no size '{name}'{(size is null ? string.Empty : " in " + region)}. Sizes include: {string.Join(", ", near)}.",
                    "Pass a size from the list, or use -MemoryGB and -DiskGB and let ReleaseOps choose.", name);
            }

            return size;
        }

        /// <summary>Polls until the check returns a value, with progress, a deadline and cancellation.</summary>
        public static async Task<T> PollAsync<T>(string activity, Func<int, Task<T?>> check, TimeSpan timeout, TimeSpan interval,
            IOperationReporter reporter, CancellationToken token, string timeoutId, string timeoutAction, object? target)
            where T : class
        {
            var started = DateTimeOffset.UtcNow;
            var attempt = 0;
            try
            {
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    var value = await check(attempt++).ConfigureAwait(false);
                    if (value is not null)
                    {
                        return value;
                    }

                    var elapsed = DateTimeOffset.UtcNow - started;
                    if (elapsed > timeout)
                    {
                        throw new ReleaseOpsException(timeoutId, FailureCategory.OperationTimeout,
                            $"{activity}: still not done after {timeout.TotalSeconds:0} s.", timeoutAction, target);
                    }

                    reporter.Progress(41, activity, $"waiting, {elapsed.TotalSeconds:0} s", Math.Min(95, (int)(100 * elapsed.TotalSeconds / timeout.TotalSeconds)));
                    await Task.Delay(interval, token).ConfigureAwait(false);
                }
            }
            finally
            {
                reporter.CompleteProgress(41, activity);
            }
        }

        /// <summary>The newest Ubuntu LTS among version strings such as 24.04 and 22.04 (even year, April).</summary>
        public static bool IsLts(int major, int minor) => minor == 4 && major % 2 == 0;
    }
}
