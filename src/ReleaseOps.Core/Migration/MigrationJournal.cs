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
    /// <summary>A step of a migration: idempotent, so that running it again after a crash is safe.</summary>
    public sealed class MigrationStepDefinition
    {
        public MigrationStepDefinition(string name, Func<MigrationInfo, CancellationToken, Task<string?>> run)
        {
            Name = name;
            Run = run;
        }

        /// <summary>The step's name.</summary>
        public string Name { get; }

        /// <summary>Runs the step; returns what it did, for the journal.</summary>
        public Func<MigrationInfo, CancellationToken, Task<string?>> Run { get; }
    }

    /// <summary>
    /// The journal of a migration: a JSON file, written atomically (a temporary file, then a rename) before and after
    /// every step, so that it survives a killed process, a crash or a lost connection at any point. A step that is
    /// Done is never run again; a step found Running or Failed is run again, which is why every step is idempotent.
    /// </summary>
    public static class MigrationJournal
    {
        private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

        /// <summary>The folder of the journals: RELEASEOPS_MIGRATIONS, else ~/.local/share/releaseops/migrations.</summary>
        public static string Directory =>
            Environment.GetEnvironmentVariable("RELEASEOPS_MIGRATIONS") is { Length: > 0 } dir
                ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "releaseops", "migrations");

        /// <summary>A new migration with its steps pending.</summary>
        public static MigrationInfo Create(string project, string source, string target, IEnumerable<string> steps, DateTimeOffset now, string? directory = null)
        {
            var id = project + "-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var info = new MigrationInfo
            {
                Id = id,
                Project = project,
                Source = source,
                Target = target,
                Status = "Running",
                Steps = steps.Select(s => new MigrationStep { Name = s }).ToList(),
                JournalPath = Path.Combine(directory ?? Directory, id + ".json"),
            };
            Save(info);
            return info;
        }

        /// <summary>Reads a journal.</summary>
        public static MigrationInfo Load(string path)
        {
            try
            {
                var info = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path))
                    ?? throw new JsonException("empty");
                return info.ToInfo(path);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                throw new ReleaseOpsException("MigrationJournalUnreadable", FailureCategory.InvalidData, $"The migration journal {path} cannot be read: {ex.Message}",
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

            return System.IO.Directory.GetFiles(dir, "*.json").Select(Load)
                .Where(m => project is null || m.Project == project)
                .OrderByDescending(m => m.Id, StringComparer.Ordinal).ToList();
        }

        /// <summary>Writes the journal atomically.</summary>
        public static void Save(MigrationInfo info)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(info.JournalPath)!);
            var temp = info.JournalPath + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(Stored.From(info), Json));
            if (File.Exists(info.JournalPath))
            {
                File.Replace(temp, info.JournalPath, null);
            }
            else
            {
                File.Move(temp, info.JournalPath);
            }
        }

        /// <summary>
        /// Runs the steps that are not Done, in order, recording each before and after it runs. A failure stops the
        /// migration with MigrationStepFailed, which names the step and the command that resumes it.
        /// </summary>
        public static async Task<MigrationInfo> RunAsync(MigrationInfo info, IReadOnlyList<MigrationStepDefinition> steps, Func<DateTimeOffset> clock,
            IOperationReporter reporter, CancellationToken token)
        {
            info.Status = "Running";
            Save(info);
            for (var i = 0; i < info.Steps.Count; i++)
            {
                var step = info.Steps[i];
                if (step.State == "Done")
                {
                    continue;
                }

                var definition = steps.FirstOrDefault(s => s.Name == step.Name) ?? throw new ReleaseOpsException("MigrationStepUnknown", FailureCategory.InvalidData,
                    $"The journal {info.JournalPath} names a step {step.Name} that this version does not know.", "Resume with the version of ReleaseOps that started the migration.", info.JournalPath);
                step.State = "Running";
                step.Attempts++;
                step.Started = clock();
                step.Error = null;
                Save(info);
                reporter.Progress(4700, $"Migration {info.Id}", $"{step.Name} (step {i + 1} of {info.Steps.Count})", 100 * i / info.Steps.Count);
                try
                {
                    step.Detail = await definition.Run(info, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ReleaseOpsException or OperationCanceledException or IOException)
                {
                    step.State = "Failed";
                    step.Error = ex.Message;
                    info.Status = "Failed";
                    Save(info);
                    if (ex is OperationCanceledException)
                    {
                        throw;
                    }

                    throw new ReleaseOpsException("MigrationStepFailed", FailureCategory.InvalidResult,
                        $"Migration {info.Id} stopped at {step.Name} (step {i + 1} of {info.Steps.Count}, {info.Source} to {info.Target}): {ex.Message}",
                        $"Fix the cause, then resume: Invoke-Migration -Resume {info.Id}. Steps that are done are not run again.", info, ex);
                }

                step.State = "Done";
                step.Finished = clock();
                Save(info);
            }

            info.Status = "Completed";
            Save(info);
            reporter.CompleteProgress(4700, $"Migration {info.Id}");
            return info;
        }

        private sealed class Stored
        {
            public string Id { get; set; } = string.Empty;
            public string Project { get; set; } = string.Empty;
            public string Source { get; set; } = string.Empty;
            public string Target { get; set; } = string.Empty;
            public string Status { get; set; } = string.Empty;
            public List<MigrationStep> Steps { get; set; } = new();
            public DateTimeOffset? FreezeStarted { get; set; }
            public DateTimeOffset? ServingAt { get; set; }
            public DateTimeOffset? DeleteAfter { get; set; }

            public static Stored From(MigrationInfo i) => new()
            {
                Id = i.Id, Project = i.Project, Source = i.Source, Target = i.Target, Status = i.Status, Steps = i.Steps.ToList(),
                FreezeStarted = i.FreezeStarted, ServingAt = i.ServingAt, DeleteAfter = i.DeleteAfter,
            };

            public MigrationInfo ToInfo(string path) => new()
            {
                Id = Id, Project = Project, Source = Source, Target = Target, Status = Status, Steps = Steps,
                FreezeStarted = FreezeStarted, ServingAt = ServingAt, DeleteAfter = DeleteAfter, JournalPath = path,
            };
        }
    }
}
