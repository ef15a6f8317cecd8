using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Deploy
{
    /// <summary>One deploy (or rollback), as it is sent to every node.</summary>
    public sealed class DeployRequest
    {
        /// <summary>True for -Rollback: return to the previous commit recorded on the node.</summary>
        public bool Rollback { get; set; }

        /// <summary>The branch, tag or commit to deploy (empty for a rollback).</summary>
        public string Ref { get; set; } = string.Empty;

        /// <summary>Deploys even when the commit is already live, and over hand-made changes to tracked files.</summary>
        public bool Force { get; set; }

        /// <summary>Runs the script as root through sudo -n when the login user is not root.</summary>
        public bool Sudo { get; set; }

        public string StackPath { get; set; } = string.Empty;

        public string Remote { get; set; } = "origin";

        public string? RepositoryUrl { get; set; }

        public string? StackUpCommand { get; set; }

        public string StackUpdate { get; set; } = "Build";

        public string? MigrateCommand { get; set; }

        public string? HealthCheckUrl { get; set; }

        public int HealthCheckStatus { get; set; } = 200;

        public string? HealthCheckCommand { get; set; }

        public int HealthCheckTimeout { get; set; } = 60;

        /// <summary>Builds the request from a project's settings.</summary>
        public static DeployRequest FromProject(ReleaseOpsProject project) => new()
        {
            StackPath = string.IsNullOrEmpty(project.StackPath) ? "/srv/" + project.Slug : project.StackPath,
            Remote = project.Remote,
            RepositoryUrl = project.RepositoryUrl,
            StackUpCommand = project.StackUpCommand,
            StackUpdate = project.StackUpdate,
            MigrateCommand = project.MigrateCommand,
            HealthCheckUrl = project.HealthCheckUrl,
            HealthCheckStatus = project.HealthCheckStatus,
            HealthCheckCommand = project.HealthCheckCommand,
            HealthCheckTimeout = project.HealthCheckTimeout,
        };
    }
}
