using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ReleaseOps.Fakes
{
    /// <summary>
    /// The EC2 Query API (form POST, XML answers, version 2016-11-15), stateful, for the real AWS SDK: signed requests
    /// only (Signature Version 4); RunInstances honours ClientToken; a new instance is unknown to DescribeInstances at
    /// first (InvalidInstanceID.NotFound, as botocore's waiter expects), then pending, then running; lists paginate
    /// with NextToken; errors use the envelope of the contract's error document.
    /// </summary>
    internal static class Ec2Fake
    {
        private const string Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

        private sealed class Instance
        {
            public string Id = "";
            public string ImageId = "";
            public string Type = "";
            public string KeyName = "";
            public string ClientToken = "";
            public string State = "pending";
            public int Describes;
            public DateTime Launched;
            public Dictionary<string, string> Tags = new();
            public int VolumeGb;
        }

        private sealed class Image
        {
            public string Id = "";
            public string Name = "";
            public string Owner = "";
            public string Created = "";
            public string State = "available";
            public int Describes;
            public Dictionary<string, string> Tags = new();
        }

        private static readonly (string Type, int MiB, int Vcpus, bool Current)[] Types =
        {
            ("t2.small", 2048, 1, false), ("t3.nano", 512, 2, true), ("t3.micro", 1024, 2, true), ("t3.small", 2048, 2, true),
            ("t3.medium", 4096, 2, true), ("t3.large", 8192, 2, true), ("t3a.small", 2048, 2, true), ("m6i.large", 8192, 2, true),
            ("c6i.large", 4096, 2, true), ("r6i.large", 16384, 2, true), ("m6i.xlarge", 16384, 4, true),
        };

        public static void Map(WebApplication app, FakeState state)
        {
            var instances = new List<Instance>();
            var keys = new Dictionary<string, string>();
            var images = new List<Image>
            {
                new() { Id = "ami-0jammy2204", Name = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20260901", Owner = "099720109477", Created = "2026-09-01T00:00:00.000Z" },
                new() { Id = "ami-0noble2404a", Name = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001", Owner = "099720109477", Created = "2026-10-01T00:00:00.000Z" },
                new() { Id = "ami-0noble2404b", Name = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261101", Owner = "099720109477", Created = "2026-11-01T00:00:00.000Z" },
                new() { Id = "ami-0plucky2510", Name = "ubuntu/images/hvm-ssd-gp3/ubuntu-questing-25.10-amd64-server-20261105", Owner = "099720109477", Created = "2026-11-05T00:00:00.000Z" },
                new() { Id = "ami-0lookalike", Name = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261120", Owner = "123456789012", Created = "2026-11-20T00:00:00.000Z" },
            };

            app.MapPost("/", async (HttpContext c) =>
            {
                var form = await c.Request.ReadFormAsync();
                var auth = c.Request.Headers.Authorization.ToString();
                var signed = Regex.Match(auth, @"^AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([a-z0-9-]+)/ec2/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$");
                c.Items["authorized"] = signed.Success && signed.Groups[1].Value == state.Options.AwsAccessKeyId;
                if (!signed.Success || signed.Groups[1].Value != state.Options.AwsAccessKeyId)
                {
                    return Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
                }

                var action = form["Action"].ToString();
                lock (state.Gate)
                {
                    return action switch
                    {
                        "DescribeRegions" => Ok(action, "<regionInfo><item><regionName>ca-central-1</regionName><regionEndpoint>ec2.ca-central-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"),
                        "DescribeInstanceTypes" => DescribeInstanceTypes(form),
                        "DescribeImages" => DescribeImages(form, images),
                        "DescribeKeyPairs" => DescribeKeyPairs(form, keys),
                        "ImportKeyPair" => ImportKeyPair(form, keys),
                        "RunInstances" => RunInstances(form, state, instances, images, keys),
                        "DescribeInstances" => DescribeInstances(form, state, instances),
                        "TerminateInstances" => TerminateInstances(form, instances),
                        "CreateTags" => CreateTags(form, instances),
                        "CreateImage" => CreateImage(form, instances, images),
                        _ => Error(400, "InvalidAction", $"The action {action} is not valid for this web service."),
                    };
                }
            });

            app.MapGet("/_fake/ec2/state", () =>
            {
                lock (state.Gate)
                {
                    return Results.Json(new
                    {
                        instances = instances.Select(i => new { id = i.Id, type = i.Type, image = i.ImageId, state = i.State, clientToken = i.ClientToken, volumeGb = i.VolumeGb, tags = i.Tags }).ToList(),
                        keys = keys.Keys.ToList(),
                        images = images.Where(i => i.Owner == "self").Select(i => new { id = i.Id, name = i.Name, state = i.State }).ToList(),
                    });
                }
            });
        }

        private static IResult DescribeInstanceTypes(IFormCollection form)
        {
            var filters = Filters(form);
            var list = Types.Where(t => !filters.TryGetValue("current-generation", out var g) || g.Contains(t.Current ? "true" : "false")).ToList();
            var start = int.TryParse(form["NextToken"], out var n) ? n : 0;
            const int pageSize = 4;
            var page = list.Skip(start).Take(pageSize);
            var items = string.Concat(page.Select(t =>
                $"<item><instanceType>{t.Type}</instanceType><currentGeneration>{(t.Current ? "true" : "false")}</currentGeneration><vCpuInfo><defaultVCpus>{t.Vcpus}</defaultVCpus></vCpuInfo>" +
                $"<memoryInfo><sizeInMiB>{t.MiB}</sizeInMiB></memoryInfo><processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures></processorInfo></item>"));
            var next = start + pageSize < list.Count ? $"<nextToken>{start + pageSize}</nextToken>" : string.Empty;
            return Ok("DescribeInstanceTypes", $"<instanceTypeSet>{items}</instanceTypeSet>{next}");
        }

        private static IResult DescribeImages(IFormCollection form, List<Image> images)
        {
            var owners = Indexed(form, "Owner");
            var ids = Indexed(form, "ImageId");
            var filters = Filters(form);
            var list = images.Where(i =>
                (owners.Count == 0 || owners.Contains(i.Owner)) && (ids.Count == 0 || ids.Contains(i.Id)) &&
                (!filters.TryGetValue("name", out var names) || names.Any(p => Glob(p, i.Name))) &&
                (!filters.TryGetValue("state", out var states) || states.Contains(i.State)) &&
                filters.Where(f => f.Key.StartsWith("tag:", StringComparison.Ordinal)).All(f => i.Tags.TryGetValue(f.Key[4..], out var v) && f.Value.Contains(v)) &&
                (!filters.TryGetValue("tag-key", out var tagKeys) || tagKeys.Any(i.Tags.ContainsKey))).ToList();
            foreach (var i in list.Where(i => i.State == "pending"))
            {
                if (++i.Describes > 2)
                {
                    i.State = "available";
                }
            }

            var items = string.Concat(list.Select(i =>
                $"<item><imageId>{i.Id}</imageId><imageLocation>{X(i.Owner)}/{X(i.Name)}</imageLocation><imageState>{i.State}</imageState><imageOwnerId>{i.Owner}</imageOwnerId>" +
                $"<creationDate>{i.Created}</creationDate><isPublic>{(i.Owner != "self" ? "true" : "false")}</isPublic><architecture>x86_64</architecture><imageType>machine</imageType>" +
                $"<name>{X(i.Name)}</name><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName><virtualizationType>hvm</virtualizationType>{TagSet(i.Tags)}</item>"));
            return Ok("DescribeImages", $"<imagesSet>{items}</imagesSet>");
        }

        private static IResult DescribeKeyPairs(IFormCollection form, Dictionary<string, string> keys)
        {
            var names = Indexed(form, "KeyName");
            var missing = names.FirstOrDefault(n => !keys.ContainsKey(n));
            if (missing is not null)
            {
                return Error(400, "InvalidKeyPair.NotFound", $"The key pair '{missing}' does not exist");
            }

            var items = string.Concat(keys.Where(k => names.Count == 0 || names.Contains(k.Key)).Select(k =>
                $"<item><keyPairId>key-{Math.Abs(k.Key.GetHashCode(StringComparison.Ordinal)):x}</keyPairId><keyName>{X(k.Key)}</keyName><keyFingerprint>{k.Value}</keyFingerprint><keyType>ed25519</keyType></item>"));
            return Ok("DescribeKeyPairs", $"<keySet>{items}</keySet>");
        }

        private static IResult ImportKeyPair(IFormCollection form, Dictionary<string, string> keys)
        {
            var name = form["KeyName"].ToString();
            if (keys.ContainsKey(name))
            {
                return Error(400, "InvalidKeyPair.Duplicate", $"The keypair '{name}' already exists.");
            }

            // PublicKeyMaterial is a blob in the service model: base64 on the wire, nothing else (the contract gate
            // has already refused anything that is not base64).
            var material = Encoding.UTF8.GetString(Convert.FromBase64String(form["PublicKeyMaterial"].ToString()));
            if (!material.StartsWith("ssh-", StringComparison.Ordinal))
            {
                return Error(400, "InvalidKey.Format", "Key is not in valid OpenSSH public key format");
            }

            keys[name] = "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(material))).TrimEnd('=');
            return Ok("ImportKeyPair", $"<keyName>{X(name)}</keyName><keyFingerprint>{keys[name]}</keyFingerprint><keyPairId>key-0001</keyPairId>");
        }

        private static IResult RunInstances(IFormCollection form, FakeState state, List<Instance> instances, List<Image> images, Dictionary<string, string> keys)
        {
            var token = form["ClientToken"].ToString();
            var same = token.Length > 0 ? instances.FirstOrDefault(i => i.ClientToken == token) : null;
            if (same is not null)
            {
                if (same.ImageId != form["ImageId"].ToString() || same.Type != form["InstanceType"].ToString())
                {
                    return Error(400, "IdempotentParameterMismatch", "The client token you have provided is associated with a resource that has different parameters.");
                }

                return Ok("RunInstances", $"<reservationId>r-{same.Id[2..]}</reservationId><ownerId>111122223333</ownerId><groupSet/><instancesSet>{InstanceXml(same, state)}</instancesSet>");
            }

            if (images.All(i => i.Id != form["ImageId"].ToString()))
            {
                return Error(400, "InvalidAMIID.NotFound", $"The image id '[{form["ImageId"]}]' does not exist");
            }

            if (Types.All(t => t.Type != form["InstanceType"].ToString()))
            {
                return Error(400, "InvalidParameterValue", $"Invalid value '{form["InstanceType"]}' for InstanceType.");
            }

            if (form["KeyName"].Count > 0 && !keys.ContainsKey(form["KeyName"].ToString()))
            {
                return Error(400, "InvalidKeyPair.NotFound", $"The key pair '{form["KeyName"]}' does not exist");
            }

            if (instances.Count(i => i.State != "terminated") >= state.Options.NodeLimit)
            {
                return Error(400, "InstanceLimitExceeded", "You have requested more instances than your current instance limit allows for the specified instance type.");
            }

            var instance = new Instance
            {
                Id = "i-" + Guid.NewGuid().ToString("N")[..17], ImageId = form["ImageId"].ToString(), Type = form["InstanceType"].ToString(),
                KeyName = form["KeyName"].ToString(), ClientToken = token, Launched = DateTime.UtcNow,
                VolumeGb = int.TryParse(form["BlockDeviceMapping.1.Ebs.VolumeSize"], out var gb) ? gb : 8,
            };
            for (var spec = 1; form.ContainsKey($"TagSpecification.{spec}.ResourceType"); spec++)
            {
                if (form[$"TagSpecification.{spec}.ResourceType"] != "instance")
                {
                    continue;
                }

                for (var t = 1; form.ContainsKey($"TagSpecification.{spec}.Tag.{t}.Key"); t++)
                {
                    instance.Tags[form[$"TagSpecification.{spec}.Tag.{t}.Key"].ToString()] = form[$"TagSpecification.{spec}.Tag.{t}.Value"].ToString();
                }
            }

            instances.Add(instance);
            return Ok("RunInstances", $"<reservationId>r-{instance.Id[2..]}</reservationId><ownerId>111122223333</ownerId><groupSet/><instancesSet>{InstanceXml(instance, state)}</instancesSet>");
        }

        private static IResult DescribeInstances(IFormCollection form, FakeState state, List<Instance> instances)
        {
            var ids = Indexed(form, "InstanceId");
            foreach (var id in ids)
            {
                var known = instances.FirstOrDefault(i => i.Id == id);

                // Eventual consistency: right after RunInstances, the instance is unknown to Describe.
                if (known is null || known.Describes++ < (state.Options.HiddenListCalls > 0 ? 1 : 0))
                {
                    return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
                }
            }

            var filters = Filters(form);
            var list = instances.Where(i =>
                (ids.Count == 0 || ids.Contains(i.Id)) &&
                (!filters.TryGetValue("instance-state-name", out var states) || states.Contains(i.State)) &&
                filters.Where(f => f.Key.StartsWith("tag:", StringComparison.Ordinal)).All(f => i.Tags.TryGetValue(f.Key[4..], out var v) && f.Value.Contains(v)) &&
                (!filters.TryGetValue("tag-key", out var tagKeys) || tagKeys.Any(i.Tags.ContainsKey))).ToList();
            foreach (var i in list.Where(i => ids.Count > 0 && i.State == "pending"))
            {
                if (i.Describes > state.Options.PendingPolls)
                {
                    i.State = "running";
                }
            }

            var start = int.TryParse(form["NextToken"], out var n) ? n : 0;
            var pageSize = int.TryParse(form["MaxResults"], out var m) ? Math.Clamp(m, 5, 1000) : 1000;
            var page = list.Skip(start).Take(pageSize).ToList();
            var items = string.Concat(page.Select(i => $"<item><reservationId>r-{i.Id[2..]}</reservationId><ownerId>111122223333</ownerId><groupSet/><instancesSet>{InstanceXml(i, state)}</instancesSet></item>"));
            var next = start + pageSize < list.Count ? $"<nextToken>{start + pageSize}</nextToken>" : string.Empty;
            return Ok("DescribeInstances", $"<reservationSet>{items}</reservationSet>{next}");
        }

        private static IResult TerminateInstances(IFormCollection form, List<Instance> instances)
        {
            var items = new StringBuilder();
            foreach (var id in Indexed(form, "InstanceId"))
            {
                var i = instances.FirstOrDefault(x => x.Id == id);
                if (i is null)
                {
                    return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
                }

                var previous = i.State;
                i.State = "terminated";
                items.Append(CultureInfo.InvariantCulture, $"<item><instanceId>{id}</instanceId><currentState><code>48</code><name>terminated</name></currentState><previousState><code>{Code(previous)}</code><name>{previous}</name></previousState></item>");
            }

            return Ok("TerminateInstances", $"<instancesSet>{items}</instancesSet>");
        }

        private static IResult CreateTags(IFormCollection form, List<Instance> instances)
        {
            foreach (var id in Indexed(form, "ResourceId"))
            {
                var i = instances.FirstOrDefault(x => x.Id == id);
                if (i is null)
                {
                    return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
                }

                for (var t = 1; form.ContainsKey($"Tag.{t}.Key"); t++)
                {
                    i.Tags[form[$"Tag.{t}.Key"].ToString()] = form[$"Tag.{t}.Value"].ToString();
                }
            }

            return Ok("CreateTags", "<return>true</return>");
        }

        private static IResult CreateImage(IFormCollection form, List<Instance> instances, List<Image> images)
        {
            var i = instances.FirstOrDefault(x => x.Id == form["InstanceId"].ToString());
            if (i is null || i.State == "terminated")
            {
                return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{form["InstanceId"]}' does not exist");
            }

            if (images.Any(x => x.Owner == "self" && x.Name == form["Name"].ToString()))
            {
                return Error(400, "InvalidAMIName.Duplicate", $"AMI name {form["Name"]} is already in use by AMI");
            }

            var image = new Image { Id = "ami-" + Guid.NewGuid().ToString("N")[..17], Name = form["Name"].ToString(), Owner = "self", State = "pending", Created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) };
            for (var spec = 1; form.ContainsKey($"TagSpecification.{spec}.ResourceType"); spec++)
            {
                for (var t = 1; form.ContainsKey($"TagSpecification.{spec}.Tag.{t}.Key"); t++)
                {
                    image.Tags[form[$"TagSpecification.{spec}.Tag.{t}.Key"].ToString()] = form[$"TagSpecification.{spec}.Tag.{t}.Value"].ToString();
                }
            }

            images.Add(image);
            return Ok("CreateImage", $"<imageId>{image.Id}</imageId>");
        }

        private static string InstanceXml(Instance i, FakeState state)
        {
            var address = i.State == "running" ? $"<ipAddress>{state.Options.NodeAddress}</ipAddress>" : string.Empty;
            return $"<item><instanceId>{i.Id}</instanceId><imageId>{i.ImageId}</imageId><instanceState><code>{Code(i.State)}</code><name>{i.State}</name></instanceState>" +
                   $"<privateDnsName>ip-172-31-0-10.ca-central-1.compute.internal</privateDnsName><dnsName/><reason/><keyName>{X(i.KeyName)}</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>" +
                   $"<instanceType>{i.Type}</instanceType><launchTime>{i.Launched.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}</launchTime>" +
                   $"<placement><availabilityZone>ca-central-1a</availabilityZone><groupName/><tenancy>default</tenancy></placement><monitoring><state>disabled</state></monitoring>" +
                   $"<privateIpAddress>172.31.0.10</privateIpAddress>{address}<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName>" +
                   $"<clientToken>{X(i.ClientToken)}</clientToken>{TagSet(i.Tags)}</item>";
        }

        private static string TagSet(Dictionary<string, string> tags) =>
            tags.Count == 0 ? "<tagSet/>" : "<tagSet>" + string.Concat(tags.Select(t => $"<item><key>{X(t.Key)}</key><value>{X(t.Value)}</value></item>")) + "</tagSet>";

        private static int Code(string state) => state switch { "pending" => 0, "running" => 16, "shutting-down" => 32, "terminated" => 48, "stopping" => 64, _ => 80 };

        private static List<string> Indexed(IFormCollection form, string prefix) =>
            Enumerable.Range(1, 1000).Select(n => $"{prefix}.{n}").TakeWhile(form.ContainsKey).Select(k => form[k].ToString()).ToList();

        private static Dictionary<string, List<string>> Filters(IFormCollection form)
        {
            var filters = new Dictionary<string, List<string>>();
            for (var n = 1; form.ContainsKey($"Filter.{n}.Name"); n++)
            {
                filters[form[$"Filter.{n}.Name"].ToString()] = Indexed(form, $"Filter.{n}.Value");
            }

            return filters;
        }

        private static bool Glob(string pattern, string text) =>
            Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");

        private static string X(string s) => SecurityElement.Escape(s) ?? string.Empty;

        private static IResult Ok(string action, string body) =>
            Results.Content($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{Ns}\"><requestId>{Guid.NewGuid()}</requestId>{body}</{action}Response>", "text/xml;charset=UTF-8");

        private static IResult Error(int status, string code, string message) =>
            Results.Content($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{X(message)}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>",
                "text/xml;charset=UTF-8", Encoding.UTF8, status);
    }
}
