using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// The journal of a migration: a JSON file, written atomically (a temporary file, then a rename) before and after
    /// every step, so that it survives a killed process, a crash or a lost connection at any point. A step that is
    /// Done is never run again; a step found Running or Failed is run again, which is why every step is idempotent.
    /// </summary>
    public static class MigrationJournal
    {
        // Enums as their names, so that a journal stays readable, and valid if an enum gains a member.
        private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

        /// <summary>The folder of the journals: RELEASEOPS_MIGRATIONS, else ~/.local/share/releaseops/migrations.</summary>
        public static string Directory =>
            ReleaseOpsConfiguration.Value("MigrationsFolder") is { Length: > 0 } dir
                ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "releaseops", "migrations");

        /// <summary>A new migration with its steps pending.</summary>
        public static MigrationInfo Create(string project, string source, string target, IEnumerable<string> steps, DateTimeOffset now, string? directory = null,
            MigrationSetup? setup = null)
        {
            var id = project + "-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var info = new MigrationInfo
            {
                Id = id,
                Project = project,
                Source = source,
                Target = target,
                Status = MigrationStatus.Running,
                Steps = steps.Select(s => new MigrationStep { Name = s }).ToList(),
                JournalPath = Path.Combine(directory ?? Directory, id + ".json"),
            };
            if (setup is not null)
            {
                // The plan goes first: a journal without its plan could not be resumed by id.
                WriteAtomically(PlanPath(info), JsonSerializer.Serialize(setup, Json));
            }

            Save(info);
            return info;
        }

        /// <summary>The file beside the journal that holds the migration's nodes and plan, written once when it starts.</summary>
        public static string PlanPath(MigrationInfo info) => Path.ChangeExtension(info.JournalPath, ".plan");

        /// <summary>The nodes and plan that the migration was started with, so that a resume or an undo needs only its id.</summary>
        public static MigrationSetup LoadSetup(MigrationInfo info)
        {
            var path = PlanPath(info);
            if (!File.Exists(path))
            {
                throw new ReleaseOpsException(ErrorIds.MigrationPlanMissing, FailureCategory.ObjectNotFound, $"Migration {info.Id} has no stored plan ({path}).",
                    "Resume it by giving Invoke-Migration the same -Source, -Target, -Project and plan parameters as when it started.", info.Id);
            }

            try
            {
                return JsonSerializer.Deserialize<MigrationSetup>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationJournalUnreadable, FailureCategory.InvalidData, $"The plan of migration {info.Id} ({path}) cannot be read: {ex.Message}",
                    "Restore the file from a backup, or resume by giving Invoke-Migration the same parameters as when it started.", path, ex);
            }
        }

        /// <summary>The migration with this id; MigrationNotFound if there is none.</summary>
        public static MigrationInfo Find(string id, string? directory = null)
        {
            var valid = id.Length > 0 && id.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.') && !id.StartsWith(".", StringComparison.Ordinal);
            var path = Path.Combine(directory ?? Directory, id + ".json");
            if (System.IO.Directory.Exists(directory ?? Directory))
            {
                LocalFiles.CheckOwned(directory ?? Directory, directory: true);
            }

            if (!valid || !File.Exists(path))
            {
                throw new ReleaseOpsException(ErrorIds.MigrationNotFound, FailureCategory.ObjectNotFound, $"There is no migration '{id}' in {directory ?? Directory}.",
                    "List the migrations with Get-Migration; RELEASEOPS_MIGRATIONS must name the folder that the migration was started with.", id);
            }

            return Load(path);
        }

        /// <summary>Reads a journal.</summary>
        public static MigrationInfo Load(string path)
        {
            try
            {
                var info = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Json)
                    ?? throw new JsonException("empty");
                return info.ToInfo(path);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationJournalUnreadable, FailureCategory.InvalidData, $"The migration journal {path} cannot be read: {ex.Message}",
                    "Restore the file from a backup, or look at the nodes by hand; the journal is what makes a resume exact.", path, ex);
            }
        }

        /// <summary>The journals in the folder, newest first, optionally of one project.</summary>
        public static IReadOnlyList<MigrationInfo> List(string? project, string? directory = null)
        {
            var dir = directory ?? Directory;
            if (!System.IO.Directory.Exists(dir))
            {
                return Array.Empty<MigrationInfo>();
            }

            // A journal planted by another user would be resumed with its plan's commands: the folder must be ours.
            LocalFiles.CheckOwned(dir, directory: true);

            return System.IO.Directory.GetFiles(dir, "*.json").Select(Load)
                .Where(m => project is null || m.Project == project)
                .OrderByDescending(m => m.Id, StringComparer.Ordinal).ToList();
        }

        /// <summary>Writes the journal atomically.</summary>
        public static void Save(MigrationInfo info)
        {
            WriteAtomically(info.JournalPath, JsonSerializer.Serialize(Stored.From(info), Json));
        }

        private static void WriteAtomically(string path, string text)
        {
            // The plan holds the stack's commands, which may carry the admin's secrets, and a resume runs what the
            // journal and plan say: both are created with mode 0600 (never 0644 first) in a folder that is ours alone.
            try
            {
                LocalFiles.WriteAtomically(path, text);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new ReleaseOpsException(ErrorIds.MigrationJournalUnwritable, FailureCategory.PermissionDenied, $"The migration journal {path} cannot be written: {ex.Message}",
                    "Check that RELEASEOPS_MIGRATIONS (or ~/.local/share/releaseops/migrations) is a folder you own and can write.", path, ex);
            }
        }

        /// <summary>
        /// Runs the steps that are not Done, in order, recording each before and after it runs. A failure stops the
        /// migration with MigrationStepFailed, which names the step and the command that resumes it.
        /// </summary>
        public static async Task<MigrationInfo> RunAsync(MigrationInfo info, IReadOnlyList<MigrationStepDefinition> steps, Func<DateTimeOffset> clock,
            IOperationReporter reporter, CancellationToken token)
        {
            info.Status = MigrationStatus.Running;
            Save(info);
            for (var i = 0; i < info.Steps.Count; i++)
            {
                var step = info.Steps[i];
                if (step.State == MigrationStepState.Done)
                {
                    continue;
                }

                var definition = steps.FirstOrDefault(s => s.Name == step.Name) ?? throw new ReleaseOpsException(ErrorIds.MigrationStepUnknown, FailureCategory.InvalidData,
                    $"The journal {info.JournalPath} names a step {step.Name} that this version does not know.", "Resume with the version of ReleaseOps that started the migration.", info.JournalPath);
                step.State = MigrationStepState.Running;
                step.Attempts++;
                step.Started = clock();
                step.Error = null;
                Save(info);
                reporter.Progress(ProgressIds.Migration, $"Migration {info.Id}", $"{step.Name} (step {i + 1} of {info.Steps.Count})", 100 * i / info.Steps.Count);
                try
                {
                    step.Detail = await definition.Run(info, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ReleaseOpsException or OperationCanceledException or IOException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException)
                {
                    step.State = MigrationStepState.Failed;
                    step.Error = ex.Message;
                    info.Status = MigrationStatus.Failed;
                    Save(info);
                    if (ex is OperationCanceledException)
                    {
                        throw;
                    }

                    var done = info.Steps.Where(s => s.State == MigrationStepState.Done).Select(s => s.Name).ToList();
                    throw new ReleaseOpsException(ErrorIds.MigrationStepFailed, FailureCategory.InvalidResult,
                        $"Migration {info.Id} stopped at {step.Name} (step {i + 1} of {info.Steps.Count}, on {definition.Node ?? info.Source + " -> " + info.Target}): {ex.Message} "
                        + (done.Count == 0 ? "No step was done." : $"Done: {string.Join(", ", done)}.") + $" Resume with: Resume-Migration {info.Id}",
                        $"Fix the cause, then resume: Invoke-Migration -Resume {info.Id} (or Resume-Migration {info.Id}). Steps that are done are not run again.", info, ex);
                }

                step.State = MigrationStepState.Done;
                step.Finished = clock();
                Save(info);
            }

            info.Status = MigrationStatus.Completed;
            Save(info);
            reporter.CompleteProgress(ProgressIds.Migration, $"Migration {info.Id}");
            return info;
        }

        private sealed class Stored
        {
            public string Id { get; set; } = string.Empty;
            public string Project { get; set; } = string.Empty;
            public string Source { get; set; } = string.Empty;
            public string Target { get; set; } = string.Empty;
            public MigrationStatus Status { get; set; } = MigrationStatus.Running;
            public List<MigrationStep> Steps { get; set; } = new();
            public DateTimeOffset? FreezeStarted { get; set; }
            public DateTimeOffset? ServingAt { get; set; }
            public DateTimeOffset? DeleteAfter { get; set; }
            public DateTimeOffset? OldNodeRemoved { get; set; }
            public string? DatabaseMethod { get; set; }
            public string? DatabaseFallbackReason { get; set; }
            public string[]? TablesWithoutKey { get; set; }
            public string? ReplicationSlot { get; set; }
            public long? ReplicationWalLimitMB { get; set; }

            public static Stored From(MigrationInfo i) => new()
            {
                Id = i.Id, Project = i.Project, Source = i.Source, Target = i.Target, Status = i.Status, Steps = i.Steps.ToList(),
                FreezeStarted = i.FreezeStarted, ServingAt = i.ServingAt, DeleteAfter = i.DeleteAfter, OldNodeRemoved = i.OldNodeRemoved,
                DatabaseMethod = i.DatabaseMethod, DatabaseFallbackReason = i.DatabaseFallbackReason, TablesWithoutKey = i.TablesWithoutKey, ReplicationSlot = i.ReplicationSlot, ReplicationWalLimitMB = i.ReplicationWalLimitMB,
            };

            public MigrationInfo ToInfo(string path) => new()
            {
                Id = Id, Project = Project, Source = Source, Target = Target, Status = Status, Steps = Steps,
                FreezeStarted = FreezeStarted, ServingAt = ServingAt, DeleteAfter = DeleteAfter, OldNodeRemoved = OldNodeRemoved, JournalPath = path,
                DatabaseMethod = DatabaseMethod, DatabaseFallbackReason = DatabaseFallbackReason, TablesWithoutKey = TablesWithoutKey ?? new string[0], ReplicationSlot = ReplicationSlot, ReplicationWalLimitMB = ReplicationWalLimitMB,
            };
        }
    }
}
