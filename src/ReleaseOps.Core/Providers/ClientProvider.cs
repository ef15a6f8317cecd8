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
    /// <summary>
    /// Client-provided servers: registered by address and user, created and deleted by nobody but the client.
    /// The register is a JSON file (RELEASEOPS_NODE_REGISTRY, else ~/.config/releaseops/client-nodes.json).
    /// </summary>
    public sealed class ClientProvider : INodeProvider
    {
        private static readonly object FileGate = new();

        /// <summary>The register's path.</summary>
        public static string RegistryPath =>
            ReleaseOpsConfiguration.Value("NodeRegistry") is { Length: > 0 } path
                ? path
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "releaseops", "client-nodes.json");

        /// <inheritdoc />
        public HostingProvider Kind => HostingProvider.Client;

        /// <inheritdoc />
        public int RequestCount => 0;

        /// <summary>The address, port and user of the server to register, set by New-ProjectNode -Address.</summary>
        public (string Address, int Port, string User)? Server { get; set; }

        /// <inheritdoc />
        public Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token)
        {
            if (Server is not { } server || string.IsNullOrWhiteSpace(server.Address))
            {
                throw new ReleaseOpsException(ErrorIds.ClientAddressMissing, FailureCategory.InvalidArgument,
                    "A client server is registered, not created: its address is needed.", "Pass -Address (and -User, -Port if not root and 22).", request.Name);
            }

            lock (FileGate)
            {
                var nodes = Read();
                var tags = NodeNaming.TagsFor(request);
                var existing = nodes.FirstOrDefault(n => n.Name == request.Name && n.Role == request.Role);
                if (existing is not null)
                {
                    if (existing.HostName != server.Address)
                    {
                        throw new ReleaseOpsException(ErrorIds.ClientNodeExists, FailureCategory.ResourceExists,
                            $"{request.Name} is already registered at {existing.HostName}, not {server.Address}.", "Remove it with Remove-ProjectNode first, or use another client name.", request.Name);
                    }

                    return Task.FromResult(existing);
                }

                var node = new ProjectNode
                {
                    Provider = Kind, Id = "client-" + request.Name, Name = request.Name, Project = request.Project, Region = "client", Size = "client",
                    PublicIPv4 = server.Address, HostName = server.Address, Port = server.Port, User = server.User, Created = DateTimeOffset.UtcNow,
                    Role = request.Role, Tags = tags, Status = "registered",
                };
                nodes.Add(node);
                Write(nodes);
                return Task.FromResult(node);
            }
        }

        /// <inheritdoc />
        public Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token)
        {
            lock (FileGate)
            {
                return Task.FromResult<IReadOnlyList<ProjectNode>>(Read().Where(n => project is null || n.Project == project).ToList());
            }
        }

        /// <inheritdoc />
        public Task RemoveAsync(ProjectNode node, CancellationToken token)
        {
            lock (FileGate)
            {
                var nodes = Read();
                nodes.RemoveAll(n => n.Id == node.Id);
                Write(nodes);
            }

            return Task.CompletedTask;
        }

        /// <inheritdoc />
        public Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token) => throw NotHere("snapshots", node);

        /// <inheritdoc />
        public Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token) => Task.FromResult<IReadOnlyList<NodeSnapshot>>(Array.Empty<NodeSnapshot>());

        /// <inheritdoc />
        public Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token) => Task.FromResult<IReadOnlyList<NodeSize>>(Array.Empty<NodeSize>());

        /// <inheritdoc />
        public Task TagAsync(ProjectNode node, string tag, CancellationToken token)
        {
            lock (FileGate)
            {
                var nodes = Read();
                var found = nodes.FirstOrDefault(n => n.Id == node.Id);
                if (found is not null)
                {
                    found.Tags = found.Tags.Where(t => !(tag.StartsWith(NodeNaming.StackStoppedPrefix, StringComparison.Ordinal) && t.StartsWith(NodeNaming.StackStoppedPrefix, StringComparison.Ordinal))).Append(tag).ToList();
                    Write(nodes);
                }
            }

            return Task.CompletedTask;
        }

        /// <inheritdoc />
        public void Dispose()
        {
        }

        internal static ReleaseOpsException NotHere(string what, ProjectNode node) =>
            new(ErrorIds.ProviderNotSupported, FailureCategory.NotImplemented, $"{node.Provider} nodes have no {what} at a provider that ReleaseOps drives.",
                node.Provider == HostingProvider.Client ? "Client servers are backed up by the client; ask them for a snapshot." : "Use a cloud provider for this.", node);

        private static List<ProjectNode> Read()
        {
            var path = RegistryPath;
            if (!File.Exists(path))
            {
                return new List<ProjectNode>();
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                return doc.RootElement.EnumerateArray().Select(e => new ProjectNode
                {
                    Provider = HostingProvider.Client,
                    Id = ProviderHttpClient.Str(e, "Id") ?? string.Empty,
                    Name = ProviderHttpClient.Str(e, "Name") ?? string.Empty,
                    Project = ProviderHttpClient.Str(e, "Project") ?? string.Empty,
                    Region = "client",
                    Size = "client",
                    PublicIPv4 = ProviderHttpClient.Str(e, "HostName"),
                    HostName = ProviderHttpClient.Str(e, "HostName") ?? string.Empty,
                    Port = e.TryGetProperty("Port", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 22,
                    User = ProviderHttpClient.Str(e, "User") ?? "root",
                    Created = DateTimeOffset.TryParse(ProviderHttpClient.Str(e, "Created"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var c) ? c : default,
                    Tags = e.TryGetProperty("Tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : new List<string>(),
                    Status = "registered",
                }).Select(n =>
                {
                    n.Role = NodeNaming.RoleOf(n.Tags);
                    return n;
                }).ToList();
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new ReleaseOpsException(ErrorIds.ClientRegistryCorrupt, FailureCategory.InvalidData, $"The client server register {path} is not valid JSON: {ex.Message}",
                    "Fix or delete the file; it lists the client servers registered with New-ProjectNode -Provider Client.", path);
            }
        }

        private static void Write(List<ProjectNode> nodes)
        {
            var path = RegistryPath;
            var json = JsonSerializer.Serialize(nodes.Select(n => new { n.Id, n.Name, n.Project, n.HostName, n.Port, n.User, Created = n.Created.ToString("o", System.Globalization.CultureInfo.InvariantCulture), n.Tags }),
                new JsonSerializerOptions { WriteIndented = true });

            // The register says which hosts ReleaseOps connects to: created 0600 in a folder that is ours alone.
            LocalFiles.WriteAtomically(path, json);
        }
    }
}
