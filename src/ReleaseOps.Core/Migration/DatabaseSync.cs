using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// Copies a PostgreSQL database from one node to another: pg_dump -Fc on the source streams into pg_restore on the
    /// target, into a fresh staging database; both databases are compared table by table (row counts and checksums);
    /// only then the staging database takes the target's name, in one transaction. Until that moment the target's
    /// previous database is untouched, so a run that fails anywhere (a source that dies, a cut connection, Ctrl+C,
    /// a failed verification) leaves it as it was, and the same command can simply run again.
    /// </summary>
    public static class DatabaseSync
    {
        public const int ProgressActivity = ProgressIds.DatabaseSync;

        internal const char FieldSeparator = '\x1f';
        internal const char RecordSeparator = '\x1e';

        /// <summary>
        /// Every user table, with its row count and an order-independent checksum: the sums of two 60-bit slices of the
        /// md5 of each row's text. It needs no sort and no memory beyond one row, so it scales to any table; any changed,
        /// missing or duplicated row changes it.
        /// </summary>
        private const string TablesQuery = @"SELECT s.name, (xpath('/row/r/text()', s.x))[1]::text, (xpath('/row/h/text()', s.x))[1]::text
FROM (SELECT format('%I.%I', n.nspname, c.relname) AS name,
             query_to_xml(format('SELECT count(*) AS r, coalesce(sum((''x'' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0)::text || ''-'' || coalesce(sum((''x'' || substr(md5(t::text), 16, 15))::bit(60)::bigint::numeric), 0)::text AS h FROM %I.%I t', n.nspname, c.relname), false, true, '') AS x
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%') s
ORDER BY 1;
";

        private const string InfoQuery = "SELECT pg_encoding_to_char(encoding) || chr(31) || datcollate || chr(31) || datctype FROM pg_database WHERE datname = current_database();\n";

        // Under the target's advisory lock: the staging copies that earlier runs left for this database go (no run can
        // be using them), then this run's own staging database is made.
        private const string PrepareScript = "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', datname) FROM pg_database WHERE left(datname, length(:'prefix')) = :'prefix' \\gexec\n"
            + "CREATE DATABASE :\"new\" TEMPLATE template0 ENCODING :'enc' LC_COLLATE :'coll' LC_CTYPE :'ctype';\n";

        /// <summary>The server's version number (such as 150018): the switch needs 14 or newer.</summary>
        private const string VersionQuery = "SELECT current_setting('server_version_num');\n";

        /// <summary>The lowest server_version_num the switch works on: pg_terminate_backend with a timeout is PostgreSQL 14.</summary>
        public const int MinimumServerVersion = 140000;

        /// <summary>
        /// On the source: a statement per role (other than the built-in ones) that creates it on the target when it is
        /// missing there, with its attributes and password hash, so that the restore keeps every owner and grant.
        /// </summary>
        // The block is one quoted literal (DO %L), not dollar-quoted: a role name that holds "$r$" would end a dollar quote
        // early, and what follows it would reach psql on the target as SQL or as a backslash command.
        private const string RolesQuery = @"SELECT format('DO %L;', format('BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %L) THEN CREATE ROLE %I %s %s %s %s %s%s; END IF; END',
  rolname, rolname, CASE WHEN rolcanlogin THEN 'LOGIN' ELSE 'NOLOGIN' END, CASE WHEN rolinherit THEN 'INHERIT' ELSE 'NOINHERIT' END,
  CASE WHEN rolcreatedb THEN 'CREATEDB' ELSE 'NOCREATEDB' END, CASE WHEN rolcreaterole THEN 'CREATEROLE' ELSE 'NOCREATEROLE' END,
  CASE WHEN rolsuper THEN 'SUPERUSER' ELSE 'NOSUPERUSER' END, CASE WHEN rolpassword IS NULL THEN '' ELSE format(' PASSWORD %L', rolpassword) END))
