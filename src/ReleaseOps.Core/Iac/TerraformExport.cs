using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Iac
{
    /// <summary>
    /// Builds a Terraform configuration that adopts what ReleaseOps created: one resource per node, key, tag, IP and
    /// DNS record, each with an import block that names its real id, and its arguments as the provider reads them
    /// back, so that `terraform plan` after the import proposes no change. The arguments a provider cannot read back
    /// are listed in lifecycle ignore_changes (README, "Terraform"). Credentials are variables; no secret is written.
    /// </summary>
    public static class TerraformExport
    {
        /// <summary>The provider versions the configuration pins (the schemas in tests/contracts/terraform are from these lines).</summary>
        public static readonly IReadOnlyDictionary<string, (string Source, string Version)> Providers = new Dictionary<string, (string, string)>
        {
            ["aws"] = ("hashicorp/aws", "5.100.0"),
            ["cloudflare"] = ("cloudflare/cloudflare", "5.5.0"),
            ["digitalocean"] = ("digitalocean/digitalocean", "2.55.0"),
            ["scaleway"] = ("scaleway/scaleway", "2.55.0"),
        };

        /// <summary>What each resource type cannot read back, so that a plan after import would otherwise show a change or a replacement.</summary>
        public static readonly IReadOnlyDictionary<string, string[]> IgnoredChanges = new Dictionary<string, string[]>
        {
            // The droplet API returns neither the keys nor the user data; graceful_shutdown is no API attribute.
            ["digitalocean_droplet"] = new[] { "ssh_keys", "user_data", "graceful_shutdown" },
            // EC2 returns the key's fingerprint, not the material that was imported.
            ["aws_key_pair"] = new[] { "public_key" },
            // DescribeInstances has no root volume size and no user data; ReleaseOps sent no user data.
            ["aws_instance"] = new[] { "user_data", "user_data_replace_on_change" },
            // ReleaseOps gives the key as cloud-init user data before the first boot; its listing does not read it.
            ["scaleway_instance_server"] = new[] { "cloud_init", "user_data", "replace_on_type_change" },
        };

        /// <summary>Builds the files. Nodes of the sandbox (this machine) are left out with a warning.</summary>
        public static IReadOnlyList<TerraformFile> Build(TerraformExportInput input, IOperationReporter reporter)
        {
            var labels = new HashSet<string>(StringComparer.Ordinal);
            string Unique(string type, string label)
            {
                var candidate = label;
                for (var i = 2; !labels.Add(type + "." + candidate); i++)
                {
                    candidate = label + "_" + i.ToString(CultureInfo.InvariantCulture);
                }

                return candidate;
            }

            foreach (var node in input.Nodes.Where(n => n.Provider == HostingProvider.Sandbox))
            {
                reporter.Warning($"{node.Name} is a sandbox node on this machine; Terraform has no provider for it, so it is left out.");
            }

            var files = new List<TerraformFile>();
            var used = new SortedSet<string>(StringComparer.Ordinal);
            var byProvider = input.Nodes.GroupBy(n => n.Provider).ToDictionary(g => g.Key, g => g.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal).ToList());
            var doRecords = input.Records.Where(r => r.Provider == DnsProvider.DigitalOcean).OrderBy(r => r.Zone).ThenBy(r => r.Name).ThenBy(r => r.Type).ThenBy(r => r.Id).ToList();
            var cfRecords = input.Records.Where(r => r.Provider == DnsProvider.Cloudflare).OrderBy(r => r.Zone).ThenBy(r => r.Name).ThenBy(r => r.Type).ThenBy(r => r.Id).ToList();

            if (byProvider.TryGetValue(HostingProvider.DigitalOcean, out var droplets) || doRecords.Count > 0)
            {
                used.Add("digitalocean");
                files.Add(DigitalOcean(droplets ?? new List<ProjectNode>(), doRecords, input.PublicKeys, Unique));
            }

            if (byProvider.TryGetValue(HostingProvider.Aws, out var instances))
            {
                used.Add("aws");
                files.Add(Aws(instances, input.PublicKeys, Unique));
            }

            if (byProvider.TryGetValue(HostingProvider.Scaleway, out var servers))
            {
                used.Add("scaleway");
                files.Add(Scaleway(servers, Unique));
            }

            if (cfRecords.Count > 0)
            {
                used.Add("cloudflare");
                files.Add(Cloudflare(cfRecords, Unique));
            }

            var clients = input.ClientNodes.Concat(byProvider.TryGetValue(HostingProvider.Client, out var piped) ? piped : new List<ProjectNode>())
                .GroupBy(n => n.Id, StringComparer.Ordinal).Select(g => g.First()).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
            files.Insert(0, Versions(used, input.Nodes.Where(n => n.Provider == HostingProvider.Aws).Select(AwsRegion).Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToList()));
            files.Add(Records(input.ProjectSettings, clients));
            return files;
        }

        /// <summary>The AWS region of a node: its availability zone less the zone letter.</summary>
        public static string AwsRegion(ProjectNode node) => Regex.Replace(node.Region ?? string.Empty, "(?<=[0-9])[a-z]$", string.Empty);

        private static string AwsAlias(string region) => "aws." + Regex.Replace(region, "[^a-z0-9]", "_");

        private static TerraformFile Versions(ICollection<string> used, IReadOnlyList<string> awsRegions)
        {
            var w = new HclWriter();
            w.Comment("Written by ReleaseOps Export-TerraformConfiguration. Provider versions are pinned; credentials are variables.");
            w.Open("terraform");
            w.Attribute("required_version", HclWriter.Str(">= 1.5.0"));
            w.Open("required_providers");
            foreach (var name in used)
            {
                var (source, version) = Providers[name];
                w.ObjectAttribute(name, new[] { ("source", HclWriter.Str(source)), ("version", HclWriter.Str(version)) });
            }

            w.Close().Close();

            // Each credential is a sensitive variable with no default value written here: null leaves the provider to
            // its own environment variables (DIGITALOCEAN_TOKEN, AWS_*, SCW_*, CLOUDFLARE_API_TOKEN).
            void Variable(string name, string description, bool sensitive)
            {
                w.Open("variable", name);
                w.Attribute("description", HclWriter.Str(description));
                w.Attribute("type", "string");
                w.Attribute("default", "null");
                if (sensitive)
                {
                    w.Attribute("sensitive", "true");
                }

                w.Close();
            }

            if (used.Contains("digitalocean"))
            {
                Variable("digitalocean_token", "DigitalOcean API token; null uses DIGITALOCEAN_TOKEN or DIGITALOCEAN_ACCESS_TOKEN.", true);
                w.Open("provider", "digitalocean");
                w.Attribute("token", "var.digitalocean_token");
                w.Close();
            }

            if (used.Contains("aws"))
            {
                Variable("aws_access_key_id", "AWS access key id; null uses the AWS credential chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).", true);
                Variable("aws_secret_access_key", "AWS secret access key; null uses the AWS credential chain.", true);
                foreach (var region in awsRegions)
                {
                    w.Open("provider", "aws");
                    w.Attribute("alias", HclWriter.Str(AwsAlias(region).Substring(4)));
                    w.Attribute("region", HclWriter.Str(region));
                    w.Attribute("access_key", "var.aws_access_key_id");
                    w.Attribute("secret_key", "var.aws_secret_access_key");
                    w.Close();
                }
            }

            if (used.Contains("scaleway"))
            {
                Variable("scaleway_access_key", "Scaleway access key; null uses SCW_ACCESS_KEY.", true);
                Variable("scaleway_secret_key", "Scaleway secret key; null uses SCW_SECRET_KEY.", true);
                Variable("scaleway_project_id", "Scaleway project id; null uses SCW_DEFAULT_PROJECT_ID.", false);
                w.Open("provider", "scaleway");
                w.Attribute("access_key", "var.scaleway_access_key");
                w.Attribute("secret_key", "var.scaleway_secret_key");
                w.Attribute("project_id", "var.scaleway_project_id");
                w.Close();
            }

            if (used.Contains("cloudflare"))
            {
                Variable("cloudflare_api_token", "Cloudflare API token; null uses CLOUDFLARE_API_TOKEN.", true);
                w.Open("provider", "cloudflare");
                w.Attribute("api_token", "var.cloudflare_api_token");
                w.Close();
            }

            return new TerraformFile { Name = "versions.tf", Text = w.ToString() };
        }

        private static void Import(HclWriter w, string address, string id, string? provider = null)
        {
            w.Open("import");
            if (provider is not null)
            {
                w.Attribute("provider", provider);
            }

            w.Attribute("to", address);
            w.Attribute("id", HclWriter.Str(id));
            w.Close();
        }

        private static void Lifecycle(HclWriter w, string type)
        {
            if (IgnoredChanges.TryGetValue(type, out var names))
            {
                w.Open("lifecycle");
                w.Attribute("ignore_changes", HclWriter.References(names));
                w.Close();
            }
        }

        private static TerraformFile DigitalOcean(List<ProjectNode> droplets, List<DnsRecord> records,
            IReadOnlyList<(PublicKey Key, string? DigitalOceanId, string? DigitalOceanName)> keys, Func<string, string, string> unique)
        {
            var w = new HclWriter();
            var file = new TerraformFile { Name = "digitalocean.tf" };
            w.Comment("DigitalOcean: droplets, their tags, the admins' SSH keys and DNS records, adopted by import.");
            foreach (var key in keys.Where(k => k.DigitalOceanId is not null))
            {
                var label = unique("digitalocean_ssh_key", HclWriter.Label("key_" + key.Key.Fingerprint.Replace("SHA256:", string.Empty).Substring(0, 12)));
                w.Open("resource", "digitalocean_ssh_key", label);
                w.Attribute("name", HclWriter.Str(key.DigitalOceanName ?? string.Empty));
                w.Attribute("public_key", HclWriter.Str(key.Key.Line));
                w.Close();
                Import(w, "digitalocean_ssh_key." + label, key.DigitalOceanId!);
                file.Resources++;
                file.Imports++;
            }

            foreach (var tag in droplets.SelectMany(d => d.Tags).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal))
            {
                var label = unique("digitalocean_tag", HclWriter.Label("tag_" + tag));
                w.Open("resource", "digitalocean_tag", label);
                w.Attribute("name", HclWriter.Str(tag));
                w.Close();
                Import(w, "digitalocean_tag." + label, tag);
                file.Resources++;
                file.Imports++;
            }

            foreach (var d in droplets)
            {
                var label = unique("digitalocean_droplet", HclWriter.Label(d.Role is null ? d.Name : d.Name + "_" + d.Role));
                w.Open("resource", "digitalocean_droplet", label);
                w.Attribute("name", HclWriter.Str(d.Name));
                w.Attribute("image", HclWriter.Str(d.Image ?? string.Empty));
                w.Attribute("region", HclWriter.Str(d.Region ?? string.Empty));
                w.Attribute("size", HclWriter.Str(d.Size ?? string.Empty));
                w.Attribute("backups", HclWriter.Bool(d.Features.Contains("backups")));
                w.Attribute("ipv6", HclWriter.Bool(d.Features.Contains("ipv6")));
                w.Attribute("monitoring", HclWriter.Bool(d.Features.Contains("monitoring")));
                w.Attribute("tags", HclWriter.List(d.Tags));
                if (d.Volumes.Count > 0)
                {
                    w.Attribute("volume_ids", HclWriter.List(d.Volumes));
                }

                Lifecycle(w, "digitalocean_droplet");
                w.Close();
                Import(w, "digitalocean_droplet." + label, d.Id);
                file.Resources++;
                file.Imports++;
            }

            foreach (var r in records)
            {
                var relative = Relative(r);
                var label = unique("digitalocean_record", HclWriter.Label(r.Zone + "_" + (relative == "@" ? "apex" : relative) + "_" + r.Type));
                w.Open("resource", "digitalocean_record", label);
                w.Attribute("domain", HclWriter.Str(r.Zone));
                w.Attribute("name", HclWriter.Str(relative));
                w.Attribute("type", HclWriter.Str(r.Type));
                w.Attribute("value", HclWriter.Str(r.Value));
                w.Attribute("ttl", HclWriter.Num(r.Ttl));
                w.Close();
                Import(w, "digitalocean_record." + label, r.Zone + "," + r.Id);
                file.Resources++;
                file.Imports++;
            }

            file.Text = w.ToString();
            return file;
        }

        private static TerraformFile Aws(List<ProjectNode> instances, IReadOnlyList<(PublicKey Key, string? DigitalOceanId, string? DigitalOceanName)> keys, Func<string, string, string> unique)
        {
            var w = new HclWriter();
            var file = new TerraformFile { Name = "aws.tf" };
            w.Comment("AWS: EC2 instances and the key pairs they were launched with, adopted by import.");
            var known = keys.ToDictionary(k => AwsProvider.KeyNameFor(k.Key), k => k.Key, StringComparer.Ordinal);
            var keyLabels = new Dictionary<(string Region, string Name), string>();
            foreach (var pair in instances.Where(i => !string.IsNullOrEmpty(i.KeyName)).Select(i => (Region: AwsRegion(i), Name: i.KeyName!)).Distinct().OrderBy(p => p.Region, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
            {
                if (!known.TryGetValue(pair.Name, out var key))
                {
                    // aws_key_pair requires public_key, which EC2 does not return: without the admin's key it is not adopted.
                    continue;
                }

                var label = unique("aws_key_pair", HclWriter.Label(pair.Name + "_" + pair.Region));
                keyLabels[pair] = label;
                w.Open("resource", "aws_key_pair", label);
                w.Attribute("provider", AwsAlias(pair.Region));
                w.Attribute("key_name", HclWriter.Str(pair.Name));
                w.Attribute("public_key", HclWriter.Str(key.Line));
                Lifecycle(w, "aws_key_pair");
                w.Close();
                Import(w, "aws_key_pair." + label, pair.Name, AwsAlias(pair.Region));
                file.Resources++;
                file.Imports++;
            }

            foreach (var i in instances)
            {
                var region = AwsRegion(i);
                var label = unique("aws_instance", HclWriter.Label(i.Role is null ? i.Name : i.Name + "_" + i.Role));
                w.Open("resource", "aws_instance", label);
                w.Attribute("provider", AwsAlias(region));
                w.Attribute("ami", HclWriter.Str(i.Image ?? string.Empty));
                w.Attribute("instance_type", HclWriter.Str(i.Size ?? string.Empty));
                w.Attribute("availability_zone", HclWriter.Str(i.Region ?? string.Empty));
                if (!string.IsNullOrEmpty(i.KeyName))
                {
                    w.Attribute("key_name", keyLabels.TryGetValue((region, i.KeyName!), out var keyLabel) ? "aws_key_pair." + keyLabel + ".key_name" : HclWriter.Str(i.KeyName!));
                }

                // The provider reads every tag back, except those that AWS reserves (aws:...).
                w.ObjectAttribute("tags", i.ProviderTags.Where(t => !t.Key.StartsWith("aws:", StringComparison.Ordinal))
                    .OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, HclWriter.Str(t.Value))).ToList());
                Lifecycle(w, "aws_instance");
                w.Close();
                Import(w, "aws_instance." + label, i.Id, AwsAlias(region));
                file.Resources++;
                file.Imports++;
            }

            file.Text = w.ToString();
            return file;
        }

        private static TerraformFile Scaleway(List<ProjectNode> servers, Func<string, string, string> unique)
        {
            var w = new HclWriter();
            var file = new TerraformFile { Name = "scaleway.tf" };
            w.Comment("Scaleway: instance servers, their flexible IPs and root volumes, adopted by import.");
            foreach (var s in servers)
            {
                var zone = s.Region ?? string.Empty;
                var label = unique("scaleway_instance_server", HclWriter.Label(s.Role is null ? s.Name : s.Name + "_" + s.Role));
                if (s.AddressId is not null)
                {
                    w.Open("resource", "scaleway_instance_ip", label);
                    w.Attribute("zone", HclWriter.Str(zone));
                    w.Close();
                    Import(w, "scaleway_instance_ip." + label, zone + "/" + s.AddressId);
                    file.Resources++;
                    file.Imports++;
                }

                var root = s.Volumes.Count > 0 ? s.Volumes[0] : null;
                var rootType = root is null ? null : root.Substring(root.IndexOf(':') + 1);
                w.Open("resource", "scaleway_instance_server", label);
                w.Attribute("name", HclWriter.Str(s.Name));
                w.Attribute("type", HclWriter.Str(s.Size ?? string.Empty));
                if (s.Image is not null)
                {
                    // The provider takes exactly one of image and root_volume.volume_id (a server booted from a volume).
                    w.Attribute("image", HclWriter.Str(s.Image));
                }

                w.Attribute("zone", HclWriter.Str(zone));
                w.Attribute("tags", HclWriter.List(s.Tags));
                w.Attribute("enable_dynamic_ip", HclWriter.Bool(s.Features.Contains("dynamic_ip")));
                w.Attribute("protected", HclWriter.Bool(s.Features.Contains("protected")));
                if (s.AddressId is not null)
                {
                    w.Attribute("ip_id", "scaleway_instance_ip." + label + ".id");
                }

                var extra = s.Volumes.Skip(1).Select(v => zone + "/" + v.Substring(0, v.IndexOf(':') < 0 ? v.Length : v.IndexOf(':'))).ToList();
                if (extra.Count > 0)
                {
                    w.Attribute("additional_volume_ids", HclWriter.List(extra));
                }

                var rootId = root is null ? null : root.Substring(0, root.IndexOf(':') < 0 ? root.Length : root.IndexOf(':'));
                if (rootType is { Length: > 0 } || s.DiskGB is not null || (s.Image is null && rootId is { Length: > 0 }))
                {
                    w.Open("root_volume");
                    if (s.Image is null && rootId is { Length: > 0 })
                    {
                        w.Attribute("volume_id", HclWriter.Str(zone + "/" + rootId));
                    }

                    if (rootType is { Length: > 0 })
                    {
                        w.Attribute("volume_type", HclWriter.Str(rootType));
                    }

                    if (s.DiskGB is { } gb)
                    {
                        w.Attribute("size_in_gb", HclWriter.Num(gb));
                    }

                    w.Close();
                }

                Lifecycle(w, "scaleway_instance_server");
                w.Close();
                Import(w, "scaleway_instance_server." + label, zone + "/" + s.Id);
                file.Resources++;
                file.Imports++;
            }

            file.Text = w.ToString();
            return file;
        }

        private static TerraformFile Cloudflare(List<DnsRecord> records, Func<string, string, string> unique)
        {
            var w = new HclWriter();
            var file = new TerraformFile { Name = "cloudflare.tf" };
            w.Comment("Cloudflare: DNS records, adopted by import (zone_id/record_id).");
            foreach (var r in records)
            {
                if (string.IsNullOrEmpty(r.ZoneId))
                {
                    throw new ReleaseOpsException(ErrorIds.DnsZoneIdMissing, FailureCategory.InvalidData,
                        $"The Cloudflare record {r.Name} ({r.Id}) has no zone id, which Terraform needs to import it.",
                        "Pipe the records from Get-DnsRecord -Provider Cloudflare, which reads the zone's id.", r);
                }

                var relative = Relative(r);
                var label = unique("cloudflare_dns_record", HclWriter.Label(r.Zone + "_" + (relative == "@" ? "apex" : relative) + "_" + r.Type));
                w.Open("resource", "cloudflare_dns_record", label);
                w.Attribute("zone_id", HclWriter.Str(r.ZoneId!));
                w.Attribute("name", HclWriter.Str(r.Name));
                w.Attribute("type", HclWriter.Str(r.Type));
                w.Attribute("content", HclWriter.Str(r.Value));
                w.Attribute("ttl", HclWriter.Num(r.Ttl));
                w.Attribute("proxied", HclWriter.Bool(r.Proxied ?? false));
                w.Close();
                Import(w, "cloudflare_dns_record." + label, r.ZoneId + "/" + r.Id);
                file.Resources++;
                file.Imports++;
            }

            file.Text = w.ToString();
            return file;
        }

        private static TerraformFile Records(IReadOnlyList<(string Name, object? Value)>? settings, IReadOnlyList<ProjectNode> clients)
        {
            var w = new HclWriter();
            w.Comment("The module's own records: the project's releaseops.psd1 and the register of client servers, kept as locals.");
            w.Comment("Client servers are run by the clients, not by Terraform: they are data here, never resources.");
            w.Open("locals");
            if (settings is not null)
            {
                w.ObjectAttribute("releaseops_project", settings.Where(s => s.Value is not null).Select(s => (s.Name, Value(s.Value))).ToList());
            }

            w.ObjectListAttribute("releaseops_client_nodes", clients.Select(n => (IReadOnlyList<(string, string)>)new List<(string, string)>
            {
                ("id", HclWriter.Str(n.Id)),
                ("name", HclWriter.Str(n.Name)),
                ("project", HclWriter.Str(n.Project)),
                ("role", n.Role is null ? "null" : HclWriter.Str(n.Role)),
                ("host", HclWriter.Str(n.HostName)),
                ("port", HclWriter.Num(n.Port)),
                ("user", HclWriter.Str(n.User)),
                ("tags", HclWriter.List(n.Tags)),
                ("created", HclWriter.Str(n.Created.ToString("o", CultureInfo.InvariantCulture))),
            }).ToList());
            w.Close();
            return new TerraformFile { Name = "releaseops.tf", Text = w.ToString() };
        }

        private static string Value(object? value) => value switch
        {
            null => "null",
            string s => HclWriter.Str(s),
            bool b => HclWriter.Bool(b),
            int or long or short => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            double or float or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            Enum e => HclWriter.Str(e.ToString()),
            System.Collections.IEnumerable list => HclWriter.List(list.Cast<object?>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? string.Empty)),
            _ => HclWriter.Str(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
        };

        /// <summary>The record's name relative to its zone (@ for the apex), as DigitalOcean's records hold it.</summary>
        public static string Relative(DnsRecord r)
        {
            var name = r.Name.TrimEnd('.');
            return string.Equals(name, r.Zone, StringComparison.OrdinalIgnoreCase) ? "@"
                : name.EndsWith("." + r.Zone, StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - r.Zone.Length - 1) : name;
        }
    }
}
