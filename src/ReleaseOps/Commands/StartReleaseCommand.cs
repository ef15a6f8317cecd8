using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Start-Release: the weekly release, develop merged into master, gated, tagged and pushed.</summary>
    [Cmdlet(VerbsLifecycle.Start, "Release", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseInfo))]
    public sealed class StartReleaseCommand : ReleaseOpsCmdlet
    {
        /// <inheritdoc />
        protected override bool StepsToInformation => true;

        /// <summary>The project's repository (or a folder inside it). The default is the current folder.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RepositoryPath", "FullName")]
        public string? Path { get; set; }

        /// <summary>NoFastForward (default) or FastForward.</summary>
        [Parameter]
        public MergeMode MergeMode { get; set; } = MergeMode.NoFastForward;

        /// <summary>CalVer or SemVer, over the project's TagScheme.</summary>
        [Parameter]
        public TagScheme? TagScheme { get; set; }

        /// <summary>How long the end-to-end gate may run.</summary>
        [Parameter]
        [Seconds]
        [Alias("GateTimeoutSeconds")]
        public TimeSpan GateTimeout { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>Breaks another release's lock.</summary>
        [Parameter]
        public SwitchParameter BreakLock { get; set; }

        /// <summary>
        /// The Jenkins server of the gate (default: JENKINS_URL). It comes from the admin's side: a JenkinsUrl in
        /// releaseops.psd1 (which comes from develop) must name the same server.
        /// </summary>
        [Parameter]
        public string? JenkinsUrl { get; set; }

        /// <summary>An access token for an HTTPS remote (default: the RELEASEOPS_GIT_TOKEN environment variable).</summary>
        [Parameter]
        public System.Security.SecureString? Token { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var options = new ReleaseOptions
                {
                    MergeMode = MergeMode,
                    TagScheme = TagScheme,
                    GateTimeout = GateTimeout,
                    BreakLock = BreakLock,
                    GitToken = Token,
                    JenkinsUrl = JenkinsUrl,
                    NoFetch = MyInvocation.BoundParameters.ContainsKey("WhatIf"),
                };
                (options.Project, options.HasSettings) = ProjectLoader.Load(path);
                using var plan = RunEngine((reporter, token) => ReleaseEngine.PlanAsync(path, options, reporter, token));
                WriteVerbose(plan.Description);
                if (plan.NothingToRelease)
                {
                    WriteObject(plan.Info);
                    return;
                }

                if (!ShouldProcess(plan.RepositoryPath, plan.Description))
                {
                    WriteObject(plan.Info);
                    return;
                }

                WriteObject(RunEngine((reporter, token) => ReleaseEngine.ExecuteAsync(plan, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, path);
            }
        }
    }
}
