using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The migration's steps, in the process's order, each idempotent so that the journal can run it again after a
    /// crash: prepare the target (copy the stack's files, bring it up), an initial sync while the old node serves,
    /// the write freeze, the final sync with verification, the new stack's start and the DNS switch, the redirect and
    /// the old stack's docker compose down (then the DNS check at the authoritative servers, after the downtime), and
    /// the offline snapshot and the week's mark.
    /// </summary>
    public static class MigrationEngine
    {
        /// <summary>The steps' names, in order.</summary>
        public static readonly IReadOnlyList<string> StepNames = new[] { "PrepareTarget", "InitialSync", "Freeze", "FinalSync", "SwitchDns", "Redirect", "Snapshot" };

        /// <summary>What each step will do, for -WhatIf.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Describe(MigrationPlan plan, string source, string target)
        {
            var steps = new List<KeyValuePair<string, string>>
            {
                new(target, $"PrepareTarget: copy {plan.StackPath} from {source}" + (PrepareCommandOf(plan) is { Length: > 0 } prepare ? $"; cd {plan.StackPath} && {prepare}" : "; start nothing yet")),
                new($"{source} -> {target}", "InitialSync: " + DataText(plan, verify: false)),
                new(source, $"Freeze: cd {plan.StackPath} && {plan.FreezeCommand}"),
                new($"{source} -> {target}", "FinalSync: " + DataText(plan, verify: true)),
                new($"{target}, and {plan.DnsProvider}", $"SwitchDns: cd {plan.StackPath} && {plan.StartCommand} on {target} (the whole stack starts only now); at the same time " + (plan.DnsNames.Count == 0 ? "no DNS names (none given)" : $"{string.Join(", ", plan.DnsNames.Select(n => DnsEngine.FullName(plan.DnsZone ?? string.Empty, n)))} A {plan.TargetAddress}")),
                new(source, $"Redirect: {NodeRedirect.Plan(plan.Redirect, remove: false)} (if a port is still held: cd {plan.StackPath} && {plan.StopCommand} first); then cd {plan.StackPath} && {plan.StopCommand}"
                    + (plan.DnsNames.Count == 0 ? string.Empty : "; then wait until the zone's authoritative servers answer the new address")),
                new(source, plan.SourceNode is { Provider: not HostingProvider.Sandbox and not HostingProvider.Client } ? "Snapshot: a provider snapshot of the old node, and the stack-stopped mark (delete after 7 days)" : "Snapshot: none for this kind of node; the stack-stopped date is recorded in the journal"),
            };
            return steps;
        }

        /// <summary>
        /// What -WhatIf reports of the database before anything runs, read from both nodes without changing them: how the
        /// database would move (logical replication, or dump and restore and why), the tables without a key, wal_level,
        /// and the PostgreSQL versions (a target older than the source is PostgresVersionMismatch, which stops the
        /// migration before any data moves). A target whose database does not run yet (PrepareTarget starts it) is
        /// checked by the migration itself.
        /// </summary>
        public static async Task<IReadOnlyList<string>> PreconditionsAsync(NodeSession source, NodeSession target, MigrationPlan plan, IOperationReporter reporter, CancellationToken token)
        {
            var lines = new List<string>();
            if (plan.Database is not { } db)
            {
                return lines;
            }

            static string Version(string num) => int.TryParse(num, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? $"{v / 10000}.{v % 10000}" : num;
            var replication = new DatabaseReplication(source, target, reporter);
            var s = await db.SourceAccess.ResolveContainerAsync(source, reporter, token).ConfigureAwait(false);
            var check = await replication.CheckSourceAsync(s, db.Database, token).ConfigureAwait(false);
            lines.Add($"{source.Name}: PostgreSQL {Version(check.SourceVersion)}, wal_level {check.WalLevel}, "
                + (check.TablesWithoutKey.Count == 0 ? "every table has a primary key or replica identity" : $"{check.TablesWithoutKey.Count} table(s) without a key: {string.Join(", ", check.TablesWithoutKey)}")
                + (check.SourceHost is null ? ", no TCP listener" : $", TCP on {check.SourceHost}:{check.SourcePort}"));
            try
            {
                var t = await db.TargetAccess.ResolveContainerAsync(target, reporter, token).ConfigureAwait(false);
                var version = await replication.ReadTargetVersionAsync(t, token).ConfigureAwait(false);
                DatabaseSync.CheckPair(source.Name, check.SourceVersion, target.Name, version);
                lines.Add($"{target.Name}: PostgreSQL {Version(version)}, not older than the source's");
            }
            catch (ReleaseOpsException ex) when (ex.ErrorId is ErrorIds.ServiceNotRunning or ErrorIds.DatabaseCommandFailed)
            {
                lines.Add($"{target.Name}: its database does not answer yet ({ex.ErrorId}); PrepareTarget starts it, and the versions are checked then, before any data moves");
            }

            var restart = check.WalLevel != "logical" && plan.AllowDatabaseRestart && check.TablesWithoutKey.Count == 0 && check.SourceHost is not null && s.IsCompose;
            var reasons = check.Reasons.Where(r => !(restart && r.StartsWith("wal_level", StringComparison.Ordinal))).ToList();
            lines.Add(reasons.Count == 0
                ? $"database {db.Database}: logical replication, so the freeze does not grow with its size"
                    + (restart ? " (after wal_level = logical and a restart of the old database, as -AllowDatabaseRestart allows)" : string.Empty)
                : $"database {db.Database}: dump and restore, so the freeze grows with its size, because " + string.Join("; ", reasons));
            return lines;
        }

        /// <summary>The command that PrepareTarget runs: the plan's own, else the compose database service alone, else none.</summary>
        public static string PrepareCommandOf(MigrationPlan plan) =>
            plan.PrepareCommand ?? (plan.Database?.TargetAccess is { IsCompose: true } access
                ? "c='docker compose'; docker compose version >/dev/null 2>&1 || c=docker-compose; $c up -d " + ShellQuote.Quote(access.ComposeService)
                : string.Empty);

        /// <summary>The step definitions, over two open sessions.</summary>
        public static IReadOnlyList<MigrationStepDefinition> Steps(NodeSession source, NodeSession target, MigrationPlan plan, ProviderSettings settings,
            Func<DateTimeOffset> clock, IOperationReporter reporter)
        {
            var pair = source.Name + " -> " + target.Name;
            Task<string> Run(NodeSession session, string command, CancellationToken token) =>
                RunInStackAsync(session, plan.StackPath, command, "Fix the cause on the node, then resume the migration.", reporter, token);

            // The database's replication lives as long as this process's sessions: its relay is on their connections.
            DatabaseReplication? replication = null;
            ReplicationCheck? checkedBefore = null;
            async Task<string> DatabaseStepAsync(MigrationInfo info, DatabaseSyncRequest db, bool verify, CancellationToken token)
            {
                try
                {
                    return await DatabaseStepCoreAsync(info, db, verify, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not ReleaseOpsException and not OperationCanceledException and not OutOfMemoryException)
                {
                    // A cut connection surfaces as SSH.NET's own exceptions (from a command or the relay's forwards): the
                    // journal must see it as the step's failure, so that Resume-Migration goes on from here.
                    throw NodeFailure.Translate(ex, pair, target.Name, "Check both nodes and the network, then resume the migration.", source, target);
                }
            }

            async Task<string> DatabaseStepCoreAsync(MigrationInfo info, DatabaseSyncRequest db, bool verify, CancellationToken token)
            {
                var resolveSource = db.SourceAccess.ResolveContainerAsync(source, reporter, token);
                var resolveTarget = db.TargetAccess.ResolveContainerAsync(target, reporter, token);
                await Task.WhenAll(resolveSource, resolveTarget).ConfigureAwait(false);
                var s = await resolveSource.ConfigureAwait(false);
                var t = await resolveTarget.ConfigureAwait(false);
                replication ??= new DatabaseReplication(source, target, reporter)
                {
                    Direct = plan.DirectDatabase ? (DirectTunnel.TagOf(info.Id), plan.DirectAddress, plan.DirectFrom ?? Array.Empty<string>()) : null,
                };
                if (info.DatabaseMethod != "DumpRestore")
                {
                    // Versions first (PostgresVersionMismatch before any data moves), then the preconditions of replication;
                    // at the freeze, the check of the initial sync in this process is enough (each round trip is downtime).
                    var check = verify && checkedBefore is not null ? checkedBefore : await replication.CheckAsync(s, t, db.Database, token).ConfigureAwait(false);
                    if (!verify && check.Reasons.Count > 0 && check.WalLevel != "logical" && plan.AllowDatabaseRestart && check.TablesWithoutKey.Count == 0 && check.SourceHost is not null && s.IsCompose)
                    {
                        await replication.RestartForLogicalAsync(s, db.Database, token).ConfigureAwait(false);
                        check = await replication.CheckAsync(s, t, db.Database, token).ConfigureAwait(false);
                    }

                    if (info.DatabaseMethod == "Replication" && verify)
                    {
                        var r = await replication.FinishAsync(db, s, t, check, info, token).ConfigureAwait(false);
                        return $"database {db.Database}: caught up by logical replication, sequences copied, {r.Tables} tables and {r.Rows} rows counted alike; replication slot dropped";
                    }

                    if (check.Reasons.Count == 0)
                    {
                        checkedBefore = check;
                        info.DatabaseMethod = "Replication";
                        info.DatabaseFallbackReason = null;
                        info.TablesWithoutKey = Array.Empty<string>();
                        MigrationJournal.Save(info);
                        return await replication.StartAsync(db, s, t, check, info, token).ConfigureAwait(false);
                    }

                    if (info.ReplicationSlot is not null)
                    {
                        await replication.CleanupAsync(s, t, db.Database, db.TargetName, info, token).ConfigureAwait(false);
                    }

                    info.DatabaseMethod = "DumpRestore";
                    info.DatabaseFallbackReason = string.Join("; ", check.Reasons);
                    info.TablesWithoutKey = check.TablesWithoutKey.ToArray();
                    MigrationJournal.Save(info);
                    reporter.Warning($"The database {db.Database} moves by dump and restore, so the write freeze grows with its size: {info.DatabaseFallbackReason}.");
                }

                var request = new DatabaseSyncRequest
                {
                    Database = db.Database, TargetDatabase = db.TargetDatabase, SourceAccess = db.SourceAccess, TargetAccess = db.TargetAccess, NoVerify = !verify, CompressionLevel = db.CompressionLevel,
                };
                var result = await DatabaseSync.SyncAsync(source, target, request, reporter, token).ConfigureAwait(false);
                return $"database {db.Database}: dump and restore, {result.Tables} tables, {result.Rows} rows{(verify ? ", verified" : string.Empty)}";
            }

            async Task<string?> Sync(MigrationInfo info, bool verify, CancellationToken token)
            {
                // The files and the database move at once, over their own channels: at the freeze each second counts.
                async Task<List<string>> FilesAsync()
                {
                    var moved = new List<string>();
                    foreach (var path in new[] { plan.StackPath }.Concat(plan.Files).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal))
                    {
                        var r = await FileSync.SyncAsync(source, target, FileRequest(plan, info, path, verify), reporter, token).ConfigureAwait(false);
                        moved.Add($"{path}: {r.ChangedFiles} changed");
                    }

                    return moved;
                }

                var files = FilesAsync();
                var database = plan.Database is { } db ? DatabaseStepAsync(info, db, verify, token) : Task.FromResult(string.Empty);
                // Both end before the step does; a failure of the files is the one reported when both fail (WhenAll's order).
                await Task.WhenAll(files, database).ConfigureAwait(false);

                var done = await files.ConfigureAwait(false);
                if (plan.Database is not null)
                {
                    done.Add(await database.ConfigureAwait(false));
                }

                return string.Join("; ", done);
            }

            async Task<List<string>> SetDnsAsync(CancellationToken token)
            {
                var changed = new List<string>();
                if (plan.DnsNames.Count == 0 || plan.DnsZone is null)
                {
                    return changed;
                }

                using var dns = DnsEngine.Create(plan.DnsProvider, settings, reporter);
                foreach (var name in plan.DnsNames)
                {
                    foreach (var r in await DnsEngine.SetAsync(dns, plan.DnsZone, name, "A", new[] { plan.TargetAddress }, null, false, reporter, token).ConfigureAwait(false))
                    {
                        changed.Add($"{r.Name} {r.Change}");
                    }
                }

                return changed;
            }

            async Task<List<string>> WaitForDnsAsync(CancellationToken token)
            {
                var names = new List<string>();
                if (plan.DnsNames.Count == 0 || plan.DnsZone is null)
                {
                    return names;
                }

                var servers = await DnsPropagation.ServersAsync(plan.DnsZone, null, token).ConfigureAwait(false);
                foreach (var name in plan.DnsNames)
                {
                    var full = DnsEngine.FullName(plan.DnsZone, name);
                    await ProviderSteps.PollAsync($"Waiting for {full} to answer {plan.TargetAddress}", async _ =>
                    {
                        var answers = await DnsPropagation.CheckAsync(full, "A", new[] { plan.TargetAddress }, servers, token).ConfigureAwait(false);
                        return answers.All(a => a.Matches) ? answers : null;
                    }, plan.DnsTimeout, settings.PollInterval, reporter, token, ErrorIds.DnsNotPropagated, "Check the zone with Get-DnsRecord, then resume the migration.", full).ConfigureAwait(false);
                    names.Add(full);
                }

                return names;
            }

            return new[]
            {
                new MigrationStepDefinition("PrepareTarget", async (info, token) =>
                {
                    await FileSync.SyncAsync(source, target, new FileSyncRequest { Path = plan.StackPath, NoVerify = true }, reporter, token).ConfigureAwait(false);
                    var prepare = PrepareCommandOf(plan);
                    return prepare.Length == 0 ? "stack files copied; nothing started before the cutover" : await Run(target, prepare, token).ConfigureAwait(false);
                }, target.Name),
                new MigrationStepDefinition("InitialSync", (info, token) => Sync(info, verify: false, token), pair),
                new MigrationStepDefinition("Freeze", async (info, token) =>
                {
                    info.FreezeStarted ??= clock();
                    MigrationJournal.Save(info);
                    return await Run(source, plan.FreezeCommand, token).ConfigureAwait(false);
                }, source.Name),
                new MigrationStepDefinition("FinalSync", (info, token) => Sync(info, verify: true, token), pair),
                new MigrationStepDefinition("SwitchDns", async (info, token) =>
                {
                    // The cutover: the data is final, so the whole stack may start on the target now (idempotent: up -d),
                    // while the DNS records change. Their propagation is awaited after the redirect, which already sends
                    // users of the old address to the new node, so the wait is not downtime.
                    var start = Run(target, plan.StartCommand, token);
                    var dns = SetDnsAsync(token);
                    await Task.WhenAll(start, dns).ConfigureAwait(false);
                    var changed = await dns.ConfigureAwait(false);
                    return changed.Count == 0 ? "no DNS names to switch" : string.Join(", ", changed);
                }, plan.DnsProvider + " DNS"),
                new MigrationStepDefinition("Redirect", async (info, token) =>
                {
                    // The freeze stopped the app, so its ports are free: the redirect goes first and the old stack's
                    // docker compose down after it. A freeze that kept a port (a custom FreezeCommand) is met by the
                    // process's order: down, then the redirect.
                    string? down = null;
                    NodeRedirectResult redirect;
                    try
                    {
                        redirect = await NodeRedirect.ApplyAsync(source, plan.Redirect, remove: false, reporter, token).ConfigureAwait(false);
                    }
                    catch (ReleaseOpsException ex) when (ex.ErrorId == ErrorIds.RedirectStartFailed)
                    {
                        reporter.Verbose($"{source.Name}: the redirect could not bind while the old stack runs ({ex.Message}); stopping the stack first.");
                        down = await Run(source, plan.StopCommand, token).ConfigureAwait(false);
                        redirect = await NodeRedirect.ApplyAsync(source, plan.Redirect, remove: false, reporter, token).ConfigureAwait(false);
                    }

                    info.ServingAt ??= clock();
                    info.DeleteAfter ??= clock().AddDays(7);
                    MigrationJournal.Save(info);
                    down ??= await Run(source, plan.StopCommand, token).ConfigureAwait(false);
                    var propagated = await WaitForDnsAsync(token).ConfigureAwait(false);
                    return $"redirect {redirect.Status} to {redirect.Target}; old stack down{(down.Length > 0 ? " (" + down + ")" : string.Empty)}"
                        + (propagated.Count == 0 ? string.Empty : $"; {string.Join(", ", propagated)} answer {plan.TargetAddress} at the authoritative servers");
                }, source.Name),
                new MigrationStepDefinition("Snapshot", async (info, token) =>
                {
                    if (plan.SourceNode is not { Provider: not HostingProvider.Sandbox and not HostingProvider.Client } node)
                    {
                        return "no provider snapshot for this node; delete it after " + info.DeleteAfter?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                    }

                    using var provider = NodeProvisioner.Create(node.Provider, settings, NodeConnector.DefaultKnownHostsPath, reporter);
                    var name = node.Name + "-final-" + info.Id.Substring(info.Id.Length - 15);
                    var existing = (await provider.ListSnapshotsAsync(node, token).ConfigureAwait(false)).FirstOrDefault(s => s.Name == name);
                    var snapshot = existing ?? await provider.SnapshotAsync(node, name, token).ConfigureAwait(false);
                    await provider.TagAsync(node, NodeNaming.StackStoppedPrefix + (info.ServingAt ?? clock()).ToUnixTimeSeconds(), token).ConfigureAwait(false);
                    return $"snapshot {snapshot.Name} ({snapshot.Id}); the node may be deleted after {info.DeleteAfter:yyyy-MM-dd}";
                }, source.Name),
            };
        }

        /// <summary>
        /// Returns the old node to service, undoing the steps that ran, newest first: the redirect is removed, the DNS
        /// names point back at the old address (with a warning that writes made on the new node since it served are
        /// not copied back), and the old stack is started again. Each part is idempotent, so an undo can be repeated.
        /// </summary>
        public static async Task<MigrationInfo> UndoAsync(MigrationInfo info, NodeSession source, MigrationPlan plan, string sourceAddress, ProviderSettings settings,
            IOperationReporter reporter, CancellationToken token)
        {
            bool Touched(string step) => info.Steps.Any(s => s.Name == step && s.State != MigrationStepState.Pending);
            if (plan.DirectFiles)
            {
                // A crash during a direct sync may have left its temporary key on the old node: every line of this
                // migration's tag goes (the key's folder on the new node goes with the next run there, or after a day).
                var removed = await DirectRsync.RemoveTaggedLinesAsync(source, DirectPath.Tag(info.Id), reporter, token).ConfigureAwait(false);
                reporter.Verbose($"{source.Name}: the direct syncs' temporary keys: {removed}.");
                if (plan.DirectDatabase)
                {
                    removed = await DirectRsync.RemoveTaggedLinesAsync(source, DirectTunnel.TagOf(info.Id), reporter, token).ConfigureAwait(false);
                    reporter.Verbose($"{source.Name}: the database tunnel's temporary key: {removed}.");
                }
            }

            if (info.ReplicationSlot is not null && plan.Database is { } db)
            {
                // A forgotten slot keeps the old node's WAL until its disk is full: it goes first.
                await DatabaseReplication.CleanupSourceAsync(source, db.SourceAccess, db.Database, info, reporter, token).ConfigureAwait(false);
                reporter.Verbose($"{source.Name}: the migration's replication slot is dropped.");
            }

            if (Touched("Redirect"))
            {
                await NodeRedirect.ApplyAsync(source, plan.Redirect, remove: true, reporter, token).ConfigureAwait(false);
                reporter.Verbose($"{source.Name}: the redirect is removed.");
            }

            if (Touched("SwitchDns") && plan.DnsZone is not null && plan.DnsNames.Count > 0)
            {
                if (info.ServingAt is { } since)
                {
                    reporter.Warning($"The new node has served since {since:yyyy-MM-dd HH:mm:ss} UTC: writes made there since then are not copied back to {info.Source}. Copy them with Sync-NodeDatabase and Sync-NodeFile (target to source) before the old node takes writes again, if they matter.");
                }

                using var dns = DnsEngine.Create(plan.DnsProvider, settings, reporter);
                foreach (var name in plan.DnsNames)
                {
                    await DnsEngine.SetAsync(dns, plan.DnsZone, name, "A", new[] { sourceAddress }, null, false, reporter, token).ConfigureAwait(false);
                }
            }

            if (Touched("Freeze") || Touched("Redirect"))
            {
                await RunInStackAsync(source, plan.StackPath, plan.StartCommand,
                    "Fix the cause on the old node and run Undo-Migration again; the redirect and DNS are already back.", reporter, token).ConfigureAwait(false);
            }

            info.Status = MigrationStatus.RolledBack;
            MigrationJournal.Save(info);
            return info;
        }

        /// <summary>
        /// The process's last step, a week after the old node stopped serving: deletes the old node (or, for a client's
        /// server, forgets it) once the week is over and no DNS record points at it, and closes the migration. A closed
        /// migration is left as it is, so a daily scheduled task can run this over every migration.
        /// </summary>
        public static async Task<MigrationInfo> CompleteAsync(MigrationInfo info, MigrationSetup setup, ProviderSettings settings, string knownHostsPath, bool force,
            DateTimeOffset now, IOperationReporter reporter, CancellationToken token)
        {
            if (info.Status == MigrationStatus.Closed)
            {
                return info;
            }

            EnsureCompleted(info);
            if (!force && KeptUntil(info, now) is { } due)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationNotDue, FailureCategory.InvalidOperation,
                    $"Migration {info.Id}: the old node {info.Source} is kept until {due:yyyy-MM-dd HH:mm} UTC (a week after its stack stopped).",
                    $"Run Complete-Migration again after {due:yyyy-MM-dd HH:mm} UTC, or pass -Force if the week is not needed.", info.Id);
            }

            if (setup.Plan.SourceNode is not { } node)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationNodeUnknown, FailureCategory.InvalidOperation,
                    $"Migration {info.Id} knows the old node only as {info.Source}, not as a provider's node, so it cannot delete it.",
                    "Delete the old node with its provider's tools (or Get-ProjectNode | Remove-ProjectNode), then it is done.", info.Id);
            }

            // The week is the journal's to judge (the node's tags were read when the migration started); DNS is asked now.
            var blockers = await NodeProvisioner.RemovalBlockersAsync(node, settings, force: true, now, reporter, token).ConfigureAwait(false);
            if (blockers.Count > 0)
            {
                throw blockers[0];
            }

            await NodeProvisioner.RemoveAsync(node, settings, knownHostsPath, reporter, token).ConfigureAwait(false);

            reporter.Verbose($"{node.Name} ({node.Provider} {node.Id}) is {(node.Provider == HostingProvider.Client ? "forgotten (a client's server is never deleted)" : "deleted")}.");
            info.OldNodeRemoved = now;
            info.Status = MigrationStatus.Closed;
            MigrationJournal.Save(info);
            return info;
        }

        /// <summary>The date until which a completed migration keeps its old node, if that is still ahead; else null.</summary>
        public static DateTimeOffset? KeptUntil(MigrationInfo info, DateTimeOffset now) =>
            info.Status == MigrationStatus.Completed && info.DeleteAfter is { } due && now < due ? due : null;

        /// <summary>MigrationNotCompleted unless the new node serves (Completed) or the old node is gone (Closed).</summary>
        public static void EnsureCompleted(MigrationInfo info)
        {
            if (info.Status is not MigrationStatus.Completed and not MigrationStatus.Closed)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationNotCompleted, FailureCategory.InvalidOperation,
                    $"Migration {info.Id} is {info.Status}: the old node is deleted only after the new node serves.",
                    info.Status == MigrationStatus.RolledBack ? "The migration was undone; remove the new node instead if it is not needed." : $"Resume it first: Resume-Migration {info.Id}.", info.Id);
            }
        }

        /// <summary>Runs one of the stack's commands in its folder, as root; a non-zero exit is MigrationCommandFailed.</summary>
        private static async Task<string> RunInStackAsync(NodeSession session, string stackPath, string command, string fix, IOperationReporter reporter, CancellationToken token)
        {
            // The stack's commands run as root in its folder, so the folder must be root's alone (as a deploy's checkout):
            // not a link, not owned by another account, not writable by others (exit 86, UnsafeStackFolder). So must the
            // files directly in it (compose, env and script files): a sync copies owners by number, so a file of the
            // source's deploy user arrives as whoever holds that UID on the target.
            var line = "cd " + ShellQuote.Quote(stackPath) + " && " + command;
            var guard = "d=\"$1\"; if [ -L \"$d\" ] || { [ -d \"$d\" ] && { [ \"$(stat -c %u \"$d\")\" != \"$(id -u)\" ] || case \"$(stat -c %A \"$d\")\" in ????????w?) true;; *) false;; esac; }; }; then "
                + "echo \"releaseops: $d is a link, belongs to $(stat -c %U \"$d\"), or others may write it\" >&2; exit 86; fi; "
                + "f=$(find \"$d/\" -mindepth 1 -maxdepth 1 ! -type d \\( ! -user \"$(id -u)\" -o \\( ! -type l -perm -0002 \\) \\) -print -quit 2>/dev/null); "
                + "if [ -n \"$f\" ]; then echo \"releaseops: $f (in $d) belongs to $(stat -c %U \"$f\"), or others may write it\" >&2; exit 86; fi; cd -P -- \"$d\" && " + command;
            var result = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = guard, Arguments = new[] { stackPath }, Sudo = true, Timeout = TimeSpan.FromMinutes(30) },
                (output, _) => reporter.Verbose($"{session.Name}: {output}"), reporter, token).ConfigureAwait(false);
            if (result.ExitCode == 86)
            {
                throw new ReleaseOpsException(ErrorIds.UnsafeStackFolder, FailureCategory.SecurityError,
                    $"{session.Name}: {result.Error.Trim().Replace("releaseops: ", string.Empty)}; its commands would run another account's files as root. Nothing was run.",
                    $"Give {stackPath} to root (after reading its compose and env files), then resume the migration.", session.Name);
            }

            if (result.ExitCode != 0)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationCommandFailed, FailureCategory.InvalidResult,
                    $"{session.Name}: '{line}' failed (exit {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {result.Error.Trim()}",
                    fix, session.Name);
            }

            return result.Output.Trim();
        }

        /// <summary>A file sync of the migration: node to node when the plan says so, under the migration's tag (so a resume and an undo find a crash's key).</summary>
        internal static FileSyncRequest FileRequest(MigrationPlan plan, MigrationInfo info, string path, bool verify) => new()
        {
            Path = path, NoVerify = !verify, Direct = plan.DirectFiles, DirectAddress = plan.DirectAddress, DirectFrom = plan.DirectFrom ?? Array.Empty<string>(), DirectTag = plan.DirectFiles ? DirectPath.Tag(info.Id) : null,
        };

        private static string DataText(MigrationPlan plan, bool verify)
        {
            var old = plan.DirectAddress ?? "the old node's address as this machine uses it";
            var from = "its addresses" + ((plan.DirectFrom?.Length ?? 0) > 0 ? " and " + string.Join(", ", plan.DirectFrom!) : string.Empty);
            var parts = new List<string> { "files " + string.Join(", ", new[] { plan.StackPath }.Concat(plan.Files).Distinct(StringComparer.Ordinal))
                + (plan.DirectFiles ? $" node to node (the new node's rsync connects to {old} with a temporary key restricted to {from} and to rsync's sender, removed afterwards)" : string.Empty) };
            if (plan.Database is { } db)
            {
                parts.Add("database " + db.Database + (plan.DirectDatabase ? $" (replication node to node: the new node's ssh to {old} forwards its 127.0.0.1 to the old database, with a temporary key allowed only that forward from {from}, removed once it has logged in)" : string.Empty) + (verify
                    ? " (replication: the subscriber catches up, sequences copied, row counts compared, subscription and slot dropped; dump and restore: verified copy)"
                    : " (by PostgreSQL logical replication through an SSH forward over this machine when wal_level is logical" + (plan.AllowDatabaseRestart ? " (set and restarted if not)" : string.Empty)
                      + " and every table has a key; else pg_dump into pg_restore, and the reason is on the migration)"));
            }

            return string.Join(" and ", parts) + (verify ? ", verified (row counts and checksums, sha256)" : ", not verified (the old node is live)");
        }
    }
}
