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
    /// <summary>A DNS service's records API, as ReleaseOps uses it. Names are always full names here.</summary>
    public interface IDnsService : IDisposable
    {
        /// <summary>Which service this is.</summary>
        DnsProvider Kind { get; }

        /// <summary>The zones in the account.</summary>
        Task<IReadOnlyList<string>> ZonesAsync(CancellationToken token);

        /// <summary>Records of a zone, filtered by full name, type and value when given.</summary>
        Task<IReadOnlyList<DnsRecord>> ListAsync(string zone, string? name, string? type, string? value, CancellationToken token);

        /// <summary>Creates a record.</summary>
        Task<DnsRecord> CreateAsync(string zone, string name, string type, string value, int ttl, CancellationToken token);

        /// <summary>Changes a record's value and TTL.</summary>
        Task<DnsRecord> UpdateAsync(DnsRecord record, string value, int ttl, CancellationToken token);

        /// <summary>Deletes a record.</summary>
        Task DeleteAsync(DnsRecord record, CancellationToken token);
    }

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
                throw new ReleaseOpsException("InvalidRecordName", FailureCategory.InvalidArgument, $"'{name}' is not a valid record name in {zone}.",
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
                    throw new ReleaseOpsException("DnsRecordNotFound", FailureCategory.ObjectNotFound, $"{dns.Kind} has no {type} record {full} whose TTL could be set.",
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

    /// <summary>DigitalOcean Domains: record names are relative (@ for the apex); the ?name= filter takes the full name.</summary>
    public sealed class DigitalOceanDns : IDnsService
    {
        private readonly ProviderHttpClient api;

        public DigitalOceanDns(ProviderHttpClient api)
        {
            this.api = api;
        }

        /// <inheritdoc />
        public DnsProvider Kind => DnsProvider.DigitalOcean;

        /// <inheritdoc />
        public async Task<IReadOnlyList<string>> ZonesAsync(CancellationToken token)
        {
            var domains = await DigitalOceanProvider.PagesAsync(api, "v2/domains?per_page=200", "domains", token).ConfigureAwait(false);
            return domains.Select(d => ProviderHttpClient.Str(d, "name") ?? string.Empty).ToList();
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<DnsRecord>> ListAsync(string zone, string? name, string? type, string? value, CancellationToken token)
        {
            var query = "per_page=200" + (name is null ? string.Empty : "&name=" + Uri.EscapeDataString(name)) + (type is null ? string.Empty : "&type=" + Uri.EscapeDataString(type));
            var records = await DigitalOceanProvider.PagesAsync(api, $"v2/domains/{Uri.EscapeDataString(zone)}/records?{query}", "domain_records", token).ConfigureAwait(false);
            return records.Select(r => ToRecord(zone, r)).Where(r => value is null || string.Equals(r.Value, value, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        /// <inheritdoc />
        public async Task<DnsRecord> CreateAsync(string zone, string name, string type, string value, int ttl, CancellationToken token)
        {
            var response = await api.SendAsync(HttpMethod.Post, $"v2/domains/{Uri.EscapeDataString(zone)}/records",
                new { type, name = Relative(zone, name), data = value, ttl }, token, unsafeToRepeat: true).ConfigureAwait(false);
            return ToRecord(zone, api.Need(response.Body, "domain_record", "POST records"));
        }

        /// <inheritdoc />
        /// <remarks>The spec's record schema requires <c>type</c> even in a PATCH, so it is always sent.</remarks>
        public async Task<DnsRecord> UpdateAsync(DnsRecord record, string value, int ttl, CancellationToken token)
        {
            var response = await api.SendAsync(new HttpMethod("PATCH"), $"v2/domains/{Uri.EscapeDataString(record.Zone)}/records/{Uri.EscapeDataString(record.Id)}",
                new { type = record.Type, data = value, ttl }, token).ConfigureAwait(false);
            return ToRecord(record.Zone, api.Need(response.Body, "domain_record", "PATCH record"));
        }

        /// <inheritdoc />
        public async Task DeleteAsync(DnsRecord record, CancellationToken token) =>
            await api.SendAsync(HttpMethod.Delete, $"v2/domains/{Uri.EscapeDataString(record.Zone)}/records/{Uri.EscapeDataString(record.Id)}", null, token, accept: 404).ConfigureAwait(false);

        /// <inheritdoc />
        public void Dispose() => api.Dispose();

        private static string Relative(string zone, string full) => full == zone ? "@" : full.Substring(0, full.Length - zone.Length - 1);

        private static DnsRecord ToRecord(string zone, JsonElement r)
        {
            var relative = ProviderHttpClient.Str(r, "name") ?? "@";
            return new DnsRecord
            {
                Provider = DnsProvider.DigitalOcean,
                Zone = zone,
                Id = ProviderHttpClient.Str(r, "id") ?? string.Empty,
                Name = relative == "@" ? zone : relative + "." + zone,
                Type = ProviderHttpClient.Str(r, "type") ?? string.Empty,
                Value = ProviderHttpClient.Str(r, "data") ?? string.Empty,
                Ttl = r.TryGetProperty("ttl", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0,
            };
        }
    }

    /// <summary>Cloudflare DNS: zones are found by name; records hold full names; results come in an envelope.</summary>
    public sealed class CloudflareDns : IDnsService
    {
        private readonly ProviderHttpClient api;
        private readonly Dictionary<string, string> zoneIds = new(StringComparer.OrdinalIgnoreCase);

        public CloudflareDns(ProviderHttpClient api)
        {
            this.api = api;
        }

        /// <inheritdoc />
        public DnsProvider Kind => DnsProvider.Cloudflare;

        /// <inheritdoc />
        public async Task<IReadOnlyList<string>> ZonesAsync(CancellationToken token)
        {
            var names = new List<string>();
            foreach (var z in await AllAsync("zones?per_page=50", token).ConfigureAwait(false))
            {
                var name = ProviderHttpClient.Str(z, "name") ?? string.Empty;
                zoneIds[name] = ProviderHttpClient.Str(z, "id") ?? string.Empty;
                names.Add(name);
            }

            return names;
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<DnsRecord>> ListAsync(string zone, string? name, string? type, string? value, CancellationToken token)
        {
            var id = await ZoneIdAsync(zone, token).ConfigureAwait(false);
            var query = "per_page=100" + (name is null ? string.Empty : "&name=" + Uri.EscapeDataString(name)) + (type is null ? string.Empty : "&type=" + Uri.EscapeDataString(type)) +
                        (value is null ? string.Empty : "&content=" + Uri.EscapeDataString(value));
            return (await AllAsync($"zones/{id}/dns_records?{query}", token).ConfigureAwait(false)).Select(r => ToRecord(zone, id, r)).ToList();
        }

        /// <inheritdoc />
        public async Task<DnsRecord> CreateAsync(string zone, string name, string type, string value, int ttl, CancellationToken token)
        {
            var id = await ZoneIdAsync(zone, token).ConfigureAwait(false);
            var response = await api.SendAsync(HttpMethod.Post, $"zones/{id}/dns_records", new { type, name, content = value, ttl, proxied = false }, token, unsafeToRepeat: true).ConfigureAwait(false);
            return ToRecord(zone, id, Result(response.Body));
        }

        /// <inheritdoc />
        public async Task<DnsRecord> UpdateAsync(DnsRecord record, string value, int ttl, CancellationToken token)
        {
            var id = await ZoneIdAsync(record.Zone, token).ConfigureAwait(false);
            // Cloudflare's record schema requires type, name and content in a PATCH too.
            var response = await api.SendAsync(new HttpMethod("PATCH"), $"zones/{id}/dns_records/{Uri.EscapeDataString(record.Id)}",
                new { type = record.Type, name = record.Name, content = value, ttl }, token).ConfigureAwait(false);
            return ToRecord(record.Zone, id, Result(response.Body));
        }

        /// <inheritdoc />
        public async Task DeleteAsync(DnsRecord record, CancellationToken token)
        {
            var id = await ZoneIdAsync(record.Zone, token).ConfigureAwait(false);
            // The spec's DELETE takes a (required) JSON body; an empty object satisfies it.
            await api.SendAsync(HttpMethod.Delete, $"zones/{id}/dns_records/{Uri.EscapeDataString(record.Id)}", new Dictionary<string, object>(), token, accept: 404).ConfigureAwait(false);
        }

        /// <inheritdoc />
        public void Dispose() => api.Dispose();

        private async Task<string> ZoneIdAsync(string zone, CancellationToken token)
        {
            if (zoneIds.TryGetValue(zone, out var id))
            {
                return id;
            }

            var found = await AllAsync($"zones?name={Uri.EscapeDataString(zone)}", token).ConfigureAwait(false);
            id = found.Select(z => ProviderHttpClient.Str(z, "id")).FirstOrDefault() ?? throw new ReleaseOpsException("DnsZoneNotFound", FailureCategory.ObjectNotFound,
                $"Cloudflare has no zone {zone} in this account.", "Check the zone's name, and that the API token may read it (Zone.DNS permission).", zone);
            zoneIds[zone] = id;
            return id;
        }

        private JsonElement Result(JsonElement body)
        {
            if (body.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.False)
            {
                throw new ReleaseOpsException("ProviderRequestRejected", FailureCategory.InvalidArgument, "Cloudflare answered success: false.", "Check the record's values.", null);
            }

            return api.Need(body, "result", "Cloudflare result");
        }

        private async Task<List<JsonElement>> AllAsync(string path, CancellationToken token)
        {
            var items = new List<JsonElement>();
            for (var page = 1; ; page++)
            {
                var body = await api.GetAsync(path + (path.IndexOf('?') >= 0 ? "&" : "?") + "page=" + page.ToString(CultureInfo.InvariantCulture), token).ConfigureAwait(false);
                var result = Result(body);
                items.AddRange(result.EnumerateArray());
                if (!body.TryGetProperty("result_info", out var info) || info.ValueKind != JsonValueKind.Object ||
                    !info.TryGetProperty("total_count", out var total) || !info.TryGetProperty("per_page", out var per) ||
                    page * per.GetInt32() >= total.GetInt32() || result.GetArrayLength() == 0)
                {
                    return items;
                }
            }
        }

        private static DnsRecord ToRecord(string zone, string zoneId, JsonElement r) => new()
        {
            Provider = DnsProvider.Cloudflare,
            Zone = zone,
            ZoneId = ProviderHttpClient.Str(r, "zone_id") ?? zoneId,
            Proxied = r.TryGetProperty("proxied", out var proxied) && proxied.ValueKind is JsonValueKind.True or JsonValueKind.False ? proxied.GetBoolean() : null,
            Id = ProviderHttpClient.Str(r, "id") ?? string.Empty,
            Name = ProviderHttpClient.Str(r, "name") ?? string.Empty,
            Type = ProviderHttpClient.Str(r, "type") ?? string.Empty,
            Value = ProviderHttpClient.Str(r, "content") ?? string.Empty,
            Ttl = r.TryGetProperty("ttl", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0,
        };
    }
}
