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
}
