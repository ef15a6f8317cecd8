using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Sandbox
{
    /// <summary>
    /// Sandbox nodes as a provider: New-ProjectNode -Provider Sandbox. A node lives as long as the PowerShell
    /// process that created it. Its host key is known from the start, so it is recorded in known_hosts and the
    /// Strict policy works at once; the entry is removed again when the node is removed.
    /// </summary>
    public static class SandboxProvider
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);

        public static async Task<ProjectNode> CreateAsync(string project, string? client, IReadOnlyList<string> authorizedKeys, string knownHostsPath,
            IOperationReporter reporter, CancellationToken token)
        {
            var name = NodeName(project, client);
            await Gate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                // Idempotent, as on the cloud providers: the same call returns the node that is already there.
                var existing = SandboxNode.All.FirstOrDefault(n => n.Name == name && n.IsRunning);
                if (existing is not null)
                {
                    reporter.Verbose($"Sandbox node {name} already runs on 127.0.0.1:{existing.Port}.");
                    return ToProjectNode(existing, project);
                }

                var node = await SandboxNode.StartAsync(new SandboxNodeOptions
                {
                    Name = name,
                    AuthorizedKeys = authorizedKeys,
                    PivotRoot = Environment.GetEnvironmentVariable("RELEASEOPS_SANDBOX_PIVOT_ROOT") == "1",
                }, reporter, token).ConfigureAwait(false);
                try
                {
                    var known = new KnownHostsFile(knownHostsPath);
                    known.Remove(node.Address, node.Port);
                    var parts = node.HostKey.Split(' ');
                    known.Add(node.Address, node.Port, parts[0], Convert.FromBase64String(parts[1]), hashHostName: false);
                }
                catch
                {
                    node.Stop();
                    throw;
                }

                return ToProjectNode(node, project);
            }
            finally
            {
                Gate.Release();
            }
        }

        public static IReadOnlyList<ProjectNode> List() =>
            SandboxNode.All.Where(n => n.IsRunning).OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => ToProjectNode(n, ProjectOf(n.Name))).ToList();

        /// <summary>Stops the node with this id and forgets its host key; false when there is none.</summary>
        public static bool Remove(string id, string knownHostsPath)
        {
            var node = SandboxNode.All.FirstOrDefault(n => IdOf(n) == id);
            if (node is null)
            {
                return false;
            }

            node.Stop();
            new KnownHostsFile(knownHostsPath).Remove(node.Address, node.Port);
            return true;
        }

        public static string NodeName(string project, string? client)
        {
            var name = string.IsNullOrEmpty(client) ? project : project + "-" + client;
            // The client is a DNS label of its own (no leading or trailing '-', no blank), not only a part of the name.
            if (!DirectHostNames.IsDnsLabel(project) || !DirectHostNames.IsDnsLabel(name) || (client is not null && client.Length > 0 && !DirectHostNames.IsDnsLabel(client)))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidProjectSlug, FailureCategory.InvalidArgument,
                    $"'{name}' is not a valid node name: the project slug and client name must form a DNS label.",
                    "Use lower-case letters, digits and hyphens, 63 at most in all, such as cortico or cortico-clientname.", name);
            }

            return name;
        }

        private static string IdOf(SandboxNode n) => "sandbox-" + n.Port.ToString(CultureInfo.InvariantCulture);

        private static string ProjectOf(string name)
        {
            var dash = name.IndexOf('-');
            return dash > 0 ? name.Substring(0, dash) : name;
        }

        private static ProjectNode ToProjectNode(SandboxNode n, string project) => new()
        {
            Provider = HostingProvider.Sandbox,
            Id = IdOf(n),
            Name = n.Name,
            Project = project,
            Region = "local",
            Size = "sandbox",
            PublicIPv4 = n.Address,
            HostName = n.Address,
            Port = n.Port,
            User = "root",
            HostKeyFingerprint = n.HostKeyFingerprint,
            Created = n.Started,
            Tags = new[] { "releaseops", "project:" + project },
            Status = n.IsRunning ? "running" : "stopped",
        };
    }
}
