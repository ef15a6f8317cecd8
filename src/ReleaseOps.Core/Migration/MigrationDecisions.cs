using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// What the migration cmdlets decide before anything runs, with no PowerShell in it: which journal a command
    /// means, what a run of it does next, what -WhatIf and the prompt say, and the plan made of the parameters. The
    /// cmdlets only map their parameters, ask, and write what comes back.
    /// </summary>
    public static class MigrationDecisions
    {
        /// <summary>
        /// What running a migration does next: its remaining steps; for a completed one, keep the old node for its week
        /// (or delete it, when -DeleteNow or the week is over); nothing for a closed one. An undone migration cannot be
        /// resumed (MigrationRolledBack).
        /// </summary>
        public static MigrationNextAction Next(MigrationInfo? journal, bool deleteNow, DateTimeOffset now)
        {
            switch (journal?.Status)
            {
                case null:
                case MigrationStatus.Running:
                case MigrationStatus.Failed:
                    return MigrationNextAction.RunSteps;
                case MigrationStatus.RolledBack:
                    throw new ReleaseOpsException(ErrorIds.MigrationRolledBack, FailureCategory.InvalidOperation, $"Migration {journal.Id} was undone; it cannot be resumed.",
                        "Start a new migration with Invoke-Migration and the same parameters.", journal.Id);
                case MigrationStatus.Closed:
                    return MigrationNextAction.NothingLeft;
                default:
                    return !deleteNow && MigrationEngine.KeptUntil(journal, now) is not null ? MigrationNextAction.KeepOldNode : MigrationNextAction.DeleteOldNode;
            }
        }

        /// <summary>The caption of a run's plan, and the steps that are not Done, with the node each runs on.</summary>
        public static (string Title, IReadOnlyList<KeyValuePair<string, string>> Steps) RunPlan(string project, MigrationInfo? journal, MigrationSetup setup)
        {
            var source = setup.Source();
            var target = setup.Target();
            var title = journal is null ? $"Migrate {project} from {source} to {target}" : $"Resume migration {journal.Id} of {project} from {source} to {target}";
            var steps = MigrationEngine.Describe(setup.Plan, source.ToString(), target.ToString())
                .Where((s, i) => journal is null || journal.Steps[i].State != MigrationStepState.Done).ToList();
            return (title, steps);
        }

        /// <summary>The migration with this id (MigrationNotFound), with its stored nodes and plan.</summary>
        public static (MigrationInfo Info, MigrationSetup Setup) Find(string id)
        {
            var info = MigrationJournal.Find(id);
            return (info, MigrationJournal.LoadSetup(info));
        }

        /// <summary>The unfinished (Running or Failed) migration of a project between these nodes, which the same command resumes; else null.</summary>
        public static MigrationInfo? FindUnfinished(string project, NodeTarget source, NodeTarget target) =>
            MigrationJournal.List(project).FirstOrDefault(m => m.Status is MigrationStatus.Running or MigrationStatus.Failed
                && m.Source == source.ToString() && m.Target == target.ToString());

        /// <summary>
        /// The setup a run by the same command uses: the stored one of the unfinished migration when there is one, so
        /// that a step that ran half-way is finished with the same commands and names; else the fresh one.
        /// </summary>
        public static MigrationSetup SetupFor(MigrationInfo? journal, MigrationSetup fresh) =>
            journal is not null && System.IO.File.Exists(MigrationJournal.PlanPath(journal)) ? MigrationJournal.LoadSetup(journal) : fresh;

        /// <summary>The migration of a project between these nodes that Undo-Migration means (MigrationNotFound when there is none).</summary>
        public static MigrationInfo FindUndoable(string project, NodeTarget source, NodeTarget target) =>
            MigrationJournal.List(project).FirstOrDefault(m => m.Status is not MigrationStatus.RolledBack and not MigrationStatus.Closed
                && m.Source == source.ToString() && m.Target == target.ToString())
            ?? throw new ReleaseOpsException(ErrorIds.MigrationNotFound, FailureCategory.ObjectNotFound, $"There is no migration of {project} from {source} to {target} to undo.",
                "List the migrations with Get-Migration; give the same -Source and -Target as Invoke-Migration, or the migration's -Id.", project);

        /// <summary>What Undo-Migration will do, for -WhatIf and the prompt; MigrationNotUndoable for an undone or closed migration.</summary>
        public static string UndoPlan(MigrationInfo journal, MigrationSetup setup)
        {
            if (journal.Status is MigrationStatus.RolledBack or MigrationStatus.Closed)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationNotUndoable, FailureCategory.InvalidOperation,
                    $"Migration {journal.Id} is {journal.Status}: {(journal.Status == MigrationStatus.Closed ? "its old node is deleted" : "it is already undone")}.",
                    "Nothing to undo; start a new migration with Invoke-Migration if the stack should move.", journal.Id);
            }

            var done = string.Join(", ", journal.Steps.Where(s => s.State != MigrationStepState.Pending).Select(s => s.Name));
            return $"Undo migration {journal.Id} (steps run: {(done.Length == 0 ? "none" : done)}): remove the redirect, point the DNS names back at {setup.SourceAddress}, start the old stack";
        }

        /// <summary>The old node's deletion that closes a completed migration: what it is, and what is done to it.</summary>
        public static (string Target, string Action) Deletion(MigrationInfo info, MigrationSetup setup)
        {
            var node = setup.Plan.SourceNode;
            var what = node is null ? info.Source : $"{node.Name} ({node.Provider} {node.Id})";
            var action = node?.Provider == HostingProvider.Client ? "Forget the client's old server (it is not deleted)" : "Delete the old node, its volumes and addresses";
            return (what, $"{action}; close migration {info.Id}");
        }

        /// <summary>
        /// A ProjectNode that lost its type on the way (Export-Clixml and Import-Clixml between Jenkins steps, a remote
        /// job), rebuilt from its properties, so that the migration can still snapshot and later delete the old node;
        /// null when the provider, id or host name is missing.
        /// </summary>
        public static ProjectNode? NodeFromProperties(Func<string, object?> property)
        {
            string? Text(string name) => property(name) is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
            if (!Enum.TryParse<HostingProvider>(Text("Provider"), ignoreCase: true, out var provider) || string.IsNullOrEmpty(Text("Id")) || string.IsNullOrEmpty(Text("HostName")))
            {
                return null;
            }

            var tags = property("Tags") switch
            {
                null => Array.Empty<string>(),
                string one => new[] { one },
                IEnumerable many => many.Cast<object?>().Select(t => Convert.ToString(t, CultureInfo.InvariantCulture) ?? string.Empty).ToArray(),
                var other => new[] { Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty },
            };
            return new ProjectNode
            {
                Provider = provider, Id = Text("Id")!, Name = Text("Name") ?? string.Empty, Project = Text("Project") ?? string.Empty, Role = Text("Role"),
                Region = Text("Region"), Size = Text("Size"), PublicIPv4 = Text("PublicIPv4"), PublicIPv6 = Text("PublicIPv6"), HostName = Text("HostName")!,
                Port = int.TryParse(Text("Port"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 22, User = Text("User") ?? "root", Tags = tags,
            };
        }

        /// <summary>
        /// The plan of Invoke-Migration and Undo-Migration, from what they were given. Paths are checked before any
        /// node is touched (no '.' or '..' segment, no system folder: InvalidSyncPath), and the redirect too.
        /// </summary>
        public static MigrationSetup Plan(MigrationPlanRequest r)
        {
            var stack = FileSync.Normalize(r.StackPath ?? "/srv/" + r.Project, "stack path");
            var plan = new MigrationPlan
            {
                StackPath = stack,
                Files = r.FilePath.Select(f => FileSync.Normalize(f, "file path")).ToArray(),
                DnsZone = r.DnsZone,
                DnsNames = r.DnsName,
                DnsProvider = r.DnsProvider,
                TargetAddress = r.TargetAddress ?? r.TargetPublicAddress ?? r.Target.HostName,
                SourceNode = r.SourceNode,
                DnsTimeout = r.DnsTimeout,
                AllowDatabaseRestart = r.AllowDatabaseRestart,
                DirectFiles = r.DirectFiles || (!r.DirectDatabase && (r.DirectAddress is not null || r.DirectFrom.Count > 0)),
                DirectAddress = r.DirectAddress,
                DirectFrom = r.DirectFrom.Select(DirectPath.ParseFrom).ToArray(),
                DirectDatabase = r.DirectDatabase,
            };
            if (r.DirectAddress is not null)
            {
                // Checked before any node is touched (InvalidHostName).
                _ = DirectPath.ParseAddress(r.DirectAddress, 22);
            }

            plan.StartCommand = r.StartCommand ?? plan.StartCommand;
            plan.FreezeCommand = r.FreezeCommand ?? plan.FreezeCommand;
            plan.StopCommand = r.StopCommand ?? plan.StopCommand;
            plan.Redirect = new RedirectRequest { Target = plan.TargetAddress, Ports = r.RedirectPort, ListenAddress = r.RedirectListenAddress };
            NodeRedirect.Validate(plan.Redirect);
            if (r.Database is not null)
            {
                var access = r.DatabaseOnHost ? new PostgresAccess() : new PostgresAccess { ComposeDirectory = stack };
                plan.Database = new DatabaseSyncRequest { Database = r.Database, SourceAccess = access, TargetAccess = access };
            }

            return MigrationSetup.Of(r.Source, r.Target, r.SourceAddress ?? r.SourcePublicAddress ?? r.Source.HostName, plan);
        }
    }
}