FROM pg_authid WHERE rolname !~ '^pg_' ORDER BY rolname;
";

        /// <summary>The advisory lock of a sync into one target database (per cluster).</summary>
        private const string LockQuery = "SELECT CASE WHEN pg_try_advisory_lock(hashtext('releaseops-sync:' || :'db')) THEN 'locked' ELSE 'busy' END;\n";

        private const string SwitchScript = @"SELECT set_config('releaseops.db', :'db', false), set_config('releaseops.new', :'new', false), set_config('releaseops.old', :'old', false);
DROP DATABASE IF EXISTS :""old"" WITH (FORCE);
DO $releaseops$
DECLARE
  db text := current_setting('releaseops.db');
  nw text := current_setting('releaseops.new');
  od text := current_setting('releaseops.old');
BEGIN
  PERFORM pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname IN (db, nw) AND pid <> pg_backend_pid();
  IF EXISTS (SELECT 1 FROM pg_database WHERE datname = db) THEN
    EXECUTE format('ALTER DATABASE %I RENAME TO %I', db, od);
  END IF;
  EXECUTE format('ALTER DATABASE %I RENAME TO %I', nw, db);
END
$releaseops$;
DROP DATABASE IF EXISTS :""old"" WITH (FORCE);
";

        /// <summary>Refuses names PostgreSQL cannot hold (empty, over 63 bytes, control characters).</summary>
        public static void Validate(string name, string what)
        {
            if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > 63 || name.Any(char.IsControl))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidDatabaseName, FailureCategory.InvalidArgument,
                    $"The {what} name '{name}' is not a valid PostgreSQL database name (1 to 63 bytes, no control characters).",
                    "Pass the database's exact name.", name);
            }
        }

        /// <summary>The prefix of the staging databases of one target name; each run adds its own suffix.</summary>
        public static string StagingName(string database) => "releaseops_new_" + ShortHash(database);

        /// <summary>The staging database of one run: unique, so that two runs never restore into (or switch to) one copy.</summary>
        public static string StagingName(string database, string run) => StagingName(database) + "_" + run;

        /// <summary>The name the previous database has for the instant of the switch.</summary>
        public static string PreviousName(string database) => "releaseops_old_" + ShortHash(database);

        /// <summary>The commands, per node, in order, as the admin would type them (for -WhatIf).</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Plan(DatabaseSyncRequest request, string source, string target)
        {
            var steps = new List<KeyValuePair<string, string>>();
            var s = request.SourceAccess;
            var t = request.TargetAccess;
            var staging = StagingName(request.TargetName, "<run>");
            if (!request.VerifyOnly)
            {
                steps.Add(new(target, t.Display(Psql(t, "postgres", LockQuery, Vars(("db", request.TargetName)), tuples: true)) + "  (held until the end: a second run into this database stops with DatabaseSyncLocked)"));
                steps.Add(new(target, t.Display(Psql(t, "postgres", PrepareScript, Vars(("prefix", StagingName(request.TargetName)), ("new", staging), ("enc", "<source encoding>"), ("coll", "<source collation>"), ("ctype", "<source ctype>"))))
                    + "  <<< DROP DATABASE " + StagingName(request.TargetName) + "* (copies that earlier runs left); CREATE DATABASE " + staging + " TEMPLATE template0 ..."));
                steps.Add(new(source, s.Display(Psql(s, "postgres", RolesQuery, Array.Empty<string>(), tuples: true)) + "  | (roles missing on the target are created there, so owners and grants are kept) |"));
                steps.Add(new(source, s.Display(Dump(s, request.Database, request.CompressionLevel)) + "  | (streamed through this machine) |"));
                steps.Add(new(target, t.Display(Restore(t, staging))));
            }

            if (!request.NoVerify || request.VerifyOnly)
            {
                steps.Add(new(source, s.Display(Psql(s, request.Database, "<row counts and checksums of every table>", Array.Empty<string>(), tuples: true))));
                steps.Add(new(target, t.Display(Psql(t, request.VerifyOnly ? request.TargetName : staging, "<row counts and checksums of every table>", Array.Empty<string>(), tuples: true))));
            }

            if (!request.VerifyOnly)
            {
                steps.Add(new(target, t.Display(Psql(t, "postgres", SwitchScript, Vars(("db", request.TargetName), ("new", staging), ("old", PreviousName(request.TargetName)))))
                    + "  <<< ALTER DATABASE " + ShellQuote.Quote(request.TargetName) + " RENAME TO " + PreviousName(request.TargetName) + "; ALTER DATABASE " + staging
                    + " RENAME TO " + ShellQuote.Quote(request.TargetName) + " (one transaction); DROP DATABASE " + PreviousName(request.TargetName)));
            }

            return steps;
        }

        public static async Task<DatabaseSyncResult> SyncAsync(NodeSession source, NodeSession target, DatabaseSyncRequest request, IOperationReporter reporter, CancellationToken token)
        {
            Validate(request.Database, "source database");
            Validate(request.TargetName, "target database");
            request.SourceAccess.Validate();
            request.TargetAccess.Validate();
            var watch = Stopwatch.StartNew();
            var activity = $"Sync-NodeDatabase {request.Database}: {source.Name} -> {target.Name}";
            var resolveSource = request.SourceAccess.ResolveContainerAsync(source, reporter, token);
            var resolveTarget = request.TargetAccess.ResolveContainerAsync(target, reporter, token);
            await Task.WhenAll(resolveSource, resolveTarget).ConfigureAwait(false);
            var s = await resolveSource.ConfigureAwait(false);
            var t = await resolveTarget.ConfigureAwait(false);
            var result = new DatabaseSyncResult { Source = source.Name, Target = target.Name, Database = request.Database, TargetDatabase = request.TargetName };
            if (request.VerifyOnly)
            {
                reporter.Progress(ProgressActivity, activity, "Comparing tables", -1);
                await VerifyAsync(source, s, request.Database, target, t, request.TargetName, result, reporter, token).ConfigureAwait(false);
                result.Status = DatabaseSyncStatus.Verified;
                result.Duration = watch.Elapsed;
                reporter.CompleteProgress(ProgressActivity, activity);
                return result;
            }

            reporter.Progress(ProgressActivity, activity, "Reading the source database", -1);
            var versionTask = RunAsync(target, t, Psql(t, "postgres", VersionQuery, Array.Empty<string>(), tuples: true), "read the target's PostgreSQL version", reporter, token);
            var info = await RunAsync(source, s, Psql(s, request.Database, InfoQuery, Array.Empty<string>(), tuples: true), "read the source database", reporter, token).ConfigureAwait(false);
            var parts = info.Trim().Split(FieldSeparator);
            if (parts.Length != 3)
            {
                throw new ReleaseOpsException(ErrorIds.DatabaseNotFound, FailureCategory.ObjectNotFound, $"{source.Name}: the database '{request.Database}' was not found.",
                    "Check the database's name and how PostgreSQL is reached (-ComposeDirectory, -PgHost, -PgPort).", request.Database);
            }

            var targetVersion = (await versionTask.ConfigureAwait(false)).Trim(RecordSeparator, '\n', '\r', ' ');
            CheckVersion(target.Name, targetVersion);
            var sourceVersion = (await RunAsync(source, s, Psql(s, "postgres", VersionQuery, Array.Empty<string>(), tuples: true), "read the source's PostgreSQL version", reporter, token).ConfigureAwait(false)).Trim(RecordSeparator, '\n', '\r', ' ');
            CheckPair(source.Name, sourceVersion, target.Name, targetVersion);

            // One run at a time into one target database: an advisory lock, held by a psql session until the end.
            using var held = await LockAsync(target, t, request.TargetName, reporter, token).ConfigureAwait(false);
            var staging = StagingName(request.TargetName, Guid.NewGuid().ToString("N").Substring(0, 8));
            reporter.Progress(ProgressActivity, activity, $"Creating the staging database {staging} on {target.Name}", -1);
            await RunAsync(target, t, Psql(t, "postgres", PrepareScript, Vars(("prefix", StagingName(request.TargetName)), ("new", staging), ("enc", parts[0]), ("coll", parts[1]), ("ctype", parts[2]))), "create the staging database", reporter, token).ConfigureAwait(false);

            // The roles that own objects or hold grants must exist on the target before the restore keeps them.
            var roles = await RunAsync(source, s, Psql(s, "postgres", RolesQuery, Array.Empty<string>(), tuples: true), "read the source's roles", reporter, token).ConfigureAwait(false);
            var statements = string.Join("\n", roles.Split(RecordSeparator).Select(r => r.Trim('\n', '\r')).Where(r => r.Length > 0)) + "\n";
            await RunAsync(target, t, Psql(t, "postgres", statements, Array.Empty<string>()), "create the roles the database needs", reporter, token).ConfigureAwait(false);

            reporter.Verbose($"{source.Name}: {s.Display(Dump(s, request.Database, request.CompressionLevel))} | {target.Name}: {t.Display(Restore(t, staging))}");
            var streamWatch = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            var stream = await NodeStream.RelayAsync(source, Dump(s, request.Database, request.CompressionLevel, request.SchemaOnly), target, Restore(t, staging), bytes =>
            {
                var now = streamWatch.Elapsed;
                if (now - lastReport >= TimeSpan.FromMilliseconds(250))
                {
                    lastReport = now;
                    reporter.Progress(ProgressActivity, activity, $"Streaming pg_dump into pg_restore: {Megabytes(bytes)} ({Megabytes(bytes / Math.Max(now.TotalSeconds, 0.001))}/s)", -1);
                }
            }, reporter, token).ConfigureAwait(false);
            result.Bytes = stream.Bytes;
            if (!stream.Succeeded)
            {
                var sourceFailed = stream.SourceFailed;
                throw new ReleaseOpsException(sourceFailed ? ErrorIds.DatabaseDumpFailed : ErrorIds.DatabaseRestoreFailed, FailureCategory.InvalidResult,
                    $"{(sourceFailed ? source.Name + ": pg_dump" : target.Name + ": pg_restore")} failed after {stream.Bytes} bytes "
                    + $"(source exit {Exit(stream.SourceExit)}, target exit {Exit(stream.TargetExit)}): {NodeStream.Brief(sourceFailed ? stream.SourceError : stream.TargetError)}"
                    + $" The database '{request.TargetName}' on {target.Name} is unchanged.",
                    "Fix the cause and run the same command again; it starts over with a fresh staging database.", request.Database);
            }

            reporter.Verbose($"Streamed {stream.Bytes} bytes in {streamWatch.Elapsed.TotalSeconds:N1} s.");
            if (!request.NoVerify && !request.SchemaOnly)
            {
                reporter.Progress(ProgressActivity, activity, "Comparing tables", -1);
                await VerifyAsync(source, s, request.Database, target, t, staging, result, reporter, token).ConfigureAwait(false);
            }

            reporter.Progress(ProgressActivity, activity, $"Switching {request.TargetName} to the new copy", -1);
            await RunAsync(target, t, Psql(t, "postgres", SwitchScript, Vars(("db", request.TargetName), ("new", staging), ("old", PreviousName(request.TargetName)))), "switch to the new copy", reporter, token).ConfigureAwait(false);
            result.Status = DatabaseSyncStatus.Synced;
            result.Duration = watch.Elapsed;
            reporter.CompleteProgress(ProgressActivity, activity);
            return result;
        }

        /// <summary>Compares two sets of tables; returns one verification per table in either.</summary>
        public static IReadOnlyList<TableVerification> Compare(IReadOnlyDictionary<string, (long Rows, string Checksum)> source, IReadOnlyDictionary<string, (long Rows, string Checksum)> target) =>
            source.Keys.Union(target.Keys).OrderBy(k => k, StringComparer.Ordinal).Select(k =>
            {
                var inSource = source.TryGetValue(k, out var a);
                var inTarget = target.TryGetValue(k, out var b);
                return new TableVerification
                {
                    Table = k,
                    SourceRows = inSource ? a.Rows : null,
                    TargetRows = inTarget ? b.Rows : null,
                    SourceChecksum = inSource ? a.Checksum : null,
                    TargetChecksum = inTarget ? b.Checksum : null,
                    Matches = inSource && inTarget && a.Rows == b.Rows && a.Checksum == b.Checksum,
                };
            }).ToList();

        /// <summary>Parses the tables query's output (fields split by US, records by RS).</summary>
        public static IReadOnlyDictionary<string, (long Rows, string Checksum)> ParseTables(string output)
        {
            var tables = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
            foreach (var record in output.Split(RecordSeparator))
            {
                var r = record.Trim('\n', '\r');
                if (r.Length == 0)
                {
                    continue;
                }

                var f = r.Split(FieldSeparator);
                if (f.Length != 3 || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rows))
                {
                    throw new ReleaseOpsException(ErrorIds.DatabaseVerificationFailed, FailureCategory.InvalidResult, $"Unexpected verification output: '{r}'.", "Run the command again with -Verbose.", r);
                }

                tables[f[0]] = (rows, f[2]);
            }

            return tables;
        }

        private static async Task VerifyAsync(NodeSession source, PostgresAccess s, string sourceDb, NodeSession target, PostgresAccess t, string targetDb,
            DatabaseSyncResult result, IOperationReporter reporter, CancellationToken token)
        {
            var a = RunAsync(source, s, Psql(s, sourceDb, TablesQuery, Array.Empty<string>(), tuples: true), "count and checksum the tables", reporter, token);
            var b = RunAsync(target, t, Psql(t, targetDb, TablesQuery, Array.Empty<string>(), tuples: true), "count and checksum the tables", reporter, token);
            await Task.WhenAll(a, b).ConfigureAwait(false);
            var tables = Compare(ParseTables(await a.ConfigureAwait(false)), ParseTables(await b.ConfigureAwait(false)));
            result.TableDetails = tables;
            result.Tables = tables.Count;
            result.Rows = tables.Sum(x => x.TargetRows ?? 0);
            var bad = tables.Where(x => !x.Matches).ToList();
            result.Verified = bad.Count == 0;
            if (bad.Count > 0)
            {
                var names = string.Join(", ", bad.Select(x => $"{x.Table} (rows {Show(x.SourceRows)} vs {Show(x.TargetRows)}{(x.SourceRows == x.TargetRows ? ", checksums differ" : string.Empty)})"));
                throw new ReleaseOpsException(ErrorIds.DatabaseVerificationFailed, FailureCategory.InvalidResult,
                    $"{source.Name}/{sourceDb} and {target.Name}/{targetDb} differ in {bad.Count} table(s): {names}."
                    + (targetDb.StartsWith(StagingName(result.TargetDatabase), StringComparison.Ordinal) ? $" '{result.TargetDatabase}' on {target.Name} is unchanged; the restored copy stays as {targetDb} for inspection (the next run drops it)." : string.Empty),
                    "Make sure nothing writes to the source (the write freeze), then run the command again.", result);
            }

            reporter.Verbose($"Verified {tables.Count} tables, {result.Rows} rows: counts and checksums agree.");
        }

        // --no-subscriptions: a subscription of the source (a migration's own, or another replication) must not come
        // to life on the target, where it would connect to the same publisher and fight over its slot.
        private static NodeCommandRequest Dump(PostgresAccess a, string database, int level, bool schemaOnly = false) =>
            a.Tool("pg_dump", new[] { "--format=custom", "--no-subscriptions", "--compress=" + level.ToString(CultureInfo.InvariantCulture) }.Concat(schemaOnly ? new[] { "--schema-only" } : Array.Empty<string>()).Append("--dbname=" + PostgresAccess.ConnInfo(database)));

        private static NodeCommandRequest Restore(PostgresAccess a, string database) =>
            a.Tool("pg_restore", new[] { "--exit-on-error", "--dbname=" + PostgresAccess.ConnInfo(database) });

        internal static NodeCommandRequest Psql(PostgresAccess a, string database, string script, IEnumerable<string> variables, bool tuples = false)
        {
            var args = new List<string> { "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1" };
            if (tuples)
            {
                args.AddRange(new[] { "--tuples-only", "--no-align", "--field-separator=" + FieldSeparator, "--record-separator=" + RecordSeparator });
            }
            else
            {
                args.Add("--output=/dev/null");
            }

            args.AddRange(variables);
            args.Add("--dbname=" + PostgresAccess.ConnInfo(database));
            args.Add("--file=-");
            return a.Tool("psql", args, script);
        }

        internal static string[] Vars(params (string Name, string Value)[] vars) => vars.Select(v => "--set=" + v.Name + "=" + v.Value).ToArray();

        internal static async Task<string> RunAsync(NodeSession session, PostgresAccess access, NodeCommandRequest request, string what, IOperationReporter reporter, CancellationToken token)
        {
            reporter.Debug($"{session.Name}: {access.Display(request)}");
            var r = await NodeCommandRunner.RunAsync(session, request, null, reporter, token).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                var error = NodeStream.Brief(r.Error);
                var missing = error.IndexOf("does not exist", StringComparison.Ordinal) >= 0 && error.IndexOf("database", StringComparison.Ordinal) >= 0;
                throw new ReleaseOpsException(missing ? ErrorIds.DatabaseNotFound : r.FailureId == ErrorIds.SudoFailed ? ErrorIds.SudoFailed : ErrorIds.DatabaseCommandFailed,
                    missing ? FailureCategory.ObjectNotFound : FailureCategory.InvalidResult,
                    $"{session.Name}: could not {what} (exit {Exit(r.ExitCode)}): {error}",
                    missing ? "Check the database's name and how PostgreSQL is reached (-ComposeDirectory, -PgHost, -PgPort)." : "Read the error; run the same command with -Verbose -Debug to see each command.",
                    session.Name);
            }

            return r.Output;
        }

        /// <summary>The server_version_num query, for the replication's checks.</summary>
        internal static string ServerVersionQuery => VersionQuery;

        /// <summary>
        /// PostgresVersionMismatch when the target's major version is older than the source's (a dump of a newer server
        /// may not restore, and a subscriber must be at least as new): checked before any data moves.
        /// </summary>
        public static void CheckPair(string sourceNode, string sourceVersionNum, string targetNode, string targetVersionNum)
        {
            if (int.TryParse(sourceVersionNum, NumberStyles.None, CultureInfo.InvariantCulture, out var sv) && int.TryParse(targetVersionNum, NumberStyles.None, CultureInfo.InvariantCulture, out var tv)
                && tv / 10000 < sv / 10000)
            {
                throw new ReleaseOpsException(ErrorIds.PostgresVersionMismatch, FailureCategory.InvalidOperation,
                    $"{targetNode} runs PostgreSQL {tv / 10000}, older than {sv / 10000} on {sourceNode}: the data cannot move to an older major version. Nothing was copied.",
                    $"Run PostgreSQL {sv / 10000} or newer on {targetNode}, then run the command again.", targetNode);
            }
        }

        internal static void CheckVersion(string node, string versionNum)
        {
            if (!int.TryParse(versionNum, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < MinimumServerVersion)
            {
                throw new ReleaseOpsException(ErrorIds.PostgresTooOld, FailureCategory.NotImplemented,
                    $"{node}: PostgreSQL {versionNum} is older than 14, which the switch to the new copy needs. Nothing was copied.",
                    "Run PostgreSQL 14 or newer on the target (the new node should run the newest), then run the command again.", node);
            }
        }

        /// <summary>
        /// Takes the advisory lock of the target database in a psql session whose commands come from this machine: it
        /// holds the lock until the returned handle closes its input (or the connection drops, or this process dies),
        /// when psql exits and PostgreSQL releases the lock. A lock held by another run is DatabaseSyncLocked.
        /// </summary>
        private static async Task<IDisposable> LockAsync(NodeSession session, PostgresAccess access, string database, IOperationReporter reporter, CancellationToken token)
        {
            var request = access.Tool("psql", new[] { "--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--set=db=" + database, "--dbname=" + PostgresAccess.ConnInfo("postgres"), "--file=-" }, string.Empty);
            var marker = "releaseops-" + Guid.NewGuid().ToString("N");
            var line = NodeCommandRunner.CommandLine(request, session.IsRoot, marker);
            var command = session.Client.CreateCommand(line, new UTF8Encoding(false));
            command.CommandTimeout = Timeout.InfiniteTimeSpan;
            var exec = command.ExecuteAsync(CancellationToken.None);
            var input = command.CreateInputStream();
            var handle = new HeldLock(command, input, exec, () => NodeCommandRunner.KillAsync(session, marker, request.Sudo && !session.IsRoot));
            try
            {
                var bytes = Encoding.UTF8.GetBytes(LockQuery);
                await input.WriteAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
                await input.FlushAsync(token).ConfigureAwait(false);
                var reader = new System.IO.StreamReader(command.OutputStream, new UTF8Encoding(false), false, 256, leaveOpen: true);
                var read = reader.ReadLineAsync();
                if (await Task.WhenAny(read, exec, Task.Delay(TimeSpan.FromSeconds(60), token)).ConfigureAwait(false) != read)
                {
                    token.ThrowIfCancellationRequested();
                    throw new ReleaseOpsException(ErrorIds.DatabaseCommandFailed, FailureCategory.InvalidResult, $"{session.Name}: could not take the sync lock of '{database}'.",
                        "Check that PostgreSQL runs on the target, and run the command again with -Verbose.", session.Name);
                }

                var answer = (await read.ConfigureAwait(false) ?? string.Empty).Trim();
                if (answer != "locked")
                {
                    throw new ReleaseOpsException(ErrorIds.DatabaseSyncLocked, FailureCategory.ResourceUnavailable,
                        $"{session.Name}: another sync into the database '{database}' is running (it holds its advisory lock). Nothing was changed.",
                        "Wait for the other run (another Sync-NodeDatabase or migration) to finish, then run the command again.", database);
                }

                reporter.Debug($"{session.Name}: holding the sync lock of '{database}'.");
                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        private sealed class HeldLock : IDisposable
        {
            private readonly Renci.SshNet.SshCommand command;
            private readonly System.IO.Stream input;
            private readonly Task exec;
            private readonly Func<Task> kill;

            public HeldLock(Renci.SshNet.SshCommand command, System.IO.Stream input, Task exec, Func<Task> kill)
            {
                this.command = command;
                this.input = input;
                this.exec = exec;
                this.kill = kill;
            }

            public void Dispose()
            {
                // End of input: psql exits, and its session's lock goes with it. Should psql not have ended within two
                // seconds (a run that was stopped mid-stream), its process group is killed, so the lock never outlives the run.
                try
                {
                    input.Dispose();
                    if (!exec.Wait(TimeSpan.FromSeconds(2)))
                    {
                        kill().Wait(TimeSpan.FromSeconds(10));
                    }
                }
                catch (Exception ex) when (ex is AggregateException or System.IO.IOException or ObjectDisposedException or InvalidOperationException or Renci.SshNet.Common.SshException)
                {
                    try
                    {
                        kill().Wait(TimeSpan.FromSeconds(10));
                    }
                    catch (Exception again) when (again is AggregateException or InvalidOperationException or ObjectDisposedException)
                    {
                    }
                }

                command.Dispose();
            }
        }

        private static string Exit(int? code) => code?.ToString(CultureInfo.InvariantCulture) ?? "none: the connection was cut or the command killed";

        private static string Show(long? rows) => rows?.ToString(CultureInfo.InvariantCulture) ?? "missing";

        internal static string Megabytes(double bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MB";

        private static string ShortHash(string value)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(value));
            return string.Concat(hash.Take(6).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
