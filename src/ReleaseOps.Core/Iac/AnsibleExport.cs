using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReleaseOps.Core.Bootstrap;

namespace ReleaseOps.Core.Iac
{
    /// <summary>
    /// Writes the fleet for Ansible: a YAML inventory and a dynamic inventory script (--list, --host) whose data is
    /// embedded as base64 JSON, so that no name or tag read from a provider is ever Python source; and a playbook that
    /// does what Initialize-Node does for a roster, with only ansible.builtin and ansible.posix modules. Every YAML
    /// scalar is written as a JSON string, which is a valid double-quoted YAML scalar: nothing a value holds can
    /// start a tag, an anchor, a comment or a new key.
    /// </summary>
    public static class AnsibleExport
    {
        /// <summary>The inventory's data: hosts with their variables, and the groups (project, role, provider, region).</summary>
        public static (SortedDictionary<string, SortedDictionary<string, object>> HostVars, SortedDictionary<string, SortedSet<string>> Groups) Build(IReadOnlyList<AnsibleHost> hosts)
        {
            var vars = new SortedDictionary<string, SortedDictionary<string, object>>(StringComparer.Ordinal);
            var groups = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            var names = hosts.GroupBy(h => h.Node.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var h in hosts.OrderBy(h => h.Node.Name, StringComparer.Ordinal).ThenBy(h => h.Node.Role, StringComparer.Ordinal).ThenBy(h => h.Node.Id, StringComparer.Ordinal))
            {
                var n = h.Node;
                var name = names[n.Name] == 1 ? n.Name : n.Name + "-" + (n.Role ?? n.Id);
                for (var i = 2; vars.ContainsKey(name); i++)
                {
                    name = n.Name + "-" + i.ToString(CultureInfo.InvariantCulture);
                }

                var v = new SortedDictionary<string, object>(StringComparer.Ordinal)
                {
                    ["ansible_host"] = h.Address,
                    ["ansible_port"] = h.Port,
                    ["ansible_user"] = h.User,
                    ["releaseops_id"] = n.Id,
                    ["releaseops_name"] = n.Name,
                    ["releaseops_project"] = n.Project,
                    ["releaseops_provider"] = n.Provider.ToString(),
                };
                if (n.Role is not null)
                {
                    v["releaseops_role"] = n.Role;
                }

                if (n.Region is not null)
                {
                    v["releaseops_region"] = n.Region;
                }

                vars[name] = v;
                void Add(string prefix, string? value)
                {
                    if (!string.IsNullOrEmpty(value))
                    {
                        var group = GroupName(prefix, value!);
                        if (!groups.TryGetValue(group, out var members))
                        {
                            groups[group] = members = new SortedSet<string>(StringComparer.Ordinal);
                        }

                        members.Add(name);
                    }
                }

                Add("project", n.Project);
                Add("role", n.Role);
                Add("provider", n.Provider.ToString());
                Add("region", n.Region);
            }

            return (vars, groups);
        }

        /// <summary>An Ansible group name: prefix_value in lower case, with every character but letters, digits and _ made _.</summary>
        public static string GroupName(string prefix, string value) => prefix + "_" + Regex.Replace(value.ToLowerInvariant(), "[^a-z0-9_]", "_");

        /// <summary>The YAML inventory (Ansible's yaml inventory plugin).</summary>
        public static string InventoryYaml(IReadOnlyList<AnsibleHost> hosts)
        {
            var (vars, groups) = Build(hosts);
            var sb = new StringBuilder();
            sb.Append("# Written by ReleaseOps Export-AnsibleInventory: hosts with ansible_host, ansible_port and ansible_user as\n");
            sb.Append("# ssh_config resolves them, grouped by project, role, provider and region.\n");
            sb.Append("all:\n  hosts:\n");
            foreach (var host in vars)
            {
                sb.Append("    ").Append(Q(host.Key)).Append(":\n");
                foreach (var kv in host.Value)
                {
                    sb.Append("      ").Append(kv.Key).Append(": ").Append(kv.Value is int i ? i.ToString(CultureInfo.InvariantCulture) : Q((string)kv.Value)).Append('\n');
                }
            }

            sb.Append("  children:\n");
            foreach (var g in groups)
            {
                sb.Append("    ").Append(g.Key).Append(":\n      hosts:\n");
                foreach (var m in g.Value)
                {
                    sb.Append("        ").Append(Q(m)).Append(": {}\n");
                }
            }

            return sb.ToString();
        }

        /// <summary>The inventory as Ansible's --list JSON (groups, and _meta.hostvars).</summary>
        public static string InventoryJson(IReadOnlyList<AnsibleHost> hosts)
        {
            var (vars, groups) = Build(hosts);
            var root = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["_meta"] = new Dictionary<string, object> { ["hostvars"] = vars },
                ["all"] = new Dictionary<string, object> { ["children"] = new[] { "ungrouped" }.Concat(groups.Keys).ToArray(), ["hosts"] = vars.Keys.ToArray() },
            };
            foreach (var g in groups)
            {
                root[g.Key] = new Dictionary<string, object> { ["hosts"] = g.Value.ToArray() };
            }

            return JsonSerializer.Serialize(root);
        }

