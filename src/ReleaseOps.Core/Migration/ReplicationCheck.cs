using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What the old database offers for logical replication, read before any data moves.</summary>
    public sealed class ReplicationCheck
    {
        public string SourceVersion { get; set; } = string.Empty;

        public string TargetVersion { get; set; } = string.Empty;

        public string WalLevel { get; set; } = string.Empty;

        /// <summary>The address the old node's sshd connects to for the database (null: PostgreSQL accepts no TCP connection).</summary>
        public string? SourceHost { get; set; }

        public int SourcePort { get; set; } = 5432;

        public IReadOnlyList<string> TablesWithoutKey { get; set; } = Array.Empty<string>();

        /// <summary>The preconditions that do not hold, in words; empty when replication can run.</summary>
        public List<string> Reasons { get; } = new();
    }
}
