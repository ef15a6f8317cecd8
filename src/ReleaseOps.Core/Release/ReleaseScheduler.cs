using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;

namespace ReleaseOps.Core.Release
{
    /// <summary>
    /// Installs the weekly release as the operating system expects: a systemd timer on Linux (a crontab line where
    /// systemd does not run), a Scheduled Task on Windows. The job runs a script (so no quoting passes through
    /// systemd, cron or Task Scheduler) with a non-interactive pwsh, appending to a log file.
    /// </summary>
    public static class ReleaseScheduler
    {
        public static ReleaseSchedule Register(ScheduleRequest r)
        {
            var method = r.Method == "Auto" ? DetectMethod() : r.Method;
            var dir = r.OutputDirectory ?? r.StateDirectory;

            // The job runs as the admin (or root) every week: its script and units are created 0600 by a rename in a
            // folder that no other local user can write (LocalPathUnsafe otherwise), never written through a link.
            var script = Path.Combine(dir, r.Name + ".ps1");
            LocalFiles.WriteAtomically(script, JobScript(r));
            var command = $"{r.PwshPath} -NoProfile -NonInteractive -File {script}";
            var result = new ReleaseSchedule { Name = r.Name, Method = method, LogPath = r.LogPath, Command = command };
            var files = new List<string> { script };
            var days = new[] { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
            var time = r.At.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            switch (method)
            {
                case "SystemdTimer":
                {
                    var unitDir = r.OutputDirectory ?? SystemdDirectory();
                    var service = Path.Combine(unitDir, r.Name + ".service");
                    var timer = Path.Combine(unitDir, r.Name + ".timer");
                    LocalFiles.WriteAtomically(service, string.Join("\n", new[]
                    {
                        "[Unit]", $"Description=ReleaseOps weekly release of {r.RepositoryPath}", string.Empty,
                        "[Service]", "Type=oneshot", $"WorkingDirectory={SystemdEscape(r.RepositoryPath)}", $"ExecStart={SystemdEscape(r.PwshPath)} -NoProfile -NonInteractive -File {SystemdEscape(script)}", string.Empty,
                    }));
                    var calendar = $"{days[(int)r.Day]} *-*-* {time}:00";
                    LocalFiles.WriteAtomically(timer, string.Join("\n", new[]
                    {
                        "[Unit]", $"Description=Weekly ReleaseOps release ({r.Name})", string.Empty,
                        "[Timer]", $"OnCalendar={calendar}", "Persistent=true", string.Empty, "[Install]", "WantedBy=timers.target", string.Empty,
                    }));
                    files.Add(service);
                    files.Add(timer);
                    result.Schedule = $"every {r.Day} at {time} (OnCalendar={calendar})";
                    if (r.OutputDirectory is null)
                    {
                        Run("systemctl", UserScope() ? new[] { "--user", "daemon-reload" } : new[] { "daemon-reload" });
                        Run("systemctl", (UserScope() ? new[] { "--user" } : Array.Empty<string>()).Concat(new[] { "enable", "--now", r.Name + ".timer" }).ToArray());
                        result.Installed = true;
                    }

                    break;
                }

                case "Cron":
                {
                    var line = $"{r.At.Minutes} {r.At.Hours} * * {(int)r.Day} {ShellQuote.Quote(r.PwshPath)} -NoProfile -NonInteractive -File {ShellQuote.Quote(script)} # releaseops:{r.Name}";
                    result.Schedule = $"every {r.Day} at {time} (cron: {line.Substring(0, line.IndexOf(" " + ShellQuote.Quote(r.PwshPath), StringComparison.Ordinal))})";
                    if (r.OutputDirectory is null)
                    {
                        var table = CrontabWithout(r.Name);
                        table.Add(line);
                        Run("crontab", new[] { "-" }, string.Join("\n", table) + "\n");
                        result.Installed = true;
                    }
                    else
                    {
                        var cronFile = Path.Combine(dir, r.Name + ".cron");
                        LocalFiles.WriteAtomically(cronFile, line + "\n");
                        files.Add(cronFile);
                    }

                    break;
                }

                case "ScheduledTask":
                {
                    var xml = Path.Combine(dir, r.Name + ".xml");
                    LocalFiles.EnsurePrivateDirectory(dir);
                    File.WriteAllText(xml, TaskXml(r, script, days), new UnicodeEncoding(false, true));
                    files.Add(xml);
                    result.Schedule = $"every {r.Day} at {time} (Task Scheduler weekly trigger)";
                    if (r.OutputDirectory is null)
                    {
                        Run("schtasks.exe", new[] { "/Create", "/F", "/TN", "ReleaseOps\\" + r.Name, "/XML", xml });
                        result.Installed = true;
                    }

                    break;
                }

                default:
                    throw new ReleaseOpsException(ErrorIds.InvalidScheduleMethod, FailureCategory.InvalidArgument, $"'{method}' is not a schedule method.", "Use Auto, SystemdTimer, Cron or ScheduledTask.", method);
            }

            result.Files = files.ToArray();
            return result;
        }

        public static bool Unregister(string name, string method, string stateDirectory)
        {
            method = method == "Auto" ? DetectMethod() : method;
            var removed = false;
            switch (method)
            {
                case "SystemdTimer":
                    var unitDir = SystemdDirectory();
                    if (File.Exists(Path.Combine(unitDir, name + ".timer")))
                    {
                        Run("systemctl", (UserScope() ? new[] { "--user" } : Array.Empty<string>()).Concat(new[] { "disable", "--now", name + ".timer" }).ToArray());
                        File.Delete(Path.Combine(unitDir, name + ".timer"));
                        File.Delete(Path.Combine(unitDir, name + ".service"));
                        removed = true;
                    }

                    break;
                case "Cron":
                    var all = Crontab();
                    var kept = CrontabWithout(name);
                    if (kept.Count != all.Count)
                    {
                        Run("crontab", new[] { "-" }, string.Join("\n", kept) + "\n");
                        removed = true;
                    }

                    break;
                case "ScheduledTask":
                    removed = Run("schtasks.exe", new[] { "/Delete", "/F", "/TN", "ReleaseOps\\" + name }, allowFailure: true) == 0;
                    break;
            }

            var script = Path.Combine(stateDirectory, name + ".ps1");
            if (File.Exists(script))
            {
                File.Delete(script);
            }

            return removed;
        }

        public static string DetectMethod()
        {
            if (Environment.OSVersion.Platform == PlatformID.Win32NT)
            {
                return "ScheduledTask";
            }

            return Directory.Exists("/run/systemd/system") && Which("systemctl") ? "SystemdTimer" : "Cron";
        }

        /// <summary>The job's script: import the module, release, and append everything to the log with times.</summary>
        public static string JobScript(ScheduleRequest r)
        {
            string Q(string s) => "'" + s.Replace("'", "''") + "'";
            return string.Join("\n", new[]
            {
                "# Written by Register-ReleaseSchedule: the weekly release, run by the system's scheduler. Nobody is at the keyboard.",
                "$ErrorActionPreference = 'Stop'",
                $"$log = {Q(r.LogPath)}",
                "$null = New-Item -ItemType Directory -Path (Split-Path $log) -Force",
                "\"== $(Get-Date -Format o) Start-Release\" | Add-Content -Path $log",
                "try {",
                $"    Import-Module {Q(r.ModulePath)}",
                $"    Start-Release -Path {Q(r.RepositoryPath)} -Confirm:$false *>&1 | Out-String -Width 200 | Add-Content -Path $log",
                "    \"== $(Get-Date -Format o) done\" | Add-Content -Path $log",
                "}",
                "catch {",
                "    \"== $(Get-Date -Format o) FAILED: $($_.FullyQualifiedErrorId): $($_.Exception.Message)\" | Add-Content -Path $log",
                "    exit 1",
                "}",
                string.Empty,
            });
        }

        private static string TaskXml(ScheduleRequest r, string script, string[] days)
        {
            var dayNames = new[] { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
            var start = new DateTime(2026, 1, 5).Add(r.At).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            string X(string s) => SecurityElement.Escape(s) ?? string.Empty;
            return $@"<?xml version=""1.0"" encoding=""UTF-16""?>
<Task version=""1.2"" xmlns=""http://schemas.microsoft.com/windows/2004/02/mit/task"">
  <RegistrationInfo>
    <Description>ReleaseOps weekly release of {X(r.RepositoryPath)}</Description>
    <URI>\ReleaseOps\{X(r.Name)}</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>{start}</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByWeek>
        <DaysOfWeek><{dayNames[(int)r.Day]} /></DaysOfWeek>
        <WeeksInterval>1</WeeksInterval>
      </ScheduleByWeek>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id=""Author"">
      <LogonType>S4U</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context=""Author"">
    <Exec>
      <Command>{X(r.PwshPath)}</Command>
      <Arguments>-NoProfile -NonInteractive -File ""{X(script)}""</Arguments>
      <WorkingDirectory>{X(r.RepositoryPath)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
";
        }

        private static List<string> Crontab()
        {
            var psi = new ProcessStartInfo("crontab", "-l") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            try
            {
                using var p = Process.Start(psi)!;
                var text = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return p.ExitCode == 0 ? text.Split('\n').Where(l => l.Length > 0).ToList() : new List<string>();
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new ReleaseOpsException(ErrorIds.SchedulerNotInstalled, FailureCategory.NotInstalled, "Neither systemd nor crontab is available.", "Install cron (apt-get install cron), or use -OutputDirectory and install the files yourself.", null, ex);
            }
        }

        private static List<string> CrontabWithout(string name) => Crontab().Where(l => !l.EndsWith("# releaseops:" + name, StringComparison.Ordinal)).ToList();

        private static int Run(string file, string[] args, string? input = null, bool allowFailure = false)
        {
            var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
#if NET
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
#else
            psi.Arguments = string.Join(" ", args.Select(a => "\"" + a + "\""));
#endif
            try
            {
                using var p = Process.Start(psi)!;
                if (input is not null)
                {
                    p.StandardInput.Write(input);
                }

                p.StandardInput.Close();
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0 && !allowFailure)
                {
                    throw new ReleaseOpsException(ErrorIds.ScheduleFailed, FailureCategory.InvalidOperation, $"{file} {string.Join(" ", args)} failed: {err.Trim()}", "Check that you may install jobs for this user, or use -OutputDirectory.", file);
                }

                return p.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new ReleaseOpsException(ErrorIds.SchedulerNotInstalled, FailureCategory.NotInstalled, $"{file} is not available.", "Install the scheduler, or use -OutputDirectory and install the files yourself.", file, ex);
            }
        }

        private static bool UserScope() => Environment.UserName != "root";

        private static string SystemdDirectory() => UserScope()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "systemd", "user")
            : "/etc/systemd/system";

        private static string SystemdEscape(string s) => s.IndexOfAny(new[] { ' ', '"', '\\', '\'' }) < 0 ? s : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static bool Which(string program) => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
    }
}
