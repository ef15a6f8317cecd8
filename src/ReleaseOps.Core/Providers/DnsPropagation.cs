using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// Asks the zone's authoritative name servers directly (no recursion, no cache) what they answer for a record,
    /// which is what a migration checks after switching DNS: resolvers follow once their TTL runs out.
    /// </summary>
    public static class DnsPropagation
    {
        /// <summary>Parses host[:port] (an IPv6 address in brackets).</summary>
        public static IPEndPoint ParseServer(string text)
        {
            var port = 53;
            var host = text.Trim();
            if (host.StartsWith("[", StringComparison.Ordinal))
            {
                var close = host.IndexOf(']');
                if (close > 0 && close + 2 < host.Length && host[close + 1] == ':')
                {
                    port = int.Parse(host.Substring(close + 2), CultureInfo.InvariantCulture);
                }

                host = host.Substring(1, Math.Max(0, close - 1));
            }
            else if (host.Count(c => c == ':') == 1)
            {
                var parts = host.Split(':');
                host = parts[0];
                if (!int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out port))
                {
                    port = -1;
                }
            }

            if (!IPAddress.TryParse(host, out var address) || port < 1 || port > 65535)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidNameServer, FailureCategory.InvalidArgument, $"'{text}' is not a name server address (ip or ip:port).",
                    "Give name servers as addresses, such as 173.245.58.51 or 127.0.0.1:5353; leave -NameServer out to use the zone's NS records.", text);
            }

            return new IPEndPoint(address, port);
        }

        /// <summary>
        /// The servers to ask: the given ones, else RELEASEOPS_NAME_SERVERS (comma-separated ip[:port]), else the zone's
        /// authoritative servers from its NS records.
        /// </summary>
        public static async Task<IReadOnlyList<IPEndPoint>> ServersAsync(string zone, IReadOnlyList<string>? given, CancellationToken token)
        {
            var names = given ?? (ReleaseOpsConfiguration.Value("NameServers") is { } list && list.Trim().Length > 0
                ? list.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
                : null);
            return names is not null ? names.Select(ParseServer).ToList() : await AuthoritativeServersAsync(zone, token).ConfigureAwait(false);
        }

        /// <summary>The zone's authoritative servers, from its NS records (through the system's resolver).</summary>
        public static async Task<IReadOnlyList<IPEndPoint>> AuthoritativeServersAsync(string zone, CancellationToken token)
        {
            var resolver = new LookupClient(new LookupClientOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 2 });
            IDnsQueryResponse ns;
            try
            {
                ns = await resolver.QueryAsync(zone, QueryType.NS, QueryClass.IN, token).ConfigureAwait(false);
            }
            catch (DnsResponseException ex)
            {
                throw new ReleaseOpsException(ErrorIds.DnsUnreachable, FailureCategory.ConnectionError, $"The name servers of {zone} could not be found: {ex.Message}",
                    "Check the network, or pass -NameServer with the zone's name servers.", zone, ex);
            }

            var servers = new List<IPEndPoint>();
            foreach (var record in ns.Answers.NsRecords())
            {
                var addresses = await resolver.GetHostEntryAsync(record.NSDName.Value.TrimEnd('.')).ConfigureAwait(false);
                servers.AddRange(addresses.AddressList.Select(a => new IPEndPoint(a, 53)));
            }

            return servers.Count > 0 ? servers : throw new ReleaseOpsException(ErrorIds.DnsZoneNotFound, FailureCategory.ObjectNotFound, $"{zone} has no NS records.",
                "Check that the zone is delegated to the DNS service (the registrar's name servers).", zone);
        }

        /// <summary>What each server answers for the name and type, against the expected values.</summary>
        public static async Task<IReadOnlyList<DnsCheckResult>> CheckAsync(string name, string type, IReadOnlyList<string> expected, IReadOnlyList<IPEndPoint> servers, CancellationToken token)
        {
            if (!Enum.TryParse<QueryType>(type, true, out var queryType))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRecordType, FailureCategory.InvalidArgument, $"'{type}' is not a DNS record type.", "Use A, AAAA, CNAME, TXT or NS.", type);
            }

            var results = new List<DnsCheckResult>();
            foreach (var server in servers)
            {
                var result = new DnsCheckResult { Name = name, Type = type.ToUpperInvariant(), NameServer = server.ToString(), Expected = expected };
                var client = new LookupClient(new LookupClientOptions(server) { UseCache = false, Recursion = false, Timeout = TimeSpan.FromSeconds(3), Retries = 1, ThrowDnsErrors = false });
                try
                {
                    var response = await client.QueryAsync(name, queryType, QueryClass.IN, token).ConfigureAwait(false);
                    result.Authoritative = response.Header.HasAuthorityAnswer;
                    if (response.HasError)
                    {
                        result.Error = response.Header.ResponseCode.ToString();
                    }

                    result.Answer = response.Answers.Select(Value).Where(v => v is not null).Select(v => v!).ToList();
                }
                catch (DnsResponseException ex)
                {
                    result.Error = ex.Code == DnsResponseCode.ConnectionTimeout ? "Timeout" : ex.Message;
                }

                result.Matches = result.Error is null && result.Answer.Count == expected.Count &&
                                 result.Answer.All(a => expected.Any(e => string.Equals(a.TrimEnd('.'), e.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)));
                results.Add(result);
            }

            return results;
        }

        private static string? Value(DnsResourceRecord record) => record switch
        {
            ARecord a => a.Address.ToString(),
            AaaaRecord aaaa => aaaa.Address.ToString(),
            CNameRecord c => c.CanonicalName.Value.TrimEnd('.'),
            NsRecord ns => ns.NSDName.Value.TrimEnd('.'),
            TxtRecord t => string.Concat(t.Text),
            _ => null,
        };
    }
}
