using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>An authenticated SSH connection to a node, with the jump hosts it goes through.</summary>
    public sealed class NodeSession : IDisposable
    {
        private readonly List<IDisposable> chain;
        private readonly ConnectionWatch watch;
        private readonly IReadOnlyList<ConnectionWatch> hops;

        internal NodeSession(string name, SshHostSettings settings, SshClient client, string fingerprint, List<IDisposable> chain, SshConnectOptions options,
            ConnectionWatch watch, IReadOnlyList<ConnectionWatch> hops, string hostKey = "")
        {
            HostKey = hostKey;
            Name = name;
            this.Info = client.ConnectionInfo;
            Settings = settings;
            Client = client;
            HostKeyFingerprint = fingerprint;
            this.chain = chain;
            Options = options;
            this.watch = watch;
            this.hops = hops;
        }

        /// <summary>The first error the SSH layer reported for this connection (or a jump host's), if any.</summary>
        public Exception? ConnectionError => watch.Cause ?? hops.Select(h => h.Cause).FirstOrDefault(c => c is not null);

        /// <summary>
        /// NodeConnectionLost, naming the node and why its connection (or a jump host's) dropped, when it did; null while
        /// the connection is up (or after this process closed it).
        /// </summary>
        public ReleaseOpsException? ConnectionLost(Exception? symptom = null)
        {
            var lost = hops.FirstOrDefault(h => h.Dropped);
            var via = lost is null ? string.Empty : $" through the jump host {lost.Name} ({lost.Endpoint}), whose connection";
            lost ??= watch.Dropped ? watch : null;
            if (lost is null)
            {
                return null;
            }

            return new ReleaseOpsException(ErrorIds.NodeConnectionLost, FailureCategory.ConnectionError,
                $"The SSH connection to {Name} ({Endpoint}){via} {lost.Describe()}.",
                "Check the node, its sshd and the network, then run the same command again.", Name, lost.Cause ?? symptom);
        }

        /// <summary>The node as it was named.</summary>
        public string Name { get; }

        public SshHostSettings Settings { get; }

        public SshClient Client { get; }

        public string HostKeyFingerprint { get; }

        /// <summary>
        /// The host key this connection verified (against known_hosts, or accepted on first use and recorded), as a .pub
        /// line: type and base64. Empty for a session that did not record it.
        /// </summary>
        public string HostKey { get; }

        public SshConnectOptions Options { get; }

        public string User => Settings.User;

        public bool IsRoot => Settings.User == "root";

        /// <summary>Whether the connection is still up (for sessions kept open by New-NodeSession).</summary>
        public bool IsConnected => Client.IsConnected;

        public string Endpoint => Settings.HostName + ":" + Settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private ConnectionInfo Info { get; }

        /// <summary>Opens an SFTP channel to the same node, by the same route, and insists on the same host key.</summary>
        public async Task<SftpClient> OpenSftpAsync(CancellationToken token)
        {
            var sftp = new SftpClient(Info);
            string? seen = null;
            sftp.HostKeyReceived += (_, e) =>
            {
                seen = KnownHostsFile.Fingerprint(e.HostKey);
                e.CanTrust = seen == HostKeyFingerprint;
            };
            try
            {
                await sftp.ConnectAsync(token).ConfigureAwait(false);
                return sftp;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                sftp.Dispose();
                throw seen is not null && seen != HostKeyFingerprint
                    ? new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                        $"The host key of {Name} changed between connections: {HostKeyFingerprint}, then {seen}.", "Find out why the node's key changed before you connect again.", Name, ex)
                    : new ReleaseOpsException(ErrorIds.SftpUnavailable, FailureCategory.ResourceUnavailable,
                        $"{Name}: the SFTP subsystem is not available: {ex.Message}", "Enable 'Subsystem sftp' in the node's sshd_config.", Name, ex);
            }
        }

        public void Dispose()
        {
            watch.ClosingHere();
            foreach (var h in hops)
            {
                h.ClosingHere();
            }

            try
            {
                Client.Dispose();
            }
            finally
            {
                for (var i = chain.Count - 1; i >= 0; i--)
                {
                    chain[i].Dispose();
                }
            }
        }
    }
}
