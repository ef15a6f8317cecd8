using System;
using System.IO;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Register-ReleaseSchedule: installs the weekly Start-Release as a systemd timer, a crontab line or a Scheduled Task.</summary>
    [Cmdlet(VerbsLifecycle.Register, "ReleaseSchedule", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseSchedule))]
    public sealed class RegisterReleaseScheduleCommand : ReleaseOpsCmdlet
    {
        /// <summary>The project's repository. The default is the current folder.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RepositoryPath")]
        public string? Path { get; set; }

        /// <summary>The day of the week. The default is Monday.</summary>
        [Parameter]
        public DayOfWeek DayOfWeek { get; set; } = DayOfWeek.Monday;

        /// <summary>The time of day, such as 09:00 (local time).</summary>
        [Parameter]
        public TimeSpan At { get; set; } = new(9, 0, 0);

        /// <summary>Auto (systemd timer where systemd runs, else cron; a Scheduled Task on Windows), SystemdTimer, Cron or ScheduledTask.</summary>
        [Parameter]
        [ValidateSet("Auto", "SystemdTimer", "Cron", "ScheduledTask")]
        public string Method { get; set; } = "Auto";

        /// <summary>The job's name. The default is releaseops-&lt;slug&gt;.</summary>
        [Parameter]
        public string? Name { get; set; }

        /// <summary>The log file the job appends to.</summary>
        [Parameter]
        public string? LogPath { get; set; }

        /// <summary>Writes the job's files here and installs nothing, for review or configuration management.</summary>
        [Parameter]
        public string? OutputDirectory { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var project = ProjectLoader.Load(path).Project;
                var name = Name ?? "releaseops-" + project.Slug;
                CheckName(name);

                var state = ScheduleLocations.StateDirectory();
                var request = new ScheduleRequest
                {
                    Name = name,
                    RepositoryPath = Directory.Exists(System.IO.Path.Combine(path, ".git")) ? path : (LibRoot(path) ?? path),
                    ModulePath = ScheduleLocations.ModuleManifest(MyInvocation.MyCommand.Module?.ModuleBase),
                    PwshPath = ScheduleLocations.Pwsh(SessionState.PSVariable.GetValue("PSHOME") as string ?? string.Empty),
                    Day = DayOfWeek,
                    At = At,
                    Method = Method,
                    LogPath = LogPath is null ? ScheduleLocations.LogPath(name) : GetUnresolvedProviderPathFromPSPath(LogPath),
                    StateDirectory = state,
                    OutputDirectory = OutputDirectory is null ? null : GetUnresolvedProviderPathFromPSPath(OutputDirectory),
                };
                var where = request.OutputDirectory is null ? "Install" : "Write the files of";
                if (ShouldProcess(name, $"{where} the weekly release of {request.RepositoryPath}, every {DayOfWeek} at {At:hh\\:mm}, logging to {request.LogPath}"))
                {
                    WriteObject(ReleaseScheduler.Register(request));
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, path);
            }
        }

        private static string? LibRoot(string path)
        {
            for (var d = new DirectoryInfo(path); d is not null; d = d.Parent)
            {
                if (Directory.Exists(System.IO.Path.Combine(d.FullName, ".git")))
                {
                    return d.FullName;
                }
            }

            return null;
        }

        /// <summary>The one rule for a job's name, for Register- and Unregister-ReleaseSchedule (InvalidScheduleName).</summary>
        internal static void CheckName(string name)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9._-]{0,99}$"))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidScheduleName, FailureCategory.InvalidArgument, $"'{name}' is not a valid job name.", "Use lower-case letters, digits and hyphens, 100 characters at most.", name);
            }
        }
    }
}
