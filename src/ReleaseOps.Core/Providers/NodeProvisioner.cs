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
            }, timeout, interval, reporter, token, ErrorIds.NodeSshTimeout,
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
                        blockers.Add(new ReleaseOpsException(ErrorIds.NodeServesTraffic, FailureCategory.InvalidOperation,
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
                blockers.Add(new ReleaseOpsException(ErrorIds.NodeStoppedRecently, FailureCategory.InvalidOperation,
                    $"{node.Name}'s stack was stopped on {when:yyyy-MM-dd HH:mm} UTC, less than seven days ago; the process keeps an old node for a week.",
                    $"Remove it after {when.AddDays(7):yyyy-MM-dd HH:mm} UTC, or pass -Force if the week is not needed.", node));
            }

            return blockers;
        }
    }
}
