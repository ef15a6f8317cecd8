using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Threading.Tasks;
using System.Threading;
using System;
using ReleaseOps.Core.Ssh;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The SSH options that every cmdlet reaching nodes shares (keys, passphrase, host key policy, ssh_config and
    /// known_hosts), the connection options they make, how a node given as an object or a string becomes a target,
    /// and the pair's connections of the cmdlets that work on two nodes at once.
    /// </summary>
    public abstract class SshOptionsCmdlet : ReleaseOpsCmdlet
    {
        /// <summary>Private keys to try first.</summary>
        [Parameter]
        public string[]? IdentityFile { get; set; }

        /// <summary>The passphrase of encrypted keys.</summary>
        [Parameter]
        public SecureString? Passphrase { get; set; }

        /// <summary>Strict (default) or AcceptNew.</summary>
        [Parameter]
        public HostKeyPolicy HostKeyPolicy { get; set; } = HostKeyPolicy.Strict;

        /// <summary>The ssh_config file (default ~/.ssh/config).</summary>
        [Parameter]
        public string? ConfigFile { get; set; }

        /// <summary>The known_hosts file (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>The SSH options of this call.</summary>
        protected internal SshConnectOptions ConnectOptions() => new()
        {
            ConfigFile = ConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigFile),
            KnownHostsFile = KnownHostsFile is null ? null : KnownHostsFile == Core.Ssh.KnownHostsFile.NoFile ? KnownHostsFile : GetUnresolvedProviderPathFromPSPath(KnownHostsFile),
            HostKeyPolicy = HostKeyPolicy,
            IdentityFiles = IdentityFile is null ? Array.Empty<string>() : Array.ConvertAll(IdentityFile, GetUnresolvedProviderPathFromPSPath),
            Passphrase = Passphrase,
        };

        // What the cmdlets that take nodes as objects or strings, or work on two nodes at once, share.

        /// <summary>Reads a node from a ProjectNode-like object or a "[user@]host[:port]" string.</summary>
        protected internal static NodeTarget ToTarget(PSObject value, string parameter)
        {
            if (value.BaseObject is string text)
            {
                text = text.Trim();
                string? user = null;
                int? port = null;
                var at = text.LastIndexOf('@');
                if (at > 0)
                {
                    user = text.Substring(0, at);
                    text = text.Substring(at + 1);
                }

                var colon = text.LastIndexOf(':');
                if (colon > 0 && text.IndexOf(':') == colon && int.TryParse(text.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
                {
                    port = p;
                    text = text.Substring(0, colon);
                }

                if (text.Length == 0)
                {
                    throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, $"-{parameter} is empty.", "Pass a ProjectNode, or a host name, alias or address.");
                }

                return new NodeTarget(text, port, user);
            }

            var host = value.Properties["HostName"]?.Value as string;
            if (string.IsNullOrEmpty(host))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, $"-{parameter} has no HostName.",
                    "Pass a ProjectNode (Get-ProjectNode, New-ProjectNode), or a host name, alias or address.", value);
            }

            var portValue = value.Properties["Port"]?.Value;
            var userValue = value.Properties["User"]?.Value as string;
            int? nodePort = portValue is null ? null : Convert.ToInt32(portValue, CultureInfo.InvariantCulture);
            return new NodeTarget(host!, nodePort > 0 ? nodePort : null, string.IsNullOrEmpty(userValue) ? null : userValue);
        }

        /// <summary>The -WhatIf text: each command with the node it runs on.</summary>
        protected internal static string PlanText(string title, IReadOnlyList<KeyValuePair<string, string>> steps)
        {
            var sb = new StringBuilder(title);
            var i = 0;
            foreach (var s in steps)
            {
                sb.Append('\n').Append("  ").Append(++i).Append(". [").Append(s.Key).Append("] ").Append(s.Value);
            }

            return sb.ToString();
        }

        /// <summary>Connects to both nodes at once, then runs the work; both connections close afterwards.</summary>
        protected internal T RunOnPair<T>(NodeTarget source, NodeTarget target, Func<NodeSession, NodeSession, IOperationReporter, CancellationToken, Task<T>> work)
        {
            var options = ConnectOptions();
            return RunEngine(async (reporter, token) =>
            {
                var s = Connect(source, options, reporter, token);
                var t = Connect(target, options, reporter, token);
                try
                {
                    await Task.WhenAll(s, t).ConfigureAwait(false);
                }
                catch
                {
                    Dispose(s);
                    Dispose(t);
                    throw;
                }

                using var src = await s.ConfigureAwait(false);
                using var dst = await t.ConfigureAwait(false);
                try
                {
                    return await work(src, dst, reporter, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not ReleaseOpsException && ex is not OperationCanceledException && ex is not OutOfMemoryException)
                {
                    throw NodeFailure.Translate(ex, $"{source} -> {target}", target.HostName, "Check both nodes and run the same command again.", src, dst);
                }
            });
        }

        private static Task<NodeSession> Connect(NodeTarget node, SshConnectOptions options, IOperationReporter reporter, CancellationToken token) =>
            NodeConnector.ConnectAsync(node.HostName, options.With(x =>
            {
                x.Port = node.Port ?? options.Port;
                x.User = node.User ?? options.User;
            }), reporter, token);

        private static void Dispose(Task<NodeSession> session)
        {
            if (session.Status == TaskStatus.RanToCompletion)
            {
                session.Result.Dispose();
            }
        }
    }
}
