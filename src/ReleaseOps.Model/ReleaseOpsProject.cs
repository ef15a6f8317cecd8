using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A project's settings, read from releaseops.psd1 in its repository.</summary>
    public sealed class ReleaseOpsProject
    {
        /// <summary>The project slug, a DNS label such as cortico.</summary>
        public string Slug { get; set; } = string.Empty;

        /// <summary>The slug again, under the name that cmdlets' -Project parameters bind from the pipeline.</summary>
        public string Project => Slug;

        /// <summary>The project's display name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The repository's folder.</summary>
        public string RepositoryPath { get; set; } = string.Empty;

        /// <summary>The settings file that was read.</summary>
        public string SettingsPath { get; set; } = string.Empty;

        /// <summary>The integration branch that is staged automatically (develop).</summary>
        public string DevelopBranch { get; set; } = "develop";

        /// <summary>The release branch (master or main).</summary>
        public string ReleaseBranch { get; set; } = "master";

        /// <summary>The git remote to fetch from and push to.</summary>
        public string Remote { get; set; } = "origin";

        /// <summary>The release tag scheme: CalVer or SemVer.</summary>
        public TagScheme TagScheme { get; set; } = TagScheme.CalVer;

        /// <summary>The staging nodes' host names.</summary>
        public IReadOnlyList<string> StagingNodes { get; set; } = new string[0];

        /// <summary>The production nodes' host names.</summary>
        public IReadOnlyList<string> ProductionNodes { get; set; } = new string[0];

        /// <summary>The hosting provider, when one is set.</summary>
        public HostingProvider? Provider { get; set; }

        /// <summary>The provider's region or zone.</summary>
        public string? Region { get; set; }

        /// <summary>The DNS zone that holds the project's records.</summary>
        public string? DnsZone { get; set; }

        /// <summary>The end-to-end test command that gates a release, run against staging.</summary>
        public string? EndToEndTestCommand { get; set; }

        /// <summary>The Jenkins job whose result gates a release, such as cortico/e2e.</summary>
        public string? JenkinsJob { get; set; }

        /// <summary>The Jenkins server's URL.</summary>
        public string? JenkinsUrl { get; set; }

        /// <summary>The folder of the project's checkout on its nodes, where Deploy-ProjectStack works (default /srv/slug).</summary>
        public string StackPath { get; set; } = string.Empty;

        /// <summary>The repository that Deploy-ProjectStack clones into StackPath when a node has no checkout yet.</summary>
        public string? RepositoryUrl { get; set; }

        /// <summary>The command that brings the stack up on a node; the default is docker compose (or docker-compose).</summary>
        public string? StackUpCommand { get; set; }

        /// <summary>Build (docker compose up --build, the default) or Pull (docker compose pull, then up).</summary>
        public string StackUpdate { get; set; } = "Build";

        /// <summary>The migrations command, run in StackPath after the stack is up.</summary>
        public string? MigrateCommand { get; set; }

        /// <summary>The URL that the health check requests on the node.</summary>
        public string? HealthCheckUrl { get; set; }

        /// <summary>The HTTP status that HealthCheckUrl must return (default 200).</summary>
        public int HealthCheckStatus { get; set; } = 200;

        /// <summary>A command, run in StackPath on the node, whose exit code 0 means healthy.</summary>
        public string? HealthCheckCommand { get; set; }

        /// <summary>How long, in seconds, the health check retries before the deploy counts as failed (default 60).</summary>
        public int HealthCheckTimeout { get; set; } = 60;
        /// <summary>Run (the default: Start-Release triggers the job and waits for that build) or LastBuild (the job's last completed build must have passed).</summary>
        public string JenkinsGate { get; set; } = "Run";

        /// <inheritdoc />
        public override string ToString() => Slug;
    }
}
