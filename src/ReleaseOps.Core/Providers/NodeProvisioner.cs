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
    /// <summary>Creates the provider clients, and runs the steps around them: waiting for SSH, and the checks before a delete.</summary>
    public static class NodeProvisioner
    {
        /// <summary>The client of a provider.</summary>
        public static INodeProvider Create(HostingProvider provider, ProviderSettings settings, string knownHostsPath, IOperationReporter reporter) => provider switch
        {
            HostingProvider.DigitalOcean => new DigitalOceanProvider(settings, reporter),
            HostingProvider.Scaleway => new ScalewayProvider(settings, reporter),
            HostingProvider.Aws => new AwsProvider(settings, reporter),
            HostingProvider.Client => new ClientProvider(),
            _ => new SandboxNodeProvider(knownHostsPath, reporter),
        };

        /// <summary>The providers whose credentials are configured, plus client servers and the sandbox: Get-ProjectNode's default.</summary>
        public static IReadOnlyList<HostingProvider> Configured(ProviderSettings settings)
        {
            var list = new List<HostingProvider>();
            if (settings.DigitalOceanToken is not null)
            {
                list.Add(HostingProvider.DigitalOcean);
            }

            if (settings.ScalewaySecretKey is not null)
            {
                list.Add(HostingProvider.Scaleway);
            }

            if (settings.AwsAccessKeyId is not null || Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is not null || Environment.GetEnvironmentVariable("AWS_PROFILE") is not null || settings.AwsProfile is not null)
            {
                list.Add(HostingProvider.Aws);
            }

            list.Add(HostingProvider.Client);
            list.Add(HostingProvider.Sandbox);
            return list;
        }

        /// <summary>
        /// Waits until the node answers over SSH and records its host key, under the caller's policy (options.HostKeyPolicy):
        /// AcceptNew for a node created just now, Strict for a server that existed before (a client's).
        /// </summary>
        public static async Task<ProjectNode> WaitForSshAsync(ProjectNode node, SshConnectOptions options, bool newNode, TimeSpan timeout, TimeSpan interval,
            IOperationReporter reporter, CancellationToken token)
        {
            var knownHosts = options.KnownHostsFile ?? NodeConnector.DefaultKnownHostsPath;
            if (newNode)
            {
                // Cloud addresses are reused: a key recorded for this address belonged to an earlier machine.
                new KnownHostsFile(knownHosts).Remove(node.HostName, node.Port);
            }

            var connect = options.With(o =>
            {
                o.User = node.User;
                o.Port = node.Port;
                o.KnownHostsFile = knownHosts;
                o.ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, Math.Max(1, timeout.TotalSeconds)));
            });
            ReleaseOpsException? last = null;
            var fingerprint = await ProviderSteps.PollAsync($"Waiting for SSH on {node.Name} ({node.HostName})", async _ =>
            {
                try
                {
                    using var session = await NodeConnector.ConnectAsync(node.HostName, connect, reporter, token).ConfigureAwait(false);
                    return session.HostKeyFingerprint;
                }
                catch (ReleaseOpsException ex) when (ex.Category is FailureCategory.ConnectionError or FailureCategory.OperationTimeout or FailureCategory.AuthenticationError)
                {
                    // A booting node refuses connections, then may refuse the key until cloud-init has installed it.
                    last = ex;
                    return null;
                }
            }, timeout, interval, reporter, token, "NodeSshTimeout",
                $"The node runs at the provider but SSH did not answer{(last is null ? string.Empty : " (" + last.ErrorId + ")")}. Run the same New-ProjectNode again to wait longer, or check the provider's console.", node).ConfigureAwait(false);
            node.HostKeyFingerprint = fingerprint;
            return node;
        }

        /// <summary>
        /// Deletes a node at its provider (a client's server is only forgotten) and forgets its host key, as a reused
        /// address must not meet an old key. The caller has checked RemovalBlockersAsync.
        /// </summary>
        public static async Task RemoveAsync(ProjectNode node, ProviderSettings settings, string knownHostsPath, IOperationReporter reporter, CancellationToken token)
        {
            using (var provider = Create(node.Provider, settings, knownHostsPath, reporter))
            {
                await provider.RemoveAsync(node, token).ConfigureAwait(false);
            }

            if (node.Provider != HostingProvider.Sandbox && !string.IsNullOrEmpty(node.HostName))
            {
                new KnownHostsFile(knownHostsPath).Remove(node.HostName, node.Port);
            }
        }

        /// <summary>
        /// The checks before a node is deleted: no DNS record that ReleaseOps manages points at it, and its stack
        /// was not stopped less than seven days ago (unless forced). Returns the reasons it must not be deleted.
        /// </summary>
        public static async Task<IReadOnlyList<ReleaseOpsException>> RemovalBlockersAsync(ProjectNode node, ProviderSettings settings, bool force, DateTimeOffset now,
            IOperationReporter reporter, CancellationToken token)
        {
            var blockers = new List<ReleaseOpsException>();
            // A sandbox node's loopback address is in no public zone; asking every zone about it would only cost requests.
            var addresses = node.Provider == HostingProvider.Sandbox
                ? new List<string>()
                : new[] { node.PublicIPv4, node.PublicIPv6 }.Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
            var services = DnsEngine.Configured(settings, reporter);
            try
            {
                foreach (var address in addresses)
                {
                    var records = await DnsEngine.PointingAtAsync(services, address, token).ConfigureAwait(false);
                    if (records.Count > 0)
                    {
                        blockers.Add(new ReleaseOpsException("NodeServesTraffic", FailureCategory.InvalidOperation,
                            $"{node.Name} still serves traffic: {string.Join(", ", records.Select(r => $"{r.Name} ({r.Provider})"))} point{(records.Count == 1 ? "s" : string.Empty)} at {address}.",
                            "Point the records at the new node first (Set-DnsRecord, or Invoke-Migration), then remove the old one.", node));
                    }
                }
            }
            finally
            {
                foreach (var s in services)
                {
                    s.Dispose();
                }
            }

            var stopped = NodeNaming.StackStopped(node.Tags);
            if (stopped is { } when && now - when < TimeSpan.FromDays(7) && !force)
            {
                blockers.Add(new ReleaseOpsException("NodeStoppedRecently", FailureCategory.InvalidOperation,
                    $"{node.Name}'s stack was stopped on {when:yyyy-MM-dd HH:mm} UTC, less than seven days ago; the process keeps an old node for a week.",
                    $"Remove it after {when.AddDays(7):yyyy-MM-dd HH:mm} UTC, or pass -Force if the week is not needed.", node));
            }

            return blockers;
        }
    }

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
                throw new ReleaseOpsException("ClientAddressMissing", FailureCategory.InvalidArgument,
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
                        throw new ReleaseOpsException("ClientNodeExists", FailureCategory.ResourceExists,
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
            new("ProviderNotSupported", FailureCategory.NotImplemented, $"{node.Provider} nodes have no {what} at a provider that ReleaseOps drives.",
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
                throw new ReleaseOpsException("ClientRegistryCorrupt", FailureCategory.InvalidData, $"The client server register {path} is not valid JSON: {ex.Message}",
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
            ? throw new ReleaseOpsException("ProviderNotSupported", FailureCategory.NotImplemented, "Sandbox nodes have no roles.", "Leave -Role out for sandbox nodes.", request.Name)
            : SandboxProvider.CreateAsync(request.Project, request.Client, request.PublicKeys, knownHostsPath, reporter, token);

        /// <inheritdoc />
        public Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token) =>
            Task.FromResult<IReadOnlyList<ProjectNode>>(SandboxProvider.List().Where(n => project is null || n.Project == project).ToList());

        /// <inheritdoc />
        public Task RemoveAsync(ProjectNode node, CancellationToken token)
        {
            if (!SandboxProvider.Remove(node.Id, knownHostsPath))
            {
                throw new ReleaseOpsException("NodeNotFound", FailureCategory.ObjectNotFound, $"There is no sandbox node {node.Id} ({node.Name}) in this process.",
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
