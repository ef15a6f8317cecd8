using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ReleaseOps.Fakes
{
    /// <summary>
    /// Scaleway's Instance, Block and Marketplace APIs, stateful, from the recorded SDK and CLI cassettes: create
    /// answers 201 with the server stopped; poweron answers 202 with a task and the server runs after a few GETs;
    /// DELETE of a server leaves its volumes and flexible IPs; instance lists count in X-Total-Count; products come
    /// from the recorded products/servers answer.
    /// </summary>
    internal static class ScalewayFake
    {
        private sealed class Server
        {
            public JsonObject Json = new();
            public int GetsSinceStart = -1;
            public string State = "stopped";
            public string? UserData;
        }

        public static void Map(WebApplication app, FakeState state)
        {
            var servers = new Dictionary<string, Server>();
            var volumes = new Dictionary<string, JsonObject>();
            var ips = new Dictionary<string, JsonObject>();
            var snapshots = new Dictionary<string, (JsonObject Json, int Gets)>();

            RouteGroupBuilder Group(string prefix)
            {
                var g = app.MapGroup(prefix);
                g.AddEndpointFilter(async (ctx, next) =>
                {
                    var ok = ctx.HttpContext.Request.Headers["X-Auth-Token"].ToString() == state.Options.ScalewaySecretKey;
                    ctx.HttpContext.Items["authorized"] = ok;
                    return ok ? await next(ctx) : Error(ctx.HttpContext, 401, "denied_authentication", "invalid authentication");
                });
                return g;
            }

            var instance = Group("/instance/v1/zones/{zone}");
            instance.MapGet("/products/servers", (HttpContext c) =>
            {
                var body = state.ScalewayCassette("test-server-action-manual-poweron__000").DeepClone();
                return FakeHost.Json(c, 200, body, new Dictionary<string, string> { ["X-Total-Count"] = body["servers"]!.AsObject().Count.ToString(CultureInfo.InvariantCulture) });
            });
            instance.MapGet("/servers", (HttpContext c, string zone) =>
            {
                var tags = c.Request.Query["tags"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
                var name = c.Request.Query["name"].ToString();
                lock (state.Gate)
                {
                    var list = servers.Values.Where(s => s.Json["zone"]!.GetValue<string>() == zone &&
                                                         tags.All(t => s.Json["tags"]!.AsArray().Any(x => x!.GetValue<string>() == t)) &&
                                                         (name.Length == 0 || s.Json["name"]!.GetValue<string>().Contains(name, StringComparison.Ordinal)))
                        .Select(s => (JsonNode)View(s, state)).ToList();
                    var (page, perPage) = FakeHost.Paging(c, 50, 100);
                    return FakeHost.Json(c, 200, new JsonObject { ["servers"] = new JsonArray(list.Skip((page - 1) * perPage).Take(perPage).ToArray()) },
                        new Dictionary<string, string> { ["X-Total-Count"] = list.Count.ToString(CultureInfo.InvariantCulture) });
                }
            });
            instance.MapPost("/servers", async (HttpContext c, string zone) =>
            {
                var body = await FakeHost.Body(c);
                var products = state.ScalewayCassette("test-server-action-manual-poweron__000")["servers"]!.AsObject();
                if (body?["commercial_type"] is null || !products.ContainsKey(body["commercial_type"]!.GetValue<string>()))
                {
                    return Error(c, 400, "invalid_arguments", "invalid argument(s)");
                }

                lock (state.Gate)
                {
                    if (servers.Count >= state.Options.NodeLimit)
                    {
                        return Error(c, 403, "quotas_exceeded", "quota exceeded: instances_servers_total");
                    }

                    var json = state.ScalewayCassette("test-server-action-manual-poweron__004")["server"]!.DeepClone().AsObject();
                    var id = Guid.NewGuid().ToString();
                    var volumeId = Guid.NewGuid().ToString();
                    json["id"] = id;
                    json["name"] = body["name"]!.GetValue<string>();
                    json["hostname"] = body["name"]!.GetValue<string>();
                    json["commercial_type"] = body["commercial_type"]!.GetValue<string>();
                    json["tags"] = body["tags"]?.DeepClone() ?? new JsonArray();
                    json["zone"] = zone;
                    json["creation_date"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
                    json["volumes"]!["0"]!["id"] = volumeId;
                    json["volumes"]!["0"]!["zone"] = zone;
                    volumes[volumeId] = new JsonObject { ["id"] = volumeId, ["size"] = body["volumes"]?["0"]?["size"]?.DeepClone() ?? 10_000_000_000, ["zone"] = zone };
                    var server = new Server { Json = json };
                    servers[id] = server;
                    return FakeHost.Json(c, 201, new JsonObject { ["server"] = View(server, state) },
                        new Dictionary<string, string> { ["Location"] = $"http://{c.Request.Host}/instance/v1/zones/{zone}/servers/{id}" });
                }
            });
            instance.MapGet("/servers/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    if (!servers.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "instance_server", id);
                    }

                    if (s.State == "starting" && ++s.GetsSinceStart > state.Options.PendingPolls)
                    {
                        s.State = "running";
                        var ipId = Guid.NewGuid().ToString();
                        ips[ipId] = new JsonObject { ["id"] = ipId, ["address"] = state.Options.NodeAddress, ["family"] = "inet", ["dynamic"] = false, ["zone"] = s.Json["zone"]!.DeepClone(), ["server"] = s.Json["id"]!.DeepClone() };
                    }

                    if (s.State == "stopping" && ++s.GetsSinceStart > state.Options.PendingPolls)
                    {
                        s.State = "stopped";
                    }

                    return FakeHost.Json(c, 200, new JsonObject { ["server"] = View(s, state, ips) });
                }
            });
            instance.MapMethods("/servers/{id}", new[] { "PATCH" }, async (HttpContext c, string id) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    if (!servers.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "instance_server", id);
                    }

                    if (body?["tags"] is { } tags)
                    {
                        s.Json["tags"] = tags.DeepClone();
                    }

                    return FakeHost.Json(c, 200, new JsonObject { ["server"] = View(s, state, ips) });
                }
            });
            instance.MapMethods("/servers/{id}/user_data/cloud-init", new[] { "PATCH" }, async (HttpContext c, string id) =>
            {
                using var reader = new System.IO.StreamReader(c.Request.Body);
                var text = await reader.ReadToEndAsync();
                lock (state.Gate)
                {
                    if (!servers.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "instance_server", id);
                    }

                    s.UserData = text;
                    return Results.NoContent();
                }
            });
            instance.MapPost("/servers/{id}/action", async (HttpContext c, string zone, string id) =>
            {
                var action = (await FakeHost.Body(c))?["action"]?.GetValue<string>();
                lock (state.Gate)
                {
                    if (!servers.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "instance_server", id);
                    }

                    switch (action)
                    {
                        case "poweron" when s.State == "stopped":
                            s.State = "starting";
                            s.GetsSinceStart = 0;
                            break;
                        case "poweroff" when s.State == "running":
                            s.State = "stopping";
                            s.GetsSinceStart = 0;
                            break;
                        default:
                            return Error(c, 400, "precondition_failed", $"action {action} is not allowed in state {s.State}");
                    }

                    var task = state.ScalewayCassette("test-server-terminate-with-ip__006")["task"]!.DeepClone().AsObject();
                    task["id"] = Guid.NewGuid().ToString();
                    task["description"] = "server_batch_" + action;
                    task["href_from"] = $"/servers/{id}/action";
                    task["href_result"] = $"/servers/{id}";
                    task["zone"] = zone;
                    return FakeHost.Json(c, 202, new JsonObject { ["task"] = task });
                }
            });
            instance.MapDelete("/servers/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    if (!servers.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "instance_server", id);
                    }

                    if (s.State != "stopped")
                    {
                        return Error(c, 400, "precondition_failed", "server should be stopped");
                    }

                    // As on Scaleway: the server goes, its volumes and flexible IPs stay (detached).
                    servers.Remove(id);
                    foreach (var ip in ips.Values.Where(ip => ip["server"]?.ToString() == id))
                    {
                        ip.Remove("server");
                    }

                    return Results.NoContent();
                }
            });
            instance.MapDelete("/ips/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    return ips.Remove(id) ? Results.NoContent() : Error(c, 404, "not_found", "resource is not found", "instance_ip", id);
                }
            });
            instance.MapDelete("/volumes/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    return volumes.Remove(id) ? Results.NoContent() : Error(c, 404, "not_found", "resource is not found", "instance_volume", id);
                }
            });

            var block = Group("/block/v1alpha1/zones/{zone}");
            block.MapDelete("/volumes/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    if (servers.Values.Any(s => s.Json["volumes"]!["0"]!["id"]!.GetValue<string>() == id))
                    {
                        return Error(c, 412, "precondition_failed", "volume is in use");
                    }

                    return volumes.Remove(id) ? Results.NoContent() : Error(c, 404, "not_found", "resource is not found", "volume", id);
                }
            });
            block.MapPost("/snapshots", async (HttpContext c, string zone) =>
            {
                var body = await FakeHost.Body(c);
                lock (state.Gate)
                {
                    var volumeId = body?["volume_id"]?.GetValue<string>() ?? string.Empty;
                    if (!volumes.TryGetValue(volumeId, out var volume))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "volume", volumeId);
                    }

                    var snap = state.ScalewayCassette("test-snapshot-create-simple__005").DeepClone().AsObject();
                    snap["id"] = Guid.NewGuid().ToString();
                    snap["name"] = body!["name"]!.GetValue<string>();
                    snap["parent_volume"]!["id"] = volumeId;
                    snap["size"] = volume["size"]!.DeepClone();
                    snap["zone"] = zone;
                    snap["created_at"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
                    snapshots[snap["id"]!.GetValue<string>()] = (snap, 0);
                    return FakeHost.Json(c, 200, snap.DeepClone());
                }
            });
            block.MapGet("/snapshots/{id}", (HttpContext c, string id) =>
            {
                lock (state.Gate)
                {
                    if (!snapshots.TryGetValue(id, out var s))
                    {
                        return Error(c, 404, "not_found", "resource is not found", "snapshot", id);
                    }

                    snapshots[id] = (s.Json, s.Gets + 1);
                    s.Json["status"] = s.Gets + 1 > state.Options.PendingPolls ? "available" : "creating";
                    return FakeHost.Json(c, 200, s.Json.DeepClone());
                }
            });
            block.MapGet("/snapshots", (HttpContext c) =>
            {
                var volumeId = c.Request.Query["volume_id"].ToString();
                lock (state.Gate)
                {
                    var list = snapshots.Values.Select(s => s.Json).Where(s => volumeId.Length == 0 || s["parent_volume"]!["id"]!.GetValue<string>() == volumeId)
                        .Select(s => s.DeepClone()).ToArray();
                    return FakeHost.Json(c, 200, new JsonObject { ["snapshots"] = new JsonArray(list), ["total_count"] = list.Length });
                }
            });

            var marketplace = Group("/marketplace/v2");
            marketplace.MapGet("/images", (HttpContext c) =>
            {
                var body = state.ScalewayCassette("test-marketplace-image-list-simple__000").DeepClone().AsObject();
                var images = body["images"]!.AsArray();
                var noble = images.FirstOrDefault(i => i!["label"]!.GetValue<string>() == "ubuntu_noble");
                if (noble is null)
                {
                    // The recorded page ends before the Ubuntu images; the noble entry is the recorded shape with Ubuntu's values.
                    var jammy = (images.FirstOrDefault(i => i!["label"]!.GetValue<string>() == "ubuntu_jammy") ?? images[0])!.DeepClone().AsObject();
                    jammy["label"] = "ubuntu_noble";
                    jammy["name"] = "Ubuntu 24.04 Noble Numbat";
                    jammy["id"] = Guid.NewGuid().ToString();
                    images.Add(jammy);
                }

                body["total_count"] = images.Count;
                return FakeHost.Json(c, 200, body);
            });
            marketplace.MapGet("/local-images", (HttpContext c) =>
            {
                var label = c.Request.Query["image_label"].ToString();
                var zone = c.Request.Query["zone"].ToString();
                if (!label.StartsWith("ubuntu_", StringComparison.Ordinal))
                {
                    return Error(c, 404, "not_found", "resource is not found", "MarketplaceImage", label);
                }

                var body = state.ScalewayCassette("test-server-backup-simple__002").DeepClone().AsObject();
                foreach (var image in body["local_images"]!.AsArray())
                {
                    image!["label"] = label;
                    image["zone"] = zone;
                    image["id"] = label == "ubuntu_noble" ? "noble-" + image["arch"]!.GetValue<string>() : image["id"]!.DeepClone();
                }

                return FakeHost.Json(c, 200, body);
            });

            // Arrange: a server whose root volume is another type (l_ssd volumes are deleted through the Instance API).
            app.MapPost("/_fake/scaleway/servers/{id}/volume-type/{type}", (string id, string type) =>
            {
                lock (state.Gate)
                {
                    servers[id].Json["volumes"]!["0"]!["volume_type"] = type;
                }

                return Results.NoContent();
            });
            app.MapGet("/_fake/scaleway/state", () =>
            {
                lock (state.Gate)
                {
                    return Results.Json(new
                    {
                        servers = servers.Values.Select(s => new { id = s.Json["id"]!.ToString(), name = s.Json["name"]!.ToString(), type = s.Json["commercial_type"]!.ToString(), state = s.State, userData = s.UserData }).ToList(),
                        volumes = volumes.Keys.ToList(),
                        ips = ips.Keys.ToList(),
                    });
                }
            });
        }

        private static JsonObject View(Server s, FakeState state, Dictionary<string, JsonObject>? ips = null)
        {
            var json = s.Json.DeepClone().AsObject();
            json["state"] = s.State;
            var id = json["id"]!.GetValue<string>();
            var mine = new JsonArray();
            if (ips is not null)
            {
                foreach (var ip in ips.Values.Where(ip => ip["server"]?.ToString() == id))
                {
                    mine.Add(new JsonObject { ["id"] = ip["id"]!.DeepClone(), ["address"] = ip["address"]!.DeepClone(), ["family"] = ip["family"]!.DeepClone(), ["dynamic"] = false });
                }
            }

            json["public_ips"] = mine;
            json["allowed_actions"] = new JsonArray(s.State == "stopped" ? JsonValue.Create("poweron") : JsonValue.Create("poweroff"));
            return json;
        }

        private static IResult Error(HttpContext c, int status, string type, string message, string? resource = null, string? id = null)
        {
            var body = new JsonObject { ["type"] = type, ["message"] = message };
            if (resource is not null)
            {
                body["resource"] = resource;
                body["resource_id"] = id;
            }

            return FakeHost.Json(c, status, body);
        }
    }
}
