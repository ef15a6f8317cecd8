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
    /// <summary>
    /// A migration's database by PostgreSQL logical replication, so that the write freeze does not grow with the data:
    /// the schema (with owners and grants) is copied with pg_dump --schema-only, a publication on the old database and a
    /// subscription on the new one copy the rows while the old node serves, and at the freeze the subscriber only has
    /// to catch up (the slot's confirmed LSN reaches the old node's current LSN); the sequences are copied (logical
    /// replication does not carry them), the row counts compared, and the subscription, slot, publication and role are
    /// dropped. The two databases meet through this machine: a local forward on the old node's SSH connection to its
    /// database, and a remote forward on the new node's connection (bound to the new node's 127.0.0.1), which the
    /// subscription connects to; nothing listens on a public address. The subscription's password is a random one of
    /// a temporary role, set as a SCRAM verifier made here, and reaches the nodes only on psql's standard input.
    /// </summary>
    public sealed class DatabaseReplication : IDisposable
    {
        public const int ProgressActivity = ProgressIds.DatabaseReplication;

        private const char Us = DatabaseSync.FieldSeparator;
        private const char Rs = DatabaseSync.RecordSeparator;

        private const string CheckQuery = @"SELECT current_setting('server_version_num'), current_setting('wal_level'), current_setting('listen_addresses'), current_setting('port'),
  coalesce((SELECT string_agg(format('%I.%I', n.nspname, c.relname), chr(2) ORDER BY n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND CASE c.relreplident WHEN 'f' THEN false WHEN 'n' THEN true
        WHEN 'i' THEN NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
        ELSE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) END), '');
";

        // The publication and the temporary role; the password line is added by the caller (a SCRAM verifier, never the password).
        private const string PublishScript = @"SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \gexec
GRANT pg_read_all_data TO :""name"";
SELECT format('CREATE PUBLICATION %I FOR ALL TABLES', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = :'name') \gexec
";

        private const string SubscriptionStateQuery = @"SELECT coalesce((SELECT s.oid::text FROM pg_subscription s WHERE s.subname = :'name'), ''),
  (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = :'name' AND r.srsubstate NOT IN ('r', 's')),
  (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = :'name'),
  coalesce((SELECT d.datname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE s.subname = :'name'), ''),
  (SELECT count(*) FROM pg_stat_subscription WHERE subname = :'name' AND pid IS NOT NULL);
";

        private const string SlotQuery = "SELECT coalesce((SELECT CASE WHEN confirmed_flush_lsn >= :'lsn'::pg_lsn THEN 'caught-up' ELSE 'behind ' || confirmed_flush_lsn::text END FROM pg_replication_slots WHERE slot_name = :'name'), 'missing');\n";

        private const string SequencesQuery = "SELECT format('SELECT setval(%L, %s, %s);', format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value), CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END) FROM pg_sequences ORDER BY schemaname, sequencename;\n";

        private const string CountsQuery = @"SELECT s.name, (xpath('/row/r/text()', s.x))[1]::text, '-'
FROM (SELECT format('%I.%I', n.nspname, c.relname) AS name,
        CASE WHEN pg_relation_size(c.oid) > 268435456 THEN '<row><r>-1</r></row>'::xml ELSE query_to_xml(format('SELECT count(*) AS r FROM %I.%I', n.nspname, c.relname), false, true, '') END AS x
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%') s
ORDER BY 1;
";

        /// <summary>
        /// Tables larger than this (256 MB, on either node) are not counted at the freeze: a count reads the whole table,
        /// so it would make the downtime grow with the data again. They must exist on both nodes, and are covered by the
        /// catch-up to the old node's WAL position; smaller tables are counted on both nodes.
        /// </summary>
        public const long CountLimitBytes = 268435456;

        // Without contacting the old node (its slot is dropped there, below): disable, forget the slot, drop.
        private const string DropSubscriptionScript = @"SELECT format('ALTER SUBSCRIPTION %I DISABLE', :'name') FROM pg_subscription WHERE subname = :'name' \gexec
SELECT format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', :'name') FROM pg_subscription WHERE subname = :'name' \gexec
SELECT format('DROP SUBSCRIPTION %I', :'name') FROM pg_subscription WHERE subname = :'name' \gexec
";

        // On the old node: the walsenders of our slots end, then the slot and the table-copy slots of our subscription
        // (pg_<subscription oid>_sync_...) are dropped, then the role. The publication is dropped in its database.
        private const string DropSlotsScript = @"SELECT set_config('releaseops.name', :'name', false), set_config('releaseops.sync', :'sync', false);
DO $releaseops$
DECLARE
  n text := current_setting('releaseops.name');
  sync text := current_setting('releaseops.sync');
  slot record;
  tries int := 0;
BEGIN
  LOOP
    FOR slot IN SELECT slot_name, active_pid FROM pg_replication_slots WHERE slot_name = n OR (sync <> '' AND starts_with(slot_name, sync)) LOOP
      IF slot.active_pid IS NOT NULL THEN
        PERFORM pg_terminate_backend(slot.active_pid, 5000);
      END IF;
      BEGIN
        PERFORM pg_drop_replication_slot(slot.slot_name);
      EXCEPTION WHEN object_in_use OR undefined_object THEN
        NULL;
      END;
    END LOOP;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = n OR (sync <> '' AND starts_with(slot_name, sync)));
    tries := tries + 1;
    IF tries > 100 THEN
      RAISE EXCEPTION 'the replication slot % is still in use', n;
    END IF;
    PERFORM pg_sleep(0.1);
  END LOOP;
END
$releaseops$;
";

        private const string WalLimitQuery = "SELECT setting, current_setting('data_directory') FROM pg_settings WHERE name = 'max_slot_wal_keep_size';\n";

        private const string SetWalLimitScript = "ALTER SYSTEM SET max_slot_wal_keep_size = :'limit';\nSELECT pg_reload_conf();\n";

        // Only the bound this migration set (an admin who changed it since keeps theirs).
        private const string ResetWalLimitScript = "SELECT 'ALTER SYSTEM RESET max_slot_wal_keep_size' FROM pg_settings WHERE name = 'max_slot_wal_keep_size' AND setting = :'limit' \\gexec\nSELECT pg_reload_conf();\n";

        private const string DropPublicationScript = "DROP PUBLICATION IF EXISTS :\"name\";\n";

        private const string DropRoleScript = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = :'name';\nDROP ROLE IF EXISTS :\"name\";\n";

        private readonly NodeSession source;
        private readonly NodeSession target;
        private readonly IOperationReporter reporter;
        private ForwardedPortLocal? local;
        private ForwardedPortRemote? remote;
        private DirectTunnel? tunnel;

        public DatabaseReplication(NodeSession source, NodeSession target, IOperationReporter reporter)
        {
            this.source = source;
            this.target = target;
            this.reporter = reporter;
        }

        /// <summary>
        /// When set, the subscription reaches the old database node to node (<see cref="DirectTunnel"/>), not through this
        /// machine: the tunnel's tag, the old node's address as the new node reaches it (null: this machine's), and more
        /// from= addresses.
        /// </summary>
        public (string Tag, string? Address, IReadOnlyList<string> From)? Direct { get; set; }

        /// <summary>The name of a migration's publication, subscription, slot and role on both nodes.</summary>
        public static string NameOf(string migrationId)
        {
            using var sha = SHA256.Create();
            return "releaseops_" + string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(migrationId)).Take(6).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        /// <summary>Reads the preconditions: versions (PostgresVersionMismatch when the target is older), wal_level, keys, TCP.</summary>
        public async Task<ReplicationCheck> CheckAsync(PostgresAccess s, PostgresAccess t, string database, CancellationToken token)
        {
            var targetVersion = WhileStartingAsync(() => ReadTargetVersionAsync(t, token), token);
            return await CheckSourceAsync(s, database, targetVersion, token).ConfigureAwait(false);
        }

        /// <summary>The target's PostgreSQL version (server_version_num), in one query.</summary>
        public async Task<string> ReadTargetVersionAsync(PostgresAccess t, CancellationToken token) =>
            (await DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, "postgres", DatabaseSync.ServerVersionQuery, Array.Empty<string>(), tuples: true), "read the target's PostgreSQL version", reporter, token).ConfigureAwait(false))
                .Trim(Rs, '\n', '\r', ' ');

        /// <summary>
        /// The source's preconditions alone, for a plan (-WhatIf) made before the target's database runs: the target's
        /// version is left empty, and checked by the migration itself.
        /// </summary>
        public Task<ReplicationCheck> CheckSourceAsync(PostgresAccess s, string database, CancellationToken token) =>
            CheckSourceAsync(s, database, null, token);

        private async Task<ReplicationCheck> CheckSourceAsync(PostgresAccess s, string database, Task<string>? targetVersion, CancellationToken token)
        {
            var output = await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, CheckQuery, Array.Empty<string>(), tuples: true), "read the source's replication settings", reporter, token).ConfigureAwait(false);
            var f = output.Trim(Rs, '\n', '\r').Split(Us);
            if (f.Length != 5)
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseCommandFailed, FailureCategory.InvalidResult, $"{source.Name}: unexpected answer to the replication check: '{output.Trim()}'.",
                    "Run the command again with -Verbose -Debug.", source.Name);
            }

            var check = new ReplicationCheck
            {
                SourceVersion = f[0], WalLevel = f[1], TargetVersion = targetVersion is null ? string.Empty : (await targetVersion.ConfigureAwait(false)).Trim(Rs, '\n', '\r', ' '),
                SourcePort = int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 5432,
                TablesWithoutKey = f[4].Split(new[] { '\x02' }, StringSplitOptions.RemoveEmptyEntries),
            };
            if (targetVersion is not null)
            {
                DatabaseSync.CheckVersion(target.Name, check.TargetVersion);
                DatabaseSync.CheckPair(source.Name, check.SourceVersion, target.Name, check.TargetVersion);
            }
            var listen = f[2].Split(',').Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
            if (listen.Count == 0)
            {
                check.Reasons.Add("the old database accepts no TCP connection (listen_addresses is empty), which the subscription needs");
            }
            else if (listen.Any(a => a is "*" or "0.0.0.0" or "::" or "localhost" or "127.0.0.1"))
            {
                check.SourceHost = s.IsCompose && s.ContainerId is not null ? await ContainerAddressAsync(s.ContainerId, token).ConfigureAwait(false) ?? "127.0.0.1" : "127.0.0.1";
            }
            else if (!DirectPath.IsForwardHost(listen[0]))
            {
                // The relay's and the tunnel's forwards go to this address; one that is not plainly an address or a name is not used.
                check.Reasons.Add($"the old database listens on '{listen[0]}', which is not an IP address or host name that a forward can reach");
            }
            else
            {
                check.SourceHost = listen[0];
            }

            if (check.WalLevel != "logical")
            {
                check.Reasons.Add($"wal_level is {check.WalLevel}, not logical (changing it restarts the old database: pass -AllowDatabaseRestart)");
            }

            if (check.TablesWithoutKey.Count > 0)
            {
                check.Reasons.Add($"{check.TablesWithoutKey.Count} table(s) have no primary key or replica identity: {string.Join(", ", check.TablesWithoutKey)}");
            }

            return check;
        }

        /// <summary>
        /// Runs a query again while PostgreSQL is still starting (the target's db service was started a moment ago by
        /// PrepareTarget, and its first start runs initdb): no socket yet, connection refused, or "starting up"; at most a minute.
        /// </summary>
        private static async Task<string> WhileStartingAsync(Func<Task<string>> query, CancellationToken token)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return await query().ConfigureAwait(false);
                }
                catch (ReleaseOpsException ex) when (watch.Elapsed < TimeSpan.FromMinutes(1)
                    && (ex.Message.Contains("No such file or directory", StringComparison.Ordinal) || ex.Message.Contains("Connection refused", StringComparison.Ordinal)
                        || ex.Message.Contains("starting up", StringComparison.Ordinal) || ex.Message.Contains("shutting down", StringComparison.Ordinal)))
                {
                    await Task.Delay(250, token).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Sets wal_level = logical and restarts the old database's compose service, then waits until it answers.</summary>
        public async Task RestartForLogicalAsync(PostgresAccess s, string database, CancellationToken token)
        {
            if (!s.IsCompose || s.ContainerId is null)
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseRestartNotSupported, FailureCategory.NotImplemented,
                    $"{source.Name}: wal_level can be changed here only for a database in the compose stack; this one runs on the host.",
                    "Set wal_level = logical and restart PostgreSQL on the old node yourself (a short outage), then resume the migration; or let it fall back to dump and restore.", source.Name);
            }

            reporter.Warning($"{source.Name}: setting wal_level = logical and restarting the database container (-AllowDatabaseRestart); the old stack's requests fail for a few seconds.");
            await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, "ALTER SYSTEM SET wal_level = logical;\n", Array.Empty<string>()), "set wal_level = logical", reporter, token).ConfigureAwait(false);
            var r = await NodeCommandRunner.RunAsync(source, new NodeCommandRequest { Command = "docker restart -t 30 \"$1\" >/dev/null", Arguments = new[] { s.ContainerId }, Sudo = true, Timeout = TimeSpan.FromMinutes(2) },
                null, reporter, token).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseCommandFailed, FailureCategory.InvalidResult, $"{source.Name}: could not restart the database container: {NodeStream.Brief(r.Error)}",
                    "Start the old stack's db service again (docker compose up -d db), then resume the migration.", source.Name);
            }

            var level = string.Empty;
            for (var i = 0; i < 120 && level.Length == 0; i++)
            {
                try
                {
                    level = (await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, "SELECT current_setting('wal_level');\n", Array.Empty<string>(), tuples: true), "read wal_level", reporter, token).ConfigureAwait(false)).Trim(Rs, '\n', '\r', ' ');
                }
                catch (ReleaseOpsException ex) when (ex.ErrorId is ErrorIds.DatabaseCommandFailed or ErrorIds.DatabaseNotFound)
                {
                    await Task.Delay(500, token).ConfigureAwait(false);
                }
            }

            if (level != "logical")
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseCommandFailed, FailureCategory.InvalidResult, $"{source.Name}: wal_level is '{level}' after the restart, not logical.",
                    "Check the old database's configuration and that it runs, then resume the migration.", source.Name);
            }
        }

        /// <summary>
        /// The initial copy: the schema, the publication and the subscription (each made only if missing, so that a resume
        /// goes on where it stopped), then waits until every table is copied. The old node serves all along.
        /// </summary>
        public async Task<string> StartAsync(DatabaseSyncRequest request, PostgresAccess s, PostgresAccess t, ReplicationCheck check, MigrationInfo info, CancellationToken token)
        {
            var name = NameOf(info.Id);
            var activity = $"Replication of {request.Database}: {source.Name} -> {target.Name}";
            var state = await StateAsync(t, request.TargetName, name, token).ConfigureAwait(false);
            var slot = await SlotStateAsync(s, request.Database, name, "0/0", token).ConfigureAwait(false);
            if (state.Oid.Length > 0 && slot == "missing")
            {
                // A subscription without its slot (dropped by hand, or a half-done cleanup): start over.
                reporter.Verbose($"{target.Name}: the subscription {name} has lost its slot on {source.Name}; starting the copy over.");
                await CleanupAsync(s, t, request.Database, request.TargetName, info, token).ConfigureAwait(false);
                state = await StateAsync(t, request.TargetName, name, token).ConfigureAwait(false);
            }

            info.ReplicationSlot = name;
            MigrationJournal.Save(info);
            if (state.Oid.Length == 0)
            {
                reporter.Progress(ProgressActivity, activity, "Copying the schema (owners and grants kept)", -1);
                var schema = new DatabaseSyncRequest
                {
                    Database = request.Database, TargetDatabase = request.TargetDatabase, SourceAccess = request.SourceAccess, TargetAccess = request.TargetAccess,
                    SchemaOnly = true, NoVerify = true, CompressionLevel = request.CompressionLevel,
                };
                await DatabaseSync.SyncAsync(source, target, schema, reporter, token).ConfigureAwait(false);
            }

            await LimitSlotWalAsync(s, request.Database, info, token).ConfigureAwait(false);
            var password = NewPassword();
            var publish = PublishScript + "ALTER ROLE :\"name\" PASSWORD '" + ScramVerifier(password) + "';\n";
            await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, request.Database, publish, DatabaseSync.Vars(("name", name))), "create the publication", reporter, token).ConfigureAwait(false);
            var port = await OpenRelayAsync(check, token).ConfigureAwait(false);
            var conninfo = ConnInfo(port, request.Database, name, password);
            string script;
            if (state.Oid.Length == 0)
            {
                reporter.Progress(ProgressActivity, activity, "Creating the subscription", -1);
                script = $"CREATE SUBSCRIPTION \"{name}\" CONNECTION {Literal(conninfo)} PUBLICATION \"{name}\" WITH (slot_name = '{name}', create_slot = true, copy_data = true);\n";
            }
            else
            {
                script = $"ALTER SUBSCRIPTION \"{name}\" CONNECTION {Literal(conninfo)};\nALTER SUBSCRIPTION \"{name}\" ENABLE;\n";
            }

            await DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, request.TargetName, script, Array.Empty<string>()), "create the subscription", reporter, token).ConfigureAwait(false);
            state = await StateAsync(t, request.TargetName, name, token).ConfigureAwait(false);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var idle = System.Diagnostics.Stopwatch.StartNew();
            while (state.Pending > 0 || state.Oid.Length == 0)
            {
                ThrowIfLost();
                if (state.Workers > 0)
                {
                    idle.Restart();
                }
                else if (idle.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new ReleaseOpsException(ErrorIds.ReplicationStalled, FailureCategory.InvalidResult,
                        $"{target.Name}: the subscription {name} has had no running worker for a minute; the copy is stuck ({state.Pending} of {state.Tables} tables left).",
                        "Read the new node's PostgreSQL log (the subscription's errors are there), fix the cause, then resume the migration.", target.Name);
                }

                reporter.Progress(ProgressActivity, activity, $"Copying tables while the old node serves: {state.Tables - state.Pending} of {state.Tables} done ({watch.Elapsed.TotalSeconds:N0} s)", -1);
                await Task.Delay(250, token).ConfigureAwait(false);
                state = await StateAsync(t, request.TargetName, name, token).ConfigureAwait(false);
            }

            reporter.CompleteProgress(ProgressActivity, activity);
            return $"database {request.Database}: logical replication, {state.Tables} tables copied, streaming";
        }

        /// <summary>
        /// At the freeze: the subscriber catches up with the old node's current LSN, the sequences are copied, the row
        /// counts compared, and the subscription, the slots, the publication and the role are dropped.
        /// </summary>
        public async Task<DatabaseSyncResult> FinishAsync(DatabaseSyncRequest request, PostgresAccess s, PostgresAccess t, ReplicationCheck check, MigrationInfo info, CancellationToken token)
        {
            var name = NameOf(info.Id);
            var activity = $"Replication of {request.Database}: {source.Name} -> {target.Name}";
            // The freeze is on: every round trip here is downtime, so what can run at once does.
            var stateTask = StateAsync(t, request.TargetName, name, token);
            var lsnTask = DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, request.Database, "SELECT pg_current_wal_lsn();\n", Array.Empty<string>(), tuples: true), "read the current LSN", reporter, token);
            await Task.WhenAll(stateTask, lsnTask).ConfigureAwait(false);
            var state = await stateTask.ConfigureAwait(false);
            if (state.Oid.Length > 0)
            {
                if (local is null && tunnel is null)
                {
                    // A new process (a resume): a new relay, a new password, and the subscription pointed at both.
                    var password = NewPassword();
                    var publish = "ALTER ROLE :\"name\" PASSWORD '" + ScramVerifier(password) + "';\n";
                    await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, request.Database, publish, DatabaseSync.Vars(("name", name))), "renew the replication role's password", reporter, token).ConfigureAwait(false);
                    var port = await OpenRelayAsync(check, token).ConfigureAwait(false);
                    var script = $"ALTER SUBSCRIPTION \"{name}\" CONNECTION {Literal(ConnInfo(port, request.Database, name, password))};\nALTER SUBSCRIPTION \"{name}\" ENABLE;\n";
                    await DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, request.TargetName, script, Array.Empty<string>()), "point the subscription at the relay", reporter, token).ConfigureAwait(false);
                }

                var lsn = (await lsnTask.ConfigureAwait(false)).Trim(Rs, '\n', '\r', ' ');
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (true)
                {
                    ThrowIfLost();
                    var slot = await SlotStateAsync(s, request.Database, name, lsn, token).ConfigureAwait(false);
                    if (slot == "caught-up")
                    {
                        break;
                    }

                    if (slot == "missing")
                    {
                        throw new ReleaseOpsException(ErrorIds.ReplicationSlotMissing, FailureCategory.InvalidResult, $"{source.Name}: the replication slot {name} is gone, so the new database cannot catch up.",
                            $"Undo the migration (Undo-Migration {info.Id}) and start a new one.", source.Name);
                    }

                    if (watch.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new ReleaseOpsException(ErrorIds.ReplicationStalled, FailureCategory.InvalidResult, $"{target.Name}: the subscription {name} did not catch up with {lsn} in 10 minutes ({slot}).",
                            "Read the new node's PostgreSQL log, fix the cause, then resume the migration.", target.Name);
                    }

                    reporter.Progress(ProgressActivity, activity, $"Catching up with {lsn}: {slot}", -1);
                    await Task.Delay(50, token).ConfigureAwait(false);
                }

                reporter.Verbose($"{target.Name}: caught up with {source.Name} at {lsn} in {watch.Elapsed.TotalSeconds:N2} s.");
            }

            // Sequences: logical replication does not carry them; each takes the old value, so that new rows do not collide.
            async Task CopySequencesAsync()
            {
                var sequences = await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, request.Database, SequencesQuery, Array.Empty<string>(), tuples: true), "read the sequences", reporter, token).ConfigureAwait(false);
                var setvals = string.Join("\n", sequences.Split(Rs).Select(r => r.Trim('\n', '\r')).Where(r => r.Length > 0));
                if (setvals.Length > 0)
                {
                    await DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, request.TargetName, setvals + "\n", Array.Empty<string>()), "copy the sequences", reporter, token).ConfigureAwait(false);
                }
            }

            // Row counts per table, on both nodes at once (the freeze holds the old one still), while the sequences are copied.
            var copy = CopySequencesAsync();
            var a = DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, request.Database, CountsQuery, Array.Empty<string>(), tuples: true), "count the rows", reporter, token);
            var b = DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, request.TargetName, CountsQuery, Array.Empty<string>(), tuples: true), "count the rows", reporter, token);
            await Task.WhenAll(a, b, copy).ConfigureAwait(false);
            var sourceTables = DatabaseSync.ParseTables(await a.ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
            var targetTables = DatabaseSync.ParseTables(await b.ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
            var large = sourceTables.Where(x => x.Value.Rows < 0).Select(x => x.Key).Concat(targetTables.Where(x => x.Value.Rows < 0).Select(x => x.Key)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var table in large.Where(x => sourceTables.ContainsKey(x) && targetTables.ContainsKey(x)))
            {
                sourceTables[table] = (-1, "-");
                targetTables[table] = (-1, "-");
            }

            if (large.Count > 0)
            {
                reporter.Verbose($"Not counted at the freeze (over {CountLimitBytes / 1048576} MB; caught up by WAL position): {string.Join(", ", large)}.");
            }

            var tables = DatabaseSync.Compare(sourceTables, targetTables);
            var result = new DatabaseSyncResult { Source = source.Name, Target = target.Name, Database = request.Database, TargetDatabase = request.TargetName, TableDetails = tables, Tables = tables.Count, Rows = tables.Sum(x => Math.Max(0, x.TargetRows ?? 0)) };
            var bad = tables.Where(x => !x.Matches).ToList();
            result.Verified = bad.Count == 0;
            if (bad.Count > 0)
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseVerificationFailed, FailureCategory.InvalidResult,
                    $"{source.Name}/{request.Database} and {target.Name}/{request.TargetName} differ in {bad.Count} table(s) after the catch-up: "
                    + string.Join(", ", bad.Select(x => $"{x.Table} (rows {x.SourceRows?.ToString(CultureInfo.InvariantCulture) ?? "missing"} vs {x.TargetRows?.ToString(CultureInfo.InvariantCulture) ?? "missing"})")) + ".",
                    "Make sure nothing writes to the old database (the write freeze), then resume the migration.", result);
            }

            await CleanupAsync(s, t, request.Database, request.TargetName, info, token, state.Oid.Length > 0 ? (state.Oid, state.Database) : null).ConfigureAwait(false);
            result.Status = DatabaseSyncStatus.Synced;
            reporter.CompleteProgress(ProgressActivity, activity);
            return result;
        }

        /// <summary>
        /// Drops what the replication made, on both nodes, whether it finished or not: the subscription (without
        /// contacting the old node), then on the old node the slots, the publication and the role. Idempotent.
        /// </summary>
        public async Task CleanupAsync(PostgresAccess s, PostgresAccess? t, string database, string targetDatabase, MigrationInfo info, CancellationToken token,
            (string Oid, string Database)? known = null)
        {
            var name = NameOf(info.Id);
            var sync = string.Empty;
            Task dropSubscription = Task.CompletedTask;
            if (t is not null)
            {
                var state = known;
                if (state is null)
                {
                    var read = await StateAsync(t, targetDatabase, name, token).ConfigureAwait(false);
                    state = read.Oid.Length > 0 ? (read.Oid, read.Database) : null;
                }

                if (state is { } sub)
                {
                    // Without contacting the old node, so it can run while the old node drops the slots.
                    sync = "pg_" + sub.Oid + "_sync_";
                    dropSubscription = DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, sub.Database, DropSubscriptionScript, DatabaseSync.Vars(("name", name))), "drop the subscription", reporter, token);
                }
            }

            // The relay closes first: the subscription's worker cannot come back to the slot while it is dropped.
            CloseRelay();
            var limit = info.ReplicationWalLimitMB?.ToString(CultureInfo.InvariantCulture);
            var dropSlots = DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, DropSlotsScript + DropPublicationScript + DropRoleScript + (limit is null ? string.Empty : ResetWalLimitScript),
                    DatabaseSync.Vars(("name", name), ("sync", sync)).Concat(limit is null ? Array.Empty<string>() : DatabaseSync.Vars(("limit", limit)))),
                "drop the replication slot, the publication and its role", reporter, token);
            await Task.WhenAll(dropSubscription, dropSlots).ConfigureAwait(false);
            reporter.Verbose($"{source.Name}: the replication slot, publication and role {name} are dropped{(limit is null ? string.Empty : ", and max_slot_wal_keep_size is reset")}.");
            info.ReplicationSlot = null;
            info.ReplicationWalLimitMB = null;
            MigrationJournal.Save(info);
        }

        /// <summary>
        /// On the old node only (an undo, when the new node may be gone): the slots of the migration, its publication
        /// and role. The table-copy slots are matched by the migration's name through their subscription's oid when the
        /// new node can be asked; here, every inactive pg_*_sync_* slot of the database is left, and said.
        /// </summary>
        public static async Task CleanupSourceAsync(NodeSession source, PostgresAccess access, string database, MigrationInfo info, IOperationReporter reporter, CancellationToken token)
        {
            var s = await access.ResolveContainerAsync(source, reporter, token).ConfigureAwait(false);
            var name = NameOf(info.Id);
            await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, DropSlotsScript, DatabaseSync.Vars(("name", name), ("sync", string.Empty))), "drop the replication slot", reporter, token).ConfigureAwait(false);
            var limit = info.ReplicationWalLimitMB?.ToString(CultureInfo.InvariantCulture);
            await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, DropPublicationScript + DropRoleScript + (limit is null ? string.Empty : ResetWalLimitScript),
                DatabaseSync.Vars(("name", name)).Concat(limit is null ? Array.Empty<string>() : DatabaseSync.Vars(("limit", limit)))), "drop the publication and its role", reporter, token).ConfigureAwait(false);
            info.ReplicationSlot = null;
            info.ReplicationWalLimitMB = null;
            MigrationJournal.Save(info);
        }

        /// <summary>
        /// Bounds the WAL that a replication slot of the old database may hold, when it is unlimited (the default):
        /// max_slot_wal_keep_size at half the free space of the WAL's file system (at least 64 MB), set with ALTER
        /// SYSTEM and a reload (no restart). A migration that is never finished nor undone then cannot fill the old
        /// node's disk: PostgreSQL invalidates the forgotten slot first. The bound is recorded on the migration before
        /// it is set, and reset with the slot (only if it is still the migration's).
        /// </summary>
        private async Task LimitSlotWalAsync(PostgresAccess s, string database, MigrationInfo info, CancellationToken token)
        {
            if (info.ReplicationWalLimitMB is not null)
            {
                return;
            }

            var f = (await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, WalLimitQuery, Array.Empty<string>(), tuples: true), "read max_slot_wal_keep_size", reporter, token).ConfigureAwait(false))
                .Trim(Rs, '\n', '\r', ' ').Split(Us);
            if (f.Length != 2 || f[0] != "-1")
            {
                reporter.Verbose($"{source.Name}: max_slot_wal_keep_size is {(f.Length == 2 ? f[0] + " MB" : "unknown")}; left as it is.");
                return;
            }

            var df = await DatabaseSync.RunAsync(source, s, s.Tool("df", new[] { "-Pk", f[1].TrimEnd('/') + "/pg_wal" }, connects: false), "measure the free space of the old database's WAL", reporter, token).ConfigureAwait(false);
            var columns = df.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Last().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 4 || !long.TryParse(columns[3], NumberStyles.None, CultureInfo.InvariantCulture, out var availableKb))
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseCommandFailed, FailureCategory.InvalidResult, $"{source.Name}: unexpected answer of df: '{df.Trim()}'.",
                    "Run the command again with -Verbose -Debug.", source.Name);
            }

            var limit = Math.Max(64, availableKb / 1024 / 2);
            info.ReplicationWalLimitMB = limit;
            MigrationJournal.Save(info);
            await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, SetWalLimitScript, DatabaseSync.Vars(("limit", limit.ToString(CultureInfo.InvariantCulture)))),
                "bound the WAL a replication slot may hold", reporter, token).ConfigureAwait(false);
            reporter.Verbose($"{source.Name}: max_slot_wal_keep_size = {limit} MB (half the free space of the WAL's file system) while the migration's slot exists.");
        }

        public void Dispose() => CloseRelay();

        /// <summary>The SCRAM-SHA-256 verifier of a password (what pg_authid stores), so that the password itself never reaches the old node.</summary>
        public static string ScramVerifier(string password)
        {
            var salt = new byte[16];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(salt);
            }

            const int iterations = 4096;
            using var pbkdf2 = new Rfc2898DeriveBytes(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256);
            var salted = pbkdf2.GetBytes(32);
            byte[] Hmac(string text)
            {
                using var h = new HMACSHA256(salted);
                return h.ComputeHash(Encoding.UTF8.GetBytes(text));
            }

            using var sha = SHA256.Create();
            var stored = sha.ComputeHash(Hmac("Client Key"));
            var server = Hmac("Server Key");
            return $"SCRAM-SHA-256${iterations.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(stored)}:{Convert.ToBase64String(server)}";
        }

        private static string NewPassword()
        {
            var bytes = new byte[24];
            using var rng = RandomNumberGenerator.Create();
            rng.GetBytes(bytes);
            return string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private static string ConnInfo(uint port, string database, string user, string password) =>
            $"host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)} {PostgresAccess.ConnInfo(database)} user={user} password={password} connect_timeout=10 application_name={user}";

        private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

        private void ThrowIfLost()
        {
            if (tunnel is { IsBroken: true } t)
            {
                throw t.Broken(target);
            }

            if (source.ConnectionLost() is { } a)
            {
                throw a;
            }

            if (target.ConnectionLost() is { } b)
            {
                throw b;
            }
        }

        /// <summary>The new node's port on its 127.0.0.1 to the old database: the tunnel (node to node) when Direct is set, else the relay.</summary>
        private async Task<uint> OpenRelayAsync(ReplicationCheck check, CancellationToken token)
        {
            if (tunnel is not null)
            {
                return tunnel.Port;
            }

            if (Direct is { } direct)
            {
                tunnel = await DirectTunnel.OpenAsync(source, target, direct.Tag, direct.Address, direct.From, check.SourceHost ?? "127.0.0.1", check.SourcePort, reporter, token).ConfigureAwait(false);
                return tunnel.Port;
            }

            return OpenRelay(check);
        }

        /// <summary>
        /// The relay between the databases: a local forward on this machine (127.0.0.1, a free port) through the old
        /// node's connection to its database, and a remote forward on the new node's 127.0.0.1 to that local port.
        /// Returns the new node's port.
        /// </summary>
        private uint OpenRelay(ReplicationCheck check)
        {
            if (remote is not null)
            {
                return remote.BoundPort;
            }

            local = new ForwardedPortLocal("127.0.0.1", 0, check.SourceHost ?? "127.0.0.1", (uint)check.SourcePort);
            source.Client.AddForwardedPort(local);
            local.Start();
            var random = new Random();
            for (var attempt = 0; ; attempt++)
            {
                var port = (uint)random.Next(20000, 60000);
                var forward = new ForwardedPortRemote(IPAddress.Loopback, port, IPAddress.Loopback, local.BoundPort);
                target.Client.AddForwardedPort(forward);
                try
                {
                    forward.Start();
                    remote = forward;
                    reporter.Verbose($"Relay: {target.Name} 127.0.0.1:{port} -> this machine 127.0.0.1:{local.BoundPort} -> {source.Name} {check.SourceHost}:{check.SourcePort}.");
                    return port;
                }
                catch (Exception ex) when (ex is Renci.SshNet.Common.SshException && attempt < 5)
                {
                    target.Client.RemoveForwardedPort(forward);
                    forward.Dispose();
                }
            }
        }

        private void CloseRelay()
        {
            tunnel?.Dispose();
            tunnel = null;
            foreach (var (port, client) in new (ForwardedPort? Port, SshClient Client)[] { (remote, target.Client), (local, source.Client) })
            {
                if (port is null)
                {
                    continue;
                }

                try
                {
                    if (port.IsStarted)
                    {
                        port.Stop();
                    }

                    client.RemoveForwardedPort(port);
                }
                catch (Exception ex) when (ex is Renci.SshNet.Common.SshException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
                {
                    reporter.Debug($"Relay: {ex.Message}");
                }

                port.Dispose();
            }

            local = null;
            remote = null;
        }

        private async Task<string?> ContainerAddressAsync(string containerId, CancellationToken token)
        {
            var r = await NodeCommandRunner.RunAsync(source, new NodeCommandRequest { Command = "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' \"$1\"", Arguments = new[] { containerId }, Sudo = true },
                null, reporter, token).ConfigureAwait(false);
            var address = r.Output.Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return r.Succeeded && address is not null && IPAddress.TryParse(address, out _) ? address : null;
        }

        // pg_subscription is shared by the cluster, but pg_subscription_rel belongs to one database: the state is read in the target database.
        private async Task<(string Oid, long Pending, long Tables, string Database, long Workers)> StateAsync(PostgresAccess t, string database, string name, CancellationToken token)
        {
            string output;
            try
            {
                output = await DatabaseSync.RunAsync(target, t, DatabaseSync.Psql(t, database, SubscriptionStateQuery, DatabaseSync.Vars(("name", name)), tuples: true), "read the subscription's state", reporter, token).ConfigureAwait(false);
            }
            catch (ReleaseOpsException ex) when (ex.ErrorId == ErrorIds.DatabaseNotFound)
            {
                return (string.Empty, 0, 0, string.Empty, 0);
            }

            var f = output.Trim(Rs, '\n', '\r').Split(Us);
            return (f[0], long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture), f[3], long.Parse(f[4], CultureInfo.InvariantCulture));
        }

        private async Task<string> SlotStateAsync(PostgresAccess s, string database, string name, string lsn, CancellationToken token) =>
            (await DatabaseSync.RunAsync(source, s, DatabaseSync.Psql(s, database, SlotQuery, DatabaseSync.Vars(("name", name), ("lsn", lsn)), tuples: true), "read the replication slot", reporter, token).ConfigureAwait(false))
                .Trim(Rs, '\n', '\r', ' ');
    }
}
