using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What a migration moves and how: the stack's commands, the data, the DNS names and the redirect.</summary>
    public sealed class MigrationPlan
    {
        /// <summary>The folder of the stack on both nodes (its compose files and env files are copied).</summary>
        public string StackPath { get; set; } = string.Empty;

        /// <summary>
        /// What starts on the target before the data moves: only what the sync needs, so that the app's workers and cron
        /// jobs never run on both nodes with the copied .env. Null: the compose database service alone (for a database
        /// in the compose stack), else nothing. The whole stack (StartCommand) starts at the cutover.
        /// </summary>
        public string? PrepareCommand { get; set; }

        /// <summary>Brings the whole stack up: on the target at the cutover, and on the source for an undo. Default: docker compose up -d.</summary>
        public string StartCommand { get; set; } = "if docker compose version >/dev/null 2>&1; then docker compose up -d; else docker-compose up -d; fi";

        /// <summary>
        /// The write freeze on the source: the app stops, the database stays up. The default stops the stack's running
        /// containers but db with docker itself (found by compose's working_dir label; a compose client costs up to a
        /// second per call, all of it downtime), else through compose, for a stack started from another folder.
        /// </summary>
        public string FreezeCommand { get; set; } =
            "all=$(docker ps --filter \"label=com.docker.compose.project.working_dir=$PWD\" --format '{{.ID}} {{.Label \"com.docker.compose.service\"}}'); "
            + "if [ -n \"$all\" ]; then printf '%s\\n' \"$all\" | awk '$2 != \"db\" { print $1 }' | xargs -r docker stop >/dev/null; "
            + "else c='docker compose'; docker compose version >/dev/null 2>&1 || c=docker-compose; $c ps --services | grep -vx db | xargs -r $c stop; fi";

        /// <summary>Stops the old stack; never with -v, so volumes are kept.</summary>
        public string StopCommand { get; set; } = "if docker compose version >/dev/null 2>&1; then docker compose down; else docker-compose down; fi";

        /// <summary>The database to sync, or null.</summary>
        public DatabaseSyncRequest? Database { get; set; }

        /// <summary>
        /// May set wal_level = logical on the old database and restart it (a few seconds' outage before the freeze), so
        /// that the database moves by logical replication. Without it, a wal_level that is not logical falls back to
        /// dump and restore.
        /// </summary>
        public bool AllowDatabaseRestart { get; set; }

        /// <summary>The folders to sync (uploads, volume paths).</summary>
        public IReadOnlyList<string> Files { get; set; } = Array.Empty<string>();

        /// <summary>The file syncs go node to node with a temporary, restricted key (Sync-NodeFile -Direct), not through the admin's machine.</summary>
        public bool DirectFiles { get; set; }

        /// <summary>For DirectFiles: the old node's address as the new node reaches it; null for the one the admin's machine uses.</summary>
        public string? DirectAddress { get; set; }

        /// <summary>The database's replication goes node to node (Invoke-Migration -DirectDatabase), through the new node's ssh to the old one.</summary>
        public bool DirectDatabase { get; set; }

        /// <summary>For DirectFiles: more addresses that the old node may see the new node's connections come from (a NAT's), added to from=.</summary>
        public string[] DirectFrom { get; set; } = Array.Empty<string>();

        /// <summary>The zone of the names to switch.</summary>
        public string? DnsZone { get; set; }

        /// <summary>The names to point at the target (kmc, kmc-direct).</summary>
        public IReadOnlyList<string> DnsNames { get; set; } = Array.Empty<string>();

        /// <summary>The DNS service.</summary>
        public DnsProvider DnsProvider { get; set; } = DnsProvider.DigitalOcean;

        /// <summary>The address the names point at, and the redirect goes to: the target's public address.</summary>
        public string TargetAddress { get; set; } = string.Empty;

        /// <summary>The redirect on the old node.</summary>
        public RedirectRequest Redirect { get; set; } = new();

        /// <summary>The old node, for its snapshot and stack-stopped mark (null for a node known only by name).</summary>
        public ProjectNode? SourceNode { get; set; }

        /// <summary>How long to wait for the authoritative name servers to answer the new address.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>DnsTimeout in seconds, as the journal stores it.</summary>
        public double DnsTimeoutSeconds
        {
            get => DnsTimeout.TotalSeconds;
            set => DnsTimeout = TimeSpan.FromSeconds(value);
        }
    }
}
