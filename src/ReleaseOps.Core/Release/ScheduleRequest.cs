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
    /// <summary>What the weekly job runs, and when.</summary>
    public sealed class ScheduleRequest
    {
        public string Name { get; set; } = string.Empty;

        public string RepositoryPath { get; set; } = string.Empty;

        public string ModulePath { get; set; } = string.Empty;

        public string PwshPath { get; set; } = string.Empty;

        public DayOfWeek Day { get; set; } = DayOfWeek.Monday;

        public TimeSpan At { get; set; } = new(9, 0, 0);

        /// <summary>Auto, SystemdTimer, Cron or ScheduledTask.</summary>
        public string Method { get; set; } = "Auto";

        public string LogPath { get; set; } = string.Empty;

        /// <summary>Where the job's script and unit files go.</summary>
        public string StateDirectory { get; set; } = string.Empty;

        /// <summary>Only write the files here; install nothing.</summary>
        public string? OutputDirectory { get; set; }
    }
}
