using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>
    /// The DORA measures of one project over one period (an ISO week, a calendar month, or the whole range), from the
    /// git-flow history on the release branch's first-parent line, and from deploy records and migrations when given.
    /// Each measure carries its DORA band (Elite, High, Medium or Low; empty when there is nothing to measure).
    /// </summary>
    public sealed class ReleaseMetrics
    {
        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The repository that was read.</summary>
        public string RepositoryPath { get; set; } = string.Empty;

        /// <summary>Week, Month, or Overall.</summary>
        public string Period { get; set; } = string.Empty;

        /// <summary>The period's name: 2026-W48 (ISO week), 2026-11, or Overall.</summary>
        public string Label { get; set; } = string.Empty;

        /// <summary>The start of the period (inclusive, UTC).</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>The end of the period (exclusive, UTC).</summary>
        public DateTimeOffset End { get; set; }

        /// <summary>Releases: tagged commits on the release branch's first-parent line that are not hotfixes.</summary>
        public int Releases { get; set; }

        /// <summary>Hotfixes: tagged hotfix merges (Complete-Hotfix's "Hotfix v..." commits) on the first-parent line.</summary>
        public int Hotfixes { get; set; }

        /// <summary>Deploys that were rolled back (from -Deployment records; 0 without them).</summary>
        public int Rollbacks { get; set; }

        /// <summary>Deploys: from -Deployment records when given, else releases and hotfixes (each tag is deployed).</summary>
        public int Deployments { get; set; }

        /// <summary>Deploys per week over the period.</summary>
        public double DeploymentsPerWeek { get; set; }

        /// <summary>The DORA band of the deployment frequency.</summary>
        public string DeploymentFrequencyBand { get; set; } = string.Empty;

        /// <summary>Hotfixes and rollbacks against releases (0.25 is 25%); null without releases.</summary>
        public double? ChangeFailureRate { get; set; }

        /// <summary>The DORA band of the change failure rate.</summary>
        public string ChangeFailureRateBand { get; set; } = string.Empty;

        /// <summary>The changes (non-merge commits) shipped by the period's releases and hotfixes.</summary>
        public int Changes { get; set; }

        /// <summary>The median lead time for changes: from each commit's time to the time of the tag that shipped it.</summary>
        public TimeSpan? LeadTimeMedian { get; set; }

        /// <summary>The 90th percentile of the lead time for changes (nearest rank).</summary>
        public TimeSpan? LeadTimeP90 { get; set; }

        /// <summary>The DORA band of the lead time (of its median).</summary>
        public string LeadTimeBand { get; set; } = string.Empty;

        /// <summary>The median time to restore: from a hotfix's first commit to its tag.</summary>
        public TimeSpan? TimeToRestore { get; set; }

        /// <summary>The DORA band of the time to restore.</summary>
        public string TimeToRestoreBand { get; set; } = string.Empty;

        /// <summary>Policy violations (Test-ReleasePolicy's errors: direct commits and feature merges on the release branch).</summary>
        public int Violations { get; set; }

        /// <summary>Migrations that reached serving in the period (from -Migration).</summary>
        public int Migrations { get; set; }

        /// <summary>The migrations' downtime, added up; null without migrations.</summary>
        public TimeSpan? MigrationDowntime { get; set; }

        /// <summary>The releases and hotfixes of the period, oldest first.</summary>
        public IReadOnlyList<ReleaseDelivery> Deliveries { get; set; } = new ReleaseDelivery[0];

        /// <summary>The policy violations of the period, oldest first.</summary>
        public IReadOnlyList<ReleasePolicyFinding> ViolationFindings { get; set; } = new ReleasePolicyFinding[0];

        /// <summary>The deploy records of the period, oldest first.</summary>
        public IReadOnlyList<DeploymentInfo> DeploymentRecords { get; set; } = new DeploymentInfo[0];

        /// <summary>The migrations of the period, oldest first.</summary>
        public IReadOnlyList<MigrationInfo> MigrationRecords { get; set; } = new MigrationInfo[0];

        /// <inheritdoc />
        public override string ToString() => $"{Project} {Label}";
    }
}
