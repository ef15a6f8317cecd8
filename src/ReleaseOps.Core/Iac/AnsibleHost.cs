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
    /// <summary>One host of an Ansible inventory: the node, and where SSH reaches it after ssh_config is applied.</summary>
    public sealed class AnsibleHost
    {
        /// <summary>The node.</summary>
        public ProjectNode Node { get; set; } = new();

        /// <summary>The address ssh connects to (ssh_config's HostName for an alias).</summary>
        public string Address { get; set; } = string.Empty;

        /// <summary>The port.</summary>
        public int Port { get; set; } = 22;

        /// <summary>The login user.</summary>
        public string User { get; set; } = "root";
    }
}
