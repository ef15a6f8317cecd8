using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes
{
    /// <summary>
    /// DigitalOcean API v2, stateful. Every object is a clone of the contract's example with the fake's values set,
    /// so the shapes are the published ones. It models: 202 create with status new then active, droplets missing
    /// from lists right after creation, pagination through links.pages.next, tags, snapshot actions whose image is
    /// found through the droplet's snapshots, SSH keys by fingerprint, domain records with relative names, and the
    /// droplet limit.
    /// </summary>
    internal static class DigitalOceanFake
    {
        private sealed class Droplet
        {
            public long Id;
            public string Name = "";
            public string Region = "";
            public string Size = "";
            public string Image = "";
            public List<string> Tags = new();
            public int Gets;
            public int Lists;
            public DateTimeOffset Created;
            public List<JsonNode> Snapshots = new();
        }

        private sealed class DoState
        {
            public Dictionary<long, Droplet> Droplets = new();
            public Dictionary<long, JsonObject> Keys = new();
            public Dictionary<long, (long DropletId, string Name, int Gets)> Actions = new();
            public HashSet<string> Tags = new();
            public Dictionary<string, List<JsonObject>> Domains = null!;
        }

        private static readonly (string Slug, int MemoryMb, int Vcpus, int Disk, double Price)[] Sizes =
        {
            ("s-1vcpu-512mb-10gb", 512, 1, 10, 4), ("s-1vcpu-1gb", 1024, 1, 25, 6), ("s-1vcpu-2gb", 2048, 1, 50, 12),
            ("s-2vcpu-2gb", 2048, 2, 60, 18), ("s-2vcpu-4gb", 4096, 2, 80, 24), ("s-4vcpu-8gb", 8192, 4, 160, 48),
            ("s-8vcpu-16gb", 16384, 8, 320, 96), ("g-2vcpu-8gb", 8192, 2, 25, 63),
        };

        private static readonly string[] Regions = { "nyc3", "sfo3", "ams3", "tor1", "lon1" };

        private static readonly (string Slug, string Name)[] Images =
        {
            ("ubuntu-20-04-x64", "20.04 (LTS) x64"), ("ubuntu-22-04-x64", "22.04 (LTS) x64"), ("ubuntu-24-04-x64", "24.04 (LTS) x64"),
            ("ubuntu-25-10-x64", "25.10 x64"), ("debian-12-x64", "12 x64"),
        };

        public static void Map(WebApplication app, FakeState state)
        {
            var s = new DoState { Domains = state.Domains };
            var group = app.MapGroup("/v2");
            group.AddEndpointFilter(async (ctx, next) =>
            {
                if (!FakeHost.Bearer(ctx.HttpContext, state.Options.DigitalOceanToken))
                {
                    return FakeHost.Json(ctx.HttpContext, 401, state.Contract("digitalocean/error.unauthorized.json"));
                }

                ctx.HttpContext.Response.Headers["ratelimit-limit"] = "5000";
                ctx.HttpContext.Response.Headers["ratelimit-remaining"] = "4999";
                return await next(ctx);
            });

            group.MapGet("/regions", (HttpContext c) => Page(c, "regions", Regions.Select(r => Region(state, r)).ToList()));
            group.MapGet("/sizes", (HttpContext c) => Page(c, "sizes", Sizes.Select(z => Size(state, z)).ToList()));
            group.MapGet("/images", (HttpContext c) =>
            {
                var images = Images.Select((img, i) =>
                {
                    var o = state.Contract("digitalocean/images_list.response_200.distribution.json")["images"]![0]!.DeepClone().AsObject();
                    o["id"] = 63663980 + i;
                    o["slug"] = img.Slug;
                    o["name"] = img.Name;
                    o["distribution"] = img.Slug.StartsWith("ubuntu", StringComparison.Ordinal) ? "Ubuntu" : "Debian";
                    o["regions"] = new JsonArray(Regions.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray());
                    return (JsonNode)o;
                }).ToList();
                return Page(c, "images", images);
            });

            group.MapGet("/account/keys", (HttpContext c) => { lock (state.Gate) { return Page(c, "ssh_keys", s.Keys.Values.Select(k => (JsonNode)k.DeepClone()).ToList()); } });
            group.MapGet("/account/keys/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    var key = s.Keys.Values.FirstOrDefault(k => k["id"]!.ToString() == id || k["fingerprint"]!.GetValue<string>() == id);
                    return key is null
                        ? FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"))
                        : FakeHost.Json(c, 200, new JsonObject { ["ssh_key"] = key.DeepClone() });
                }
            });
            group.MapPost("/account/keys", async (HttpContext c) =>
            {
                var body = await FakeHost.Body(c);
                var line = body?["public_key"]?.GetValue<string>() ?? "";
                var parts = line.Split(' ');
                if (parts.Length < 2 || body?["name"] is null)
                {
                    return Unprocessable(c, state, "public_key and name are required");
                }

                lock (state.Gate)
                {
                    var fingerprint = Md5(parts[1]);
                    if (s.Keys.Values.Any(k => k["fingerprint"]!.GetValue<string>() == fingerprint))
                    {
                        return Unprocessable(c, state, "SSH Key is already in use on your account");
                    }

                    var key = state.Contract("digitalocean/sshKeys_get.response_200.SYNTHESIZED_from_schema_examples.json")["ssh_key"]!.DeepClone().AsObject();
                    var id = state.NextId++;
                    key["id"] = id;
                    key["fingerprint"] = fingerprint;
                    key["public_key"] = line;
                    key["name"] = body["name"]!.GetValue<string>();
                    s.Keys[id] = key;
                    return FakeHost.Json(c, 201, new JsonObject { ["ssh_key"] = key.DeepClone() });
                }
            });

            group.MapGet("/droplets", (HttpContext c) =>
            {
                var tag = c.Request.Query["tag_name"].ToString();
                lock (state.Gate)
                {
                    var visible = new List<JsonNode>();
                    foreach (var d in s.Droplets.Values.OrderBy(d => d.Id))
                    {
                        if (tag.Length > 0 && !d.Tags.Contains(tag))
                        {
                            continue;
                        }

                        // Eventual consistency: a new droplet shows up in lists only after a few list calls, or once it is active.
                        if (d.Lists++ < state.Options.HiddenListCalls && d.Gets <= state.Options.PendingPolls)
                        {
                            continue;
                        }

                        visible.Add(DropletJson(state, d));
                    }

                    return Page(c, "droplets", visible);
                }
            });
            group.MapPost("/droplets", async (HttpContext c) =>
            {
                var body = await FakeHost.Body(c);
                var name = body?["name"]?.GetValue<string>() ?? "";
                var region = body?["region"]?.GetValue<string>() ?? "";
                var size = body?["size"]?.GetValue<string>() ?? "";
                var image = body?["image"]?.ToString() ?? "";
                if (!Regex.IsMatch(name, "^[a-zA-Z0-9.-]{1,255}$"))
                {
                    return Unprocessable(c, state, "Name is invalid");
                }

                if (!Regions.Contains(region))
                {
                    return Unprocessable(c, state, "You specified an invalid region for Droplet creation.");
                }

                if (Sizes.All(z => z.Slug != size))
                {
                    return Unprocessable(c, state, "You specified an invalid size for Droplet creation.");
                }

                if (Images.All(i => i.Slug != image))
                {
                    return Unprocessable(c, state, "You specified an invalid image for Droplet creation.");
                }

                lock (state.Gate)
                {
                    if (body?["ssh_keys"] is JsonArray keys && keys.Any(k => !s.Keys.ContainsKey(long.Parse(k!.ToString(), CultureInfo.InvariantCulture))))
                    {
                        return Unprocessable(c, state, "The SSH key id is invalid.");
                    }

                    if (s.Droplets.Count >= state.Options.NodeLimit)
                    {
                        return Unprocessable(c, state, "creating this/these droplet(s) will exceed your droplet limit");
                    }

                    var d = new Droplet
                    {
                        Id = state.NextId++, Name = name, Region = region, Size = size, Image = image, Created = DateTimeOffset.UtcNow,
                        Tags = body?["tags"] is JsonArray tags ? tags.Select(t => t!.GetValue<string>()).ToList() : new List<string>(),
                    };
                    s.Droplets[d.Id] = d;
                    foreach (var t in d.Tags)
                    {
                        s.Tags.Add(t);
                    }

                    var json = DropletJson(state, d);
                    return FakeHost.Json(c, 202, new JsonObject { ["droplet"] = json, ["links"] = new JsonObject { ["actions"] = new JsonArray() } });
                }
            });
            group.MapGet("/droplets/{id:long}", (HttpContext c, long id) =>
            {
                lock (state.Gate)
                {
                    if (!s.Droplets.TryGetValue(id, out var d) || d.Gets++ == 0 && state.Options.HiddenListCalls > 0)
                    {
                        // Right after creation, even the droplet's own URL may answer 404 once.
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    return FakeHost.Json(c, 200, new JsonObject { ["droplet"] = DropletJson(state, d) });
                }
            });
            group.MapDelete("/droplets/{id:long}", (HttpContext c, long id) =>
            {
                lock (state.Gate)
                {
                    return s.Droplets.Remove(id) ? Results.NoContent() : FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                }
            });
            group.MapPost("/droplets/{id:long}/actions", async (HttpContext c, long id) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    if (!s.Droplets.ContainsKey(id))
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    if (body?["type"]?.GetValue<string>() != "snapshot")
                    {
                        return Unprocessable(c, state, "this fake supports the snapshot action only");
                    }

                    var actionId = state.NextId++;
                    s.Actions[actionId] = (id, body["name"]?.GetValue<string>() ?? $"snapshot-{actionId}", 0);
                    return FakeHost.Json(c, 201, new JsonObject { ["action"] = ActionJson(state, actionId, id, "in-progress") });
                }
            });
            group.MapGet("/actions/{id:long}", (HttpContext c, long id) =>
            {
                lock (state.Gate)
                {
                    if (!s.Actions.TryGetValue(id, out var a))
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    s.Actions[id] = (a.DropletId, a.Name, a.Gets + 1);
                    if (a.Gets < state.Options.PendingPolls)
                    {
                        return FakeHost.Json(c, 200, new JsonObject { ["action"] = ActionJson(state, id, a.DropletId, "in-progress") });
                    }

                    if (a.Gets == state.Options.PendingPolls && s.Droplets.TryGetValue(a.DropletId, out var d))
                    {
                        var snap = state.Contract("digitalocean/droplets_list_snapshots.response_200.json")["snapshots"]![0]!.DeepClone().AsObject();
                        snap["id"] = state.NextId++;
                        snap["name"] = a.Name;
                        snap["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                        snap["regions"] = new JsonArray(JsonValue.Create(d.Region));
                        d.Snapshots.Add(snap);
                    }

                    return FakeHost.Json(c, 200, new JsonObject { ["action"] = ActionJson(state, id, a.DropletId, "completed") });
                }
            });
            group.MapGet("/droplets/{id:long}/snapshots", (HttpContext c, long id) =>
            {
                lock (state.Gate)
                {
                    return s.Droplets.TryGetValue(id, out var d)
                        ? Page(c, "snapshots", d.Snapshots.Select(x => x.DeepClone()).ToList())
                        : FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                }
            });
            group.MapPost("/tags", async (HttpContext c) =>
            {
                var name = (await FakeHost.Body(c))?["name"]?.GetValue<string>() ?? "";
                lock (state.Gate)
                {
                    s.Tags.Add(name);
                }

                return FakeHost.Json(c, 201, new JsonObject { ["tag"] = new JsonObject { ["name"] = name } });
            });
            group.MapPost("/tags/{tag}/resources", async (HttpContext c, string tag) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    if (!s.Tags.Contains(tag))
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    foreach (var r in body?["resources"]?.AsArray() ?? new JsonArray())
                    {
                        if (s.Droplets.TryGetValue(long.Parse(r!["resource_id"]!.ToString(), CultureInfo.InvariantCulture), out var d) && !d.Tags.Contains(tag))
                        {
                            d.Tags.Add(tag);
                        }
                    }
                }

                return Results.NoContent();
            });

            // Domains: names are relative to the zone (@ for the apex); ?name= takes the full name.
            group.MapGet("/domains", (HttpContext c) =>
            {
                lock (state.Gate)
                {
                    return Page(c, "domains", s.Domains.Keys.OrderBy(k => k).Select(k =>
                    {
                        var o = state.Contract("digitalocean/domains_list.response_200.json")["domains"]![0]!.DeepClone().AsObject();
                        o["name"] = k;
                        o["zone_file"] = "";
                        return (JsonNode)o;
                    }).ToList());
                }
            });
            group.MapGet("/domains/{zone}/records", (HttpContext c, string zone) =>
            {
                var name = c.Request.Query["name"].ToString();
                var type = c.Request.Query["type"].ToString();
                lock (state.Gate)
                {
                    if (!s.Domains.TryGetValue(zone, out var records))
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    var list = records.Where(r => (name.Length == 0 || FullName(r["name"]!.GetValue<string>(), zone) == name) && (type.Length == 0 || r["type"]!.GetValue<string>() == type));
                    return Page(c, "domain_records", list.Select(r => r.DeepClone()).ToList());
                }
            });
            group.MapPost("/domains/{zone}/records", async (HttpContext c, string zone) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    if (!s.Domains.TryGetValue(zone, out var records))
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    var name = body?["name"]?.GetValue<string>() ?? "";
                    if (name.EndsWith("." + zone, StringComparison.OrdinalIgnoreCase) || name.Contains(' ', StringComparison.Ordinal) || body?["type"] is null || body["data"] is null)
                    {
                        return Unprocessable(c, state, "Name, type and data are required; the name is relative to the domain.");
                    }

                    var record = state.Contract("digitalocean/domains_get_record.response_200.json")["domain_record"]!.DeepClone().AsObject();
                    record["id"] = state.NextId++;
                    record["name"] = name;
                    record["type"] = body["type"]!.GetValue<string>();
                    record["data"] = body["data"]!.GetValue<string>();
                    record["ttl"] = body["ttl"]?.GetValue<int>() ?? 1800;
                    records.Add(record);
                    return FakeHost.Json(c, 201, new JsonObject { ["domain_record"] = record.DeepClone() });
                }
            });
            group.MapMethods("/domains/{zone}/records/{id:long}", new[] { "PUT", "PATCH" }, async (HttpContext c, string zone, long id) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    var record = s.Domains.TryGetValue(zone, out var records) ? records.FirstOrDefault(r => r["id"]!.ToString() == id.ToString(CultureInfo.InvariantCulture)) : null;
                    if (record is null)
                    {
                        return FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                    }

                    foreach (var key in new[] { "data", "ttl", "name" })
                    {
                        if (body?[key] is { } v)
                        {
                            record[key] = v.DeepClone();
                        }
                    }

                    return FakeHost.Json(c, 200, new JsonObject { ["domain_record"] = record.DeepClone() });
                }
            });
            group.MapDelete("/domains/{zone}/records/{id:long}", (HttpContext c, string zone, long id) =>
            {
                lock (state.Gate)
                {
                    var removed = s.Domains.TryGetValue(zone, out var records) && records.RemoveAll(r => r["id"]!.ToString() == id.ToString(CultureInfo.InvariantCulture)) > 0;
                    return removed ? Results.NoContent() : FakeHost.Json(c, 404, state.Contract("digitalocean/error.not_found.json"));
                }
            });

            // Arrange: domains, and many droplets for pagination.
            app.MapPost("/_fake/digitalocean/domains/{zone}", (string zone) =>
            {
                lock (state.Gate)
                {
                    s.Domains[zone] = new List<JsonObject>();
                }

                return Results.NoContent();
            });
            app.MapPost("/_fake/digitalocean/droplets", (HttpContext c) =>
            {
                var count = int.Parse(c.Request.Query["count"].ToString(), CultureInfo.InvariantCulture);
                var project = c.Request.Query["project"].ToString();
                var tags = c.Request.Query["tag"].ToArray();
                lock (state.Gate)
                {
                    for (var i = 0; i < count; i++)
                    {
                        var name = count == 1 ? project : $"{project}-c{i:D3}";
                        var d = new Droplet
                        {
                            Id = state.NextId++, Name = name, Region = "tor1", Size = "s-1vcpu-2gb", Image = "ubuntu-24-04-x64",
                            Created = DateTimeOffset.UtcNow.AddDays(-30), Tags = new List<string> { "releaseops", "project:" + project }, Gets = 100, Lists = 100,
                        };
                        d.Tags.AddRange(tags!);
                        s.Droplets[d.Id] = d;
                    }
                }

                return Results.NoContent();
            });
            app.MapGet("/_fake/digitalocean/state", () =>
            {
                lock (state.Gate)
                {
                    return Results.Json(new
                    {
                        droplets = s.Droplets.Values.Select(d => new { d.Id, d.Name, d.Region, d.Size, d.Image, d.Tags }).ToList(),
                        keys = s.Keys.Count,
                        records = s.Domains.ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => r.ToJsonString()).ToList()),
                    });
                }
            });
        }

        internal static string FullName(string relative, string zone) => relative == "@" ? zone : relative + "." + zone;

        private static JsonNode DropletJson(FakeState state, Droplet d)
        {
            var o = state.Contract("digitalocean/droplets_get.response_200.single_droplet.json")["droplet"]!.DeepClone().AsObject();
            var size = Sizes.First(z => z.Slug == d.Size);
            var active = d.Gets > state.Options.PendingPolls;
            o["id"] = d.Id;
            o["name"] = d.Name;
            o["status"] = active ? "active" : "new";
            o["memory"] = size.MemoryMb;
            o["vcpus"] = size.Vcpus;
            o["disk"] = size.Disk;
            o["size_slug"] = d.Size;
            var embedded = Size(state, size).AsObject();
            embedded.Remove("disk_info");
            o["size"] = embedded;
            o["created_at"] = d.Created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            o["tags"] = new JsonArray(d.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
            o["region"] = Region(state, d.Region);
            o["snapshot_ids"] = new JsonArray(d.Snapshots.Select(x => (JsonNode)JsonValue.Create(long.Parse(x["id"]!.ToString(), CultureInfo.InvariantCulture))!).ToArray());
            var networks = o["networks"]!.AsObject();
            if (active)
            {
                networks["v4"]![0]!["ip_address"] = "10.118.0." + (d.Id % 250);
                networks["v4"]![1]!["ip_address"] = state.Options.NodeAddress;
                networks["v6"]![0]!["ip_address"] = "2604:a880:4:1d0::" + (d.Id % 9999).ToString("x", CultureInfo.InvariantCulture);
            }
            else
            {
                networks["v4"] = new JsonArray();
                networks["v6"] = new JsonArray();
            }

            return o;
        }

        private static JsonNode Size(FakeState state, (string Slug, int MemoryMb, int Vcpus, int Disk, double Price) z)
        {
            var o = state.Contract("digitalocean/sizes_list.response_200.json")["sizes"]![0]!.DeepClone().AsObject();
            o["slug"] = z.Slug;
            o["memory"] = z.MemoryMb;
            o["vcpus"] = z.Vcpus;
            o["disk"] = z.Disk;
            o["price_monthly"] = z.Price;
            o["price_hourly"] = Math.Round(z.Price / 672, 5);
            o["available"] = true;
            o["regions"] = new JsonArray(Regions.Where(r => !(z.Slug.StartsWith("g-", StringComparison.Ordinal) && r == "tor1")).Select(r => (JsonNode)JsonValue.Create(r)!).ToArray());
            o["description"] = "Basic";
            o["disk_info"]![0]!["size"]!["amount"] = z.Disk;
            return o;
        }

        private static JsonNode Region(FakeState state, string slug)
        {
            var o = state.Contract("digitalocean/regions_list.response_200.json")["regions"]![0]!.DeepClone().AsObject();
            o["slug"] = slug;
            o["name"] = slug;
            o["available"] = true;
            return o;
        }

        private static JsonNode ActionJson(FakeState state, long id, long dropletId, string status)
        {
            var o = state.Contract("digitalocean/actions_get.response_200.SYNTHESIZED_from_schema_examples.json")["action"]!.DeepClone().AsObject();
            o["id"] = id;
            o["status"] = status;
            o["type"] = "snapshot";
            o["resource_id"] = dropletId;
            return o;
        }

        private static IResult Unprocessable(HttpContext c, FakeState state, string message)
        {
            var body = state.Contract("digitalocean/error.unprocessable_entity.json").AsObject();
            body["message"] = message;
            return FakeHost.Json(c, 422, body);
        }

        /// <summary>A page of a list, with links.pages (first, prev, next, last) and meta.total as the API sends them.</summary>
        private static IResult Page(HttpContext c, string key, List<JsonNode> items)
        {
            var (page, perPage) = FakeHost.Paging(c, 20, 200);
            var total = items.Count;
            var last = Math.Max(1, (total + perPage - 1) / perPage);
            var pages = new JsonObject();
            string Link(int p)
            {
                var query = string.Join("&", c.Request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={p}"));
                return $"http://{c.Request.Host}{c.Request.Path}?{query}";
            }

            if (page > 1)
            {
                pages["first"] = Link(1);
                pages["prev"] = Link(page - 1);
            }

            if (page < last)
            {
                pages["next"] = Link(page + 1);
                pages["last"] = Link(last);
            }

            var body = new JsonObject
            {
                [key] = new JsonArray(items.Skip((page - 1) * perPage).Take(perPage).Select(i => i.DeepClone()).ToArray()),
                ["links"] = new JsonObject { ["pages"] = pages },
                ["meta"] = new JsonObject { ["total"] = total },
            };
            return FakeHost.Json(c, 200, body);
        }

        private static string Md5(string base64)
        {
#pragma warning disable CA5351
            var hash = System.Security.Cryptography.MD5.HashData(Convert.FromBase64String(base64));
#pragma warning restore CA5351
            return string.Join(":", hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
