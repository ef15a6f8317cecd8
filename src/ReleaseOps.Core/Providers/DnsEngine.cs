using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Providers
{
    /// <summary>DNS changes that are the same on every service: idempotent set, and "does a record point here".</summary>
    public static class DnsEngine
    {
        /// <summary>The service for a provider, with credentials from the settings.</summary>
        public static IDnsService Create(DnsProvider provider, ProviderSettings settings, IOperationReporter reporter) => provider switch
        {
            DnsProvider.DigitalOcean => new DigitalOceanDns(settings.DigitalOceanClient(reporter)),
            _ => new CloudflareDns(settings.CloudflareClient(reporter)),
        };

        /// <summary>The services whose credentials are configured.</summary>
        public static IReadOnlyList<IDnsService> Configured(ProviderSettings settings, IOperationReporter reporter)
        {
            var list = new List<IDnsService>();
            if (settings.DigitalOceanToken is not null)
            {
                list.Add(Create(DnsProvider.DigitalOcean, settings, reporter));
            }

            if (settings.CloudflareToken is not null)
            {
                list.Add(Create(DnsProvider.Cloudflare, settings, reporter));
            }

            return list;
        }

        /// <summary>The full name for a name given relative to the zone, as @, or in full.</summary>
        public static string FullName(string zone, string name)
        {
            zone = zone.TrimEnd('.').ToLowerInvariant();
            name = name.TrimEnd('.').ToLowerInvariant();
            if (name == "@" || name.Length == 0 || name == zone)
            {
                return zone;
            }

            var full = name.EndsWith("." + zone, StringComparison.Ordinal) ? name : name + "." + zone;
            var labels = full.Substring(0, full.Length - zone.Length - 1).Split('.');
            if (labels.Any(l => l != "*" && !DirectHostNames.IsDnsLabel(l.TrimStart('_'))))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRecordName, FailureCategory.InvalidArgument, $"'{name}' is not a valid record name in {zone}.",
                    "Give a name such as kmc, kmc-direct or @ (relative to the zone), or the full name.", name);
            }

            return full;
        }

        /// <summary>
        /// Makes the records of one name and type hold exactly these values with this TTL (or, with no values, sets
        /// only the TTL). Creates and updates come before deletes, so the name never goes without an answer.
        /// </summary>
        public static async Task<IReadOnlyList<DnsRecord>> SetAsync(IDnsService dns, string zone, string name, string type, IReadOnlyList<string>? values, int? ttl,
            bool whatIf, IOperationReporter reporter, CancellationToken token)
        {
            var full = FullName(zone, name);
            type = type.ToUpperInvariant();
            var existing = await dns.ListAsync(zone, full, type, null, token).ConfigureAwait(false);
            var results = new List<DnsRecord>();
            if (values is null)
            {
                if (existing.Count == 0)
                {
                    throw new ReleaseOpsException(ErrorIds.DnsRecordNotFound, FailureCategory.ObjectNotFound, $"{dns.Kind} has no {type} record {full} whose TTL could be set.",
                        "Give -Value to create the record, or check the name and zone with Get-DnsRecord.", full);
                }

                foreach (var record in existing)
                {
                    results.Add(await ApplyAsync(dns, record, record.Value, ttl ?? record.Ttl, whatIf, reporter, token).ConfigureAwait(false));
                }

                return results;
            }

            var wanted = values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var newTtl = ttl ?? existing.Select(r => (int?)r.Ttl).FirstOrDefault() ?? 3600;
            var unmatched = existing.ToList();
            foreach (var value in wanted)
            {
                var same = unmatched.FirstOrDefault(r => string.Equals(r.Value.TrimEnd('.'), value.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
                if (same is not null)
                {
                    unmatched.Remove(same);
                    results.Add(await ApplyAsync(dns, same, same.Value, newTtl, whatIf, reporter, token).ConfigureAwait(false));
                    continue;
                }

                var reuse = unmatched.FirstOrDefault(r => !wanted.Contains(r.Value, StringComparer.OrdinalIgnoreCase));
                if (reuse is not null)
                {
                    unmatched.Remove(reuse);
                    results.Add(await ApplyAsync(dns, reuse, value, newTtl, whatIf, reporter, token).ConfigureAwait(false));
                    continue;
                }

                if (whatIf)
                {
                    results.Add(new DnsRecord { Provider = dns.Kind, Zone = zone, Name = full, Type = type, Value = value, Ttl = newTtl, Change = DnsChange.WouldChange });
                    continue;
                }

                var created = await dns.CreateAsync(zone, full, type, value, newTtl, token).ConfigureAwait(false);
                created.Change = DnsChange.Created;
                reporter.Verbose($"Created {created}.");
                results.Add(created);
            }

            foreach (var extra in unmatched)
            {
                if (!whatIf)
                {
                    await dns.DeleteAsync(extra, token).ConfigureAwait(false);
                    reporter.Verbose($"Deleted {extra}.");
                }

                extra.Change = whatIf ? DnsChange.WouldChange : DnsChange.Deleted;
                results.Add(extra);
            }

            return results;
        }

        /// <summary>The A and AAAA records, in every zone of the configured services, that point at an address.</summary>
        public static async Task<IReadOnlyList<DnsRecord>> PointingAtAsync(IEnumerable<IDnsService> services, string address, CancellationToken token)
        {
            var found = new List<DnsRecord>();
            foreach (var dns in services)
            {
                foreach (var zone in await dns.ZonesAsync(token).ConfigureAwait(false))
                {
                    found.AddRange((await dns.ListAsync(zone, null, null, address, token).ConfigureAwait(false))
                        .Where(r => (r.Type == "A" || r.Type == "AAAA") && string.Equals(r.Value, address, StringComparison.OrdinalIgnoreCase)));
                }
            }

            return found;
        }

        private static async Task<DnsRecord> ApplyAsync(IDnsService dns, DnsRecord record, string value, int ttl, bool whatIf, IOperationReporter reporter, CancellationToken token)
        {
            if (record.Value == value && record.Ttl == ttl)
            {
                record.Change = DnsChange.Unchanged;
                return record;
            }

            if (whatIf)
            {
                return new DnsRecord { Provider = record.Provider, Zone = record.Zone, Id = record.Id, Name = record.Name, Type = record.Type, Value = value, Ttl = ttl, Change = DnsChange.WouldChange };
            }

            var updated = await dns.UpdateAsync(record, value, ttl, token).ConfigureAwait(false);
            updated.Change = DnsChange.Updated;
            reporter.Verbose($"Updated {record} to {updated}.");
            return updated;
        }
    }
}
