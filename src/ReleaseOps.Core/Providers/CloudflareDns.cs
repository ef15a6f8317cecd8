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
            id = found.Select(z => ProviderHttpClient.Str(z, "id")).FirstOrDefault() ?? throw new ReleaseOpsException(ErrorIds.DnsZoneNotFound, FailureCategory.ObjectNotFound,
                $"Cloudflare has no zone {zone} in this account.", "Check the zone's name, and that the API token may read it (Zone.DNS permission).", zone);
            zoneIds[zone] = id;
            return id;
        }

        private JsonElement Result(JsonElement body)
        {
            if (body.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.False)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderRequestRejected, FailureCategory.InvalidArgument, "Cloudflare answered success: false.", "Check the record's values.", null);
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
