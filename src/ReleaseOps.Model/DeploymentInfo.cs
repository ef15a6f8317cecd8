using System;

namespace ReleaseOps
{
    /// <summary>What Deploy-ProjectStack did on one node.</summary>
    public sealed class DeploymentInfo
    {
        /// <summary>The node as it was named.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The address and port that were connected to, as host:port.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>The stack's folder on the node (the project's checkout).</summary>
        public string StackPath { get; set; } = string.Empty;

        /// <summary>
        /// Deployed, Unchanged (the ref was already live), RolledBack (a step failed and the previous commit is live
        /// again), Failed (a step failed and nothing could be rolled back), or WouldDeploy (-WhatIf).
        /// </summary>
        public DeploymentStatus Status { get; set; }

        /// <summary>The ref that was asked for: a branch, a tag or a commit.</summary>
        public string Ref { get; set; } = string.Empty;

        /// <summary>The commit that the ref resolved to on the node.</summary>
        public string? Commit { get; set; }

        /// <summary>The ref that was live before this deploy.</summary>
        public string? PreviousRef { get; set; }

        /// <summary>The commit that was live before this deploy.</summary>
        public string? PreviousCommit { get; set; }

        /// <summary>The commit that is live on the node now.</summary>
        public string? LiveCommit { get; set; }

        /// <summary>True when a failed step made the node return to the previous commit.</summary>
        public bool RolledBack { get; set; }

        /// <summary>True when this was Deploy-ProjectStack -Rollback.</summary>
        public bool Rollback { get; set; }

        /// <summary>The step that failed (Fetch, Up, Migrate, HealthCheck), when one did.</summary>
        public string? FailedStep { get; set; }

        /// <summary>True when the health check passed; null when it did not run (or the project configures none).</summary>
        public bool? Healthy { get; set; }

        /// <summary>What the health check saw, such as "HTTP 200 from http://127.0.0.1:8000/health".</summary>
        public string? HealthResult { get; set; }

        /// <summary>The command that brought the stack up (docker compose, docker-compose, or the project's StackUpCommand).</summary>
        public string? UpCommand { get; set; }

        /// <summary>How long fetching and resolving the ref took.</summary>
        public TimeSpan FetchDuration { get; set; }

        /// <summary>How long bringing the stack up took.</summary>
        public TimeSpan UpDuration { get; set; }

        /// <summary>How long the migrations took.</summary>
        public TimeSpan MigrateDuration { get; set; }

        /// <summary>How long the health check took, retries included.</summary>
        public TimeSpan HealthCheckDuration { get; set; }

        /// <summary>How long the rollback took, when there was one.</summary>
        public TimeSpan RollbackDuration { get; set; }

        /// <summary>The whole deploy on this node, from the start of the script to its result (the connection not included).</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>When the deploy started.</summary>
        public DateTimeOffset StartTime { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{HostName}: {Ref} {Status}";
    }
}
