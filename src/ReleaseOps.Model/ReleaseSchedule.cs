using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>The weekly release job, as installed by Register-ReleaseSchedule.</summary>
    public sealed class ReleaseSchedule
    {
        /// <summary>The job's name, such as releaseops-cortico.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>SystemdTimer, Cron or ScheduledTask.</summary>
        public string Method { get; set; } = string.Empty;

        /// <summary>When it runs, in words and in the method's own syntax.</summary>
        public string Schedule { get; set; } = string.Empty;

        /// <summary>The command that runs: a non-interactive pwsh with the job's script.</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The log file the job appends to.</summary>
        public string LogPath { get; set; } = string.Empty;

        /// <summary>The files written: the job's script, units, task XML.</summary>
        public string[] Files { get; set; } = new string[0];

        /// <summary>Whether it was installed (false when only written with -OutputDirectory).</summary>
        public bool Installed { get; set; }
    }
}
