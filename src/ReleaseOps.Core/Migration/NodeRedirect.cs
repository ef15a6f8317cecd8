using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The migration's redirect: HAProxy on the old node sends what still arrives there to the new node, by TCP
    /// pass-through by default so that TLS keeps working. The configuration is checked with haproxy -c before it is
    /// used, a running redirect is replaced without dropping connections (-sf), and a failed start leaves the previous
    /// redirect serving. One POSIX sh script per node; every value is a quoted argument.
    /// </summary>
    public static class NodeRedirect
    {
        /// <summary>Checks the request before any node is touched.</summary>
        public static void Validate(RedirectRequest request)
        {
            if (!IsAddress(request.Target) && !IsHostName(request.Target))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRedirectTarget, FailureCategory.InvalidArgument,
                    $"'{request.Target}' is not an address or a host name.", "Give the new node's public address, such as its PublicIPv4.", request.Target);
            }

            if (request.ListenAddress != "*" && !IsAddress(request.ListenAddress))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidListenAddress, FailureCategory.InvalidArgument,
                    $"'{request.ListenAddress}' is not an IP address.", "Give an address of the old node, or * for all of them.", request.ListenAddress);
            }

            if (request.Ports.Count == 0 || request.Ports.Any(p => p < 1 || p > 65535))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRedirectPort, FailureCategory.InvalidArgument,
                    "The ports must be between 1 and 65535.", "Give the ports the old node serves, 80 and 443 by default.", request.Ports);
            }

            if (!string.Equals(request.Mode, "Tcp", StringComparison.OrdinalIgnoreCase) && !string.Equals(request.Mode, "Http301", StringComparison.OrdinalIgnoreCase))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRedirectMode, FailureCategory.InvalidArgument, $"'{request.Mode}' is not a redirect mode.", "Use Tcp or Http301.", request.Mode);
            }

            if (string.Equals(request.Mode, "Http301", StringComparison.OrdinalIgnoreCase) && !IsHostName(request.RedirectHost ?? string.Empty))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRedirectHost, FailureCategory.InvalidArgument,
                    "An HTTP redirect needs the host name that browsers are sent to.", "Pass -RedirectHost, such as kmc.countable.ca.", request.RedirectHost);
            }
        }

        /// <summary>The arguments of the script for a set (or, with remove, a removal).</summary>
        public static IReadOnlyList<string> Arguments(RedirectRequest request, bool remove) => new[]
        {
            remove ? "remove" : "set",
            request.Target,
            string.Equals(request.Mode, "Http301", StringComparison.OrdinalIgnoreCase) ? "http301" : "tcp",
            request.ListenAddress == "*" ? "*" : FormatListen(request.ListenAddress),
            string.Join(",", request.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture))),
            request.RedirectHost ?? string.Empty,
            request.DryRun ? "1" : "0",
        };

        /// <summary>The command as the admin would run it by hand, for -WhatIf.</summary>
        public static string Plan(RedirectRequest request, bool remove) =>
            remove
                ? "kill the ReleaseOps HAProxy (pid in /var/lib/releaseops/redirect.pid); rm /etc/releaseops/redirect.cfg"
                : $"write /etc/releaseops/redirect.cfg ({request.Mode} {string.Join(",", request.Ports)} -> {request.Target}); haproxy -c -f /etc/releaseops/redirect.cfg; haproxy -D -f /etc/releaseops/redirect.cfg -p /var/lib/releaseops/redirect.pid [-sf <running pid>]";

        /// <summary>Sets or removes the redirect on one node.</summary>
        public static async Task<NodeRedirectResult> ApplyAsync(NodeSession session, RedirectRequest request, bool remove, IOperationReporter reporter, CancellationToken token)
        {
            var script = await RemoteScript.Redirect.RunAsync(session, Arguments(request, remove), true, TimeSpan.FromMinutes(2), null, null, reporter, token).ConfigureAwait(false);
            var result = script.Command;
            var status = script.Field("status");
            var errorId = script.ErrorId;
            var errorMessage = script.ErrorMessage;
            if (errorId is not null)
            {
                var action = errorId switch
                {
                    ErrorIds.HaproxyNotInstalled => "Install it on the old node (apt-get install haproxy), then run the same command again.",
                    ErrorIds.RedirectStartFailed => "Free the ports on the old node (stop the old stack with docker compose down), then run the same command again; the previous redirect, if any, still serves.",
                    _ => "Read the message, fix the cause and run the same command again.",
                };
                throw new ReleaseOpsException(errorId, FailureCategory.InvalidResult, $"{session.Name}: {errorMessage}", action, session.Name);
            }

            // A word the script never prints counts as no result, as a missing one does.
            if (status is null || !Enum.TryParse<RedirectStatus>(status, out var parsed) || !Enum.IsDefined(typeof(RedirectStatus), parsed))
            {
                throw new ReleaseOpsException(result.FailureId == ErrorIds.SudoFailed ? ErrorIds.SudoFailed : ErrorIds.RedirectFailed, FailureCategory.InvalidResult,
                    $"{session.Name}: the redirect script ended without a result (exit {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {result.Error.Trim()}",
                    "The user needs root or passwordless sudo on the old node; run the same command again once the cause is fixed.", session.Name);
            }

            return new NodeRedirectResult
            {
                HostName = session.Name,
                Target = remove ? string.Empty : request.Target,
                Mode = remove ? string.Empty : (string.Equals(request.Mode, "Http301", StringComparison.OrdinalIgnoreCase) ? "Http301" : "Tcp"),
                ListenAddress = request.ListenAddress,
                Ports = remove ? Array.Empty<int>() : request.Ports,
                Status = parsed,
            };
        }

        private static bool IsAddress(string text) => IPAddress.TryParse(text, out _) && text.IndexOfAny(new[] { ' ', '%', '/' }) < 0;

        private static bool IsHostName(string text) =>
            text.Length > 0 && text.Length <= 253 && text.Split('.').All(DirectHostNames.IsDnsLabel);

        private static string FormatListen(string address) =>
            IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + address + "]" : address;
    }
}
