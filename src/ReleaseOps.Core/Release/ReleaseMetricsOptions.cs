using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>What Get-ReleaseMetrics measures, and over which range.</summary>
    public sealed class ReleaseMetricsOptions
    {
        /// <summary>The start of the range; null for all of the history.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>The end of the range (exclusive).</summary>
        public DateTimeOffset Until { get; set; } = DateTimeOffset.UtcNow;

        /// <summary>Week, Month and/or Overall.</summary>
        public IReadOnlyCollection<string> Periods { get; set; } = new[] { "Overall" };

        /// <summary>Deploy records (Deploy-ProjectStack's output); those whose commit is in the repository count.</summary>
        public IReadOnlyList<DeploymentInfo> Deployments { get; set; } = new DeploymentInfo[0];

        /// <summary>Migrations (Get-Migration's output); those of the project's slug count.</summary>
        public IReadOnlyList<MigrationInfo> Migrations { get; set; } = new MigrationInfo[0];
    }
}
