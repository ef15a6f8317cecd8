using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes
{
    /// <summary>
    /// Cloudflare API v4 DNS, stateful: zones by name, records with full names, the success/errors/result envelope,
    /// and result_info pagination. Records are clones of the contract's example.
    /// </summary>
    internal static class CloudflareFake
    {
        public static void Map(WebApplication app, FakeState state)
        {
            var zones = new Dictionary<string, (string Name, List<JsonObject> Records)>();
            var group = app.MapGroup("/client/v4");
            group.AddEndpointFilter(async (ctx, next) =>
                FakeHost.Bearer(ctx.HttpContext, state.Options.CloudflareToken)
                    ? await next(ctx)
                    : Error(ctx.HttpContext, 401, 10000, "Authentication error"));

            group.MapGet("/zones", (HttpContext c) =>
            {
                var name = c.Request.Query["name"].ToString();
                lock (state.Gate)
                {
                    var list = zones.Where(z => name.Length == 0 || z.Value.Name == name)
                        .Select(z => (JsonNode)Zone(z.Key, z.Value.Name)).ToList();
                    return Page(c, list);
                }
            });
            group.MapGet("/zones/{zone}/dns_records", (HttpContext c, string zone) =>
            {
                var q = c.Request.Query;
                lock (state.Gate)
                {
                    if (!zones.TryGetValue(zone, out var z))
                    {
                        return Error(c, 404, 7003, $"Could not route to /client/v4/zones/{zone}/dns_records, perhaps your object identifier is invalid?");
                    }

                    var list = z.Records.Where(r => Matches(r, "name", q["name"]) && Matches(r, "type", q["type"]) && Matches(r, "content", q["content"]))
                        .Select(r => r.DeepClone()).ToList();
                    return Page(c, list);
                }
            });
            group.MapPost("/zones/{zone}/dns_records", async (HttpContext c, string zone) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    if (!zones.TryGetValue(zone, out var z))
                    {
                        return Error(c, 404, 7003, "Could not route, perhaps your object identifier is invalid?");
                    }

                    if (body?["type"] is null || body["name"] is null || body["content"] is null)
                    {
                        return Error(c, 400, 9005, "Content, name and type are required.");
                    }

                    var record = Template(state);
                    record["id"] = Guid.NewGuid().ToString("N");
                    Apply(record, body, z.Name);
                    z.Records.Add(record);
                    return Ok(c, record.DeepClone());
                }
            });
            group.MapMethods("/zones/{zone}/dns_records/{id}", new[] { "PUT", "PATCH" }, async (HttpContext c, string zone, string id) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    var record = zones.TryGetValue(zone, out var z) ? z.Records.FirstOrDefault(r => r["id"]!.GetValue<string>() == id) : null;
                    if (record is null)
                    {
                        return Error(c, 404, 81044, "Record does not exist.");
                    }

                    Apply(record, body, z.Name);
                    return Ok(c, record.DeepClone());
                }
            });
            group.MapDelete("/zones/{zone}/dns_records/{id}", (HttpContext c, string zone, string id) =>
            {
                lock (state.Gate)
                {
                    var removed = zones.TryGetValue(zone, out var z) && z.Records.RemoveAll(r => r["id"]!.GetValue<string>() == id) > 0;
                    return removed ? Ok(c, new JsonObject { ["id"] = id }) : Error(c, 404, 81044, "Record does not exist.");
                }
            });

            app.MapPost("/_fake/cloudflare/zones/{name}", (string name) =>
            {
                lock (state.Gate)
                {
                    var id = Guid.NewGuid().ToString("N");
                    zones[id] = (name, new List<JsonObject>());
                    return Results.Json(new { id });
                }
            });
        }

        /// <summary>A zone with every field the spec's zone schema requires.</summary>
        private static JsonObject Zone(string id, string name) => new()
        {
            ["id"] = id, ["name"] = name, ["development_mode"] = 0,
            ["owner"] = new JsonObject { ["id"] = "7c5dae5552338874e5053f2534d2767a", ["type"] = "user", ["name"] = "admin@countable.ca" },
            ["account"] = new JsonObject { ["id"] = "01a7362d577a6c3019a474fd6f485823", ["name"] = "Countable" },
            ["meta"] = new JsonObject { ["cdn_only"] = false, ["dns_only"] = true, ["foundation_dns"] = false, ["page_rule_quota"] = 3, ["phishing_detected"] = false, ["step"] = 2 },
            ["name_servers"] = new JsonArray("bob.ns.cloudflare.com", "lola.ns.cloudflare.com"),
            ["original_name_servers"] = null, ["original_registrar"] = null, ["original_dnshost"] = null,
            ["created_on"] = "2024-01-01T05:20:00.12345Z", ["modified_on"] = "2024-01-01T05:20:00.12345Z", ["activated_on"] = "2024-01-02T00:01:00.12345Z",
        };

        private static bool Matches(JsonObject r, string key, Microsoft.Extensions.Primitives.StringValues value) =>
            value.Count == 0 || string.IsNullOrEmpty(value.ToString()) || string.Equals(r[key]?.ToString(), value.ToString(), StringComparison.OrdinalIgnoreCase);

        private static void Apply(JsonObject record, JsonNode? body, string zone)
        {
            foreach (var key in new[] { "type", "name", "content", "ttl", "proxied" })
            {
                if (body?[key] is { } v)
                {
                    record[key] = v.DeepClone();
                }
            }

            // Cloudflare stores full names; "@" and relative names are expanded.
            var name = record["name"]!.GetValue<string>();
            if (name == "@")
            {
                record["name"] = zone;
            }
            else if (!name.Equals(zone, StringComparison.OrdinalIgnoreCase) && !name.EndsWith("." + zone, StringComparison.OrdinalIgnoreCase))
            {
                record["name"] = name + "." + zone;
            }

            record["modified_on"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>The recorded record, less the fields the spec no longer has (zone_id, zone_name, locked).</summary>
        private static JsonObject Template(FakeState state)
        {
            var record = state.Contract("cloudflare/dns_records_create.response_200.json")["body"]!["result"]!.DeepClone().AsObject();
            foreach (var gone in new[] { "zone_id", "zone_name", "locked" })
            {
                record.Remove(gone);
            }

            return record;
        }

        private static IResult Ok(HttpContext c, JsonNode result) =>
            FakeHost.Json(c, 200, new JsonObject { ["success"] = true, ["errors"] = new JsonArray(), ["messages"] = new JsonArray(), ["result"] = result });

        private static IResult Page(HttpContext c, List<JsonNode> items)
        {
            var (page, perPage) = FakeHost.Paging(c, 20, 100);
            var slice = items.Skip((page - 1) * perPage).Take(perPage).ToArray();
            return FakeHost.Json(c, 200, new JsonObject
            {
                ["success"] = true, ["errors"] = new JsonArray(), ["messages"] = new JsonArray(), ["result"] = new JsonArray(slice),
                ["result_info"] = new JsonObject { ["count"] = slice.Length, ["page"] = page, ["per_page"] = perPage, ["total_count"] = items.Count },
            });
        }

        private static IResult Error(HttpContext c, int status, int code, string message) =>
            FakeHost.Json(c, status, new JsonObject
            {
                ["result"] = null, ["success"] = false, ["messages"] = new JsonArray(),
                ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
            });
    }
}
