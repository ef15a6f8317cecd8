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
    /// <summary>Where SSH reaches a node, as the module's own connections resolve it.</summary>
    public static class AnsibleHosts
    {
        /// <summary>Resolves each node through ssh_config (the file given, else ~/.ssh/config) exactly as NodeConnector does: the node's user and port win, as -l and -p.</summary>
        public static IReadOnlyList<AnsibleHost> Resolve(IEnumerable<ProjectNode> nodes, string? configFile)
        {
            var config = configFile is null ? Ssh.SshConfig.LoadDefault() : Ssh.SshConfig.Load(configFile);
            return nodes.Select(n =>
            {
                var target = string.IsNullOrEmpty(n.HostName) ? n.PublicIPv4 ?? n.Name : n.HostName;
                var settings = config.Resolve(target.Trim(), string.IsNullOrEmpty(n.User) ? null : n.User, n.Port > 0 ? n.Port : null);
                return new AnsibleHost { Node = n, Address = settings.HostName, Port = settings.Port, User = settings.User };
            }).ToList();
        }
    }
}