        /// <summary>
        /// The dynamic inventory script: Python 3 from the standard library only. The inventory is a base64 literal
        /// decoded as JSON; the arguments only choose what to print. Nothing from the nodes is code.
        /// </summary>
        public static string InventoryScript(IReadOnlyList<AnsibleHost> hosts)
        {
            var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(InventoryJson(hosts)));
            var sb = new StringBuilder();
            sb.Append("#!/usr/bin/env python3\n");
            sb.Append("# Written by ReleaseOps Export-AnsibleInventory: a dynamic inventory for ansible -i. It answers --list (every\n");
            sb.Append("# group, with _meta.hostvars) and --host NAME (that host's variables). The data below is base64 JSON, never code.\n");
            sb.Append("import base64, json, sys\n\n");
            sb.Append("DATA = \"").Append(data).Append("\"\n\n\n");
            sb.Append("def main(argv):\n");
            sb.Append("    inventory = json.loads(base64.b64decode(DATA).decode(\"utf-8\"))\n");
            sb.Append("    if len(argv) == 2 and argv[1] == \"--list\":\n");
            sb.Append("        json.dump(inventory, sys.stdout)\n");
            sb.Append("    elif len(argv) == 3 and argv[1] == \"--host\":\n");
            sb.Append("        json.dump(inventory[\"_meta\"][\"hostvars\"].get(argv[2], {}), sys.stdout)\n");
            sb.Append("    else:\n");
            sb.Append("        sys.stderr.write(\"usage: %s --list | --host NAME\\n\" % argv[0])\n");
            sb.Append("        return 2\n");
            sb.Append("    sys.stdout.write(\"\\n\")\n");
            sb.Append("    return 0\n\n\n");
            sb.Append("if __name__ == \"__main__\":\n");
            sb.Append("    sys.exit(main(sys.argv))\n");
            return sb.ToString();
        }

        /// <summary>The playbook that does what Initialize-Node does for the roster: groups, accounts, keys, sudo policy, shared history and, with docker, Docker.</summary>
        public static string Playbook(IReadOnlyList<TeamMember> team, string hosts, bool docker)
        {
            var sudoers = FileContent("Sudo policy");
            var history = FileContent("Shared history");
            var hook = Regex.Match(NodeBootstrap.Script, "hook='([^']*)'").Groups[1].Value;
            var sb = new StringBuilder();
            sb.Append("# Written by ReleaseOps Export-AnsiblePlaybook: what Initialize-Node does for this roster (groups, admin\n");
            sb.Append("# accounts and keys, the sudo policy checked by visudo, shared history").Append(docker ? ", Docker" : string.Empty).Append("), with\n");
            sb.Append("# ansible.builtin and ansible.posix only. Initialize-Node after it reports only Unchanged, and the other way round.\n");
            sb.Append("- name: ").Append(Q("ReleaseOps baseline")).Append('\n');
            sb.Append("  hosts: ").Append(Q(hosts)).Append('\n');
            sb.Append("  become: true\n  gather_facts: false\n  tasks:\n");
            void Task(string name, string module, params (string Key, string Value)[] args)
            {
                sb.Append("    - name: ").Append(Q(name)).Append('\n');
                sb.Append("      ").Append(module).Append(":\n");
                foreach (var (key, value) in args)
                {
                    sb.Append("        ").Append(key).Append(": ").Append(value).Append('\n');
                }
            }

            foreach (var g in new[] { "dev", "sudo", "docker" })
            {
                Task("Group " + g, "ansible.builtin.group", ("name", Q(g)), ("state", Q("present")));
            }

            foreach (var m in team)
            {
                Task("Account " + m.Login, "ansible.builtin.user", ("name", Q(m.Login)), ("comment", Q(m.Name)), ("shell", Q("/bin/bash")),
                    ("groups", "[" + string.Join(", ", new[] { "dev", "sudo", "docker" }.Select(Q)) + "]"), ("append", "true"),
                    ("password", Q("*")), ("create_home", "true"));
                Task("Keys " + m.Login, "ansible.posix.authorized_key", ("user", Q(m.Login)), ("key", Q(string.Join("\n", m.PublicKey))),
                    ("state", Q("present")), ("manage_dir", "true"), ("exclusive", "false"));
            }

            Task("Sudo policy", "ansible.builtin.copy", ("dest", Q("/etc/sudoers.d/releaseops-dev")), ("content", Q(sudoers + "\n")),
                ("owner", Q("root")), ("group", Q("root")), ("mode", Q("0440")), ("validate", Q("visudo -cf %s")));
            Task("Shared history", "ansible.builtin.copy", ("dest", Q("/etc/profile.d/releaseops-history.sh")), ("content", Q(history + "\n")),
                ("owner", Q("root")), ("group", Q("root")), ("mode", Q("0644")));
            Task("Shared history hook", "ansible.builtin.lineinfile", ("path", Q("/etc/bash.bashrc")), ("line", Q(hook)), ("create", "true"), ("mode", Q("0644")));
            if (docker)
            {
                // As Initialize-Node: Docker counts as present when docker and a compose (plugin or v1) run.
                sb.Append("    - name: ").Append(Q("Docker present")).Append('\n');
                sb.Append("      ansible.builtin.shell: ").Append(Q("command -v docker && { docker compose version || command -v docker-compose; }")).Append('\n');
                sb.Append("      register: releaseops_docker\n      changed_when: false\n      failed_when: false\n      check_mode: false\n");
                Task("Docker", "ansible.builtin.apt", ("name", "[" + Q("docker.io") + ", " + Q("docker-compose") + "]"), ("state", Q("present")));
                sb.Append("      when: releaseops_docker.rc != 0\n");
            }

            return sb.ToString();
        }

        /// <summary>A YAML double-quoted scalar: a JSON string (quotes, backslashes and control characters escaped).</summary>
        public static string Q(string value) => JsonSerializer.Serialize(value, Relaxed);

        private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private static string FileContent(string step)
        {
            var m = Regex.Match(NodeBootstrap.Script, "ensure_file \"" + Regex.Escape(step) + "\" \\S+ \\d+ '([^']*)'");
            if (!m.Success)
            {
                throw new InvalidOperationException($"bootstrap.sh has no ensure_file for {step}.");
            }

            return m.Groups[1].Value;
        }
    }
}
