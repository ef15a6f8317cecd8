using System;
using System.IO;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    internal static class ScheduleLocations
    {
        private static bool Root => Environment.UserName == "root";

        private static bool Windows => Environment.OSVersion.Platform == PlatformID.Win32NT;

        public static string StateDirectory() => Windows
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ReleaseOps")
            : Root ? "/var/lib/releaseops" : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "releaseops");

        public static string LogPath(string name) => Windows || !Root
            ? System.IO.Path.Combine(StateDirectory(), name + ".log")
            : System.IO.Path.Combine("/var/log/releaseops", name + ".log");

        /// <summary>The PowerShell that runs this session, so the job runs on the same version.</summary>
        public static string Pwsh(string home)
        {
            var candidate = System.IO.Path.Combine(home, Windows ? (home.IndexOf("WindowsPowerShell", StringComparison.OrdinalIgnoreCase) >= 0 ? "powershell.exe" : "pwsh.exe") : "pwsh");
            return File.Exists(candidate) ? candidate : (Windows ? "pwsh.exe" : "pwsh");
        }

        public static string ModuleManifest(string? binaryModuleBase)
        {
            if (binaryModuleBase is not null)
            {
                var parent = Directory.GetParent(binaryModuleBase)?.FullName;
                foreach (var dir in new[] { binaryModuleBase, parent })
                {
                    if (dir is not null && File.Exists(System.IO.Path.Combine(dir, "ReleaseOps.psd1")))
                    {
                        return System.IO.Path.Combine(dir, "ReleaseOps.psd1");
                    }
                }
            }

            return "ReleaseOps";
        }
    }
}
