using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;
using ReleaseOps.Core.Jenkins;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Initialize-Node: brings nodes to the agency's baseline, idempotently.</summary>
    [Cmdlet(VerbsData.Initialize, "Node", SupportsShouldProcess = true, DefaultParameterSetName = TeamSet)]
    [OutputType(typeof(NodeStepResult))]
    public sealed class InitializeNodeCommand : SshCmdlet
    {
        private const string TeamSet = "Team";
        private const string TeamFileSet = "TeamFile";
        private IReadOnlyList<TeamMember> team = Array.Empty<TeamMember>();
        private readonly Dictionary<string, string> nodeNames = new(StringComparer.Ordinal);
        private JenkinsConnection? jenkins;

        /// <summary>The admins: TeamMember objects, or hashtables with Name, Login and PublicKey.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TeamSet)]
        [ValidateNotNull]
        public TeamMember[] Team { get; set; } = Array.Empty<TeamMember>();

        /// <summary>A team.psd1 file with the admins.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TeamFileSet)]
        [ValidateNotNullOrEmpty]
        public string TeamFile { get; set; } = string.Empty;

        /// <summary>Clones the agency's dotfiles repository for each admin and runs its install script.</summary>
        [Parameter]
        public SwitchParameter Dotfiles { get; set; }

        /// <summary>Another dotfiles repository (implies -Dotfiles).</summary>
        [Parameter]
        public string? DotfilesUrl { get; set; }

        /// <summary>Installs Docker and the compose plugin from the distribution's packages.</summary>
        [Parameter]
        public SwitchParameter Docker { get; set; }

        /// <summary>Runs Jenkins as a docker compose service in /opt/jenkins (implies -Docker).</summary>
        [Parameter]
        public SwitchParameter Jenkins { get; set; }

        /// <summary>After checking that an admin can log in with a key and use sudo: disables root and password logins, turns on unattended upgrades, and opens ufw only for SSH, HTTP and HTTPS.</summary>
        [Parameter]
        public SwitchParameter Harden { get; set; }

        /// <summary>Writes each bootstrapped node instead of the steps (which go to the verbose stream), for the next cmdlet in the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>After the bootstrap, runs this Jenkins job (folder/name) with NODE and NODE_HOST, as the process (about_ReleaseOps) asks.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TestJob { get; set; }

        /// <summary>The node's name (from a piped ProjectNode), which -TestJob passes as NODE; the default is the host name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Name { get; set; }

        /// <summary>Jenkins' root URL for -TestJob (default: JENKINS_URL).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JenkinsUrl { get; set; }

        /// <summary>The Jenkins user and API token for -TestJob (default: JENKINS_USER_ID and JENKINS_API_TOKEN).</summary>
        [Parameter]
        [Credential]
        public PSCredential? JenkinsCredential { get; set; }

        /// <summary>How long the -TestJob build may take, queue included.</summary>
        [Parameter]
        [Seconds]
        [Alias("TestJobTimeoutSeconds")]
        public TimeSpan TestJobTimeout { get; set; } = TimeSpan.FromHours(1);

        /// <inheritdoc />
        protected override string Action => $"Bootstrap with {team.Count} admin account(s), groups, sudo policy and shared history"
            + (TestJob is null ? string.Empty : $", then run the Jenkins job {TestJob}");

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (!string.IsNullOrEmpty(Name))
            {
                foreach (var host in HostName)
                {
                    nodeNames[host] = Name!;
                }
            }

            base.ProcessRecord();
        }

        /// <inheritdoc />
        protected override void Prepare()
        {
            if (TestJob is not null)
            {
                // Resolved before any node is reached: a missing JENKINS_URL fails the call, not each node.
                JenkinsConnection.JobPath(TestJob);
                var credential = JenkinsCredential == PSCredential.Empty ? null : JenkinsCredential;
                jenkins = JenkinsConnection.Resolve(JenkinsUrl, credential?.UserName, credential?.Password);
            }
        }

        /// <inheritdoc />
        protected override string Activity => "Initialize-Node";

        /// <inheritdoc />
        protected override bool ChecksOnWhatIf => true;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            try
            {
                team = ParameterSetName == TeamFileSet
                    ? TeamRoster.Read(GetUnresolvedProviderPathFromPSPath(TeamFile))
                    : Team.Select(NodeBootstrap.Validate).ToList();
                var duplicate = team.GroupBy(m => m.Login).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new ReleaseOpsException(ErrorIds.DuplicateLogin, FailureCategory.InvalidArgument, $"The login {duplicate.Key} appears twice in -Team.", "Give each admin one entry with all their keys.", duplicate.Key);
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var bootstrap = new BootstrapOptions
            {
                Check = CheckOnly,
                DotfilesUrl = DotfilesUrl ?? (Dotfiles ? NodeBootstrap.DefaultDotfilesUrl : null),
                Docker = Docker,
                Jenkins = Jenkins,
                Harden = Harden,
            };
            return FanOutAsync(nodes, options, async (session, ct) =>
                {
                    IReadOnlyList<NodeStepResult> steps = await NodeBootstrap.InitializeAsync(session, team, bootstrap, reporter, ct).ConfigureAwait(false);
                    if (TestJob is not null && jenkins is not null)
                    {
                        var host = session.Settings.HostName;
                        var nodeName = nodeNames.TryGetValue(session.Name, out var n) ? n : session.Name;
                        var test = CheckOnly || steps.Any(s => s.Status == StepStatus.Failed)
                            ? new NodeStepResult { HostName = host, Step = JenkinsTestJob.StepName(TestJob), Status = StepStatus.Skipped,
                                Detail = CheckOnly ? $"-WhatIf: would run {TestJob} with NODE={nodeName}" : "the bootstrap failed" }
                            : await JenkinsTestJob.RunAsync(jenkins, TestJob, nodeName, host, TestJobTimeout,
                                line => post(() => WriteInformation($"[{nodeName}] {line}", JenkinsCmdlet.LogTags)), reporter, ct).ConfigureAwait(false);
                        steps = steps.Concat(new[] { test }).ToList();
                    }

                    return (Steps: steps, Node: new ProjectNode
                    {
                        Name = session.Name,
                        HostName = session.Settings.HostName,
                        Port = session.Settings.Port,
                        // After hardening, root can no longer log in: the next cmdlet connects as the first admin.
                        User = Harden && team.Count > 0 ? team[0].Login : session.User,
                        HostKeyFingerprint = session.HostKeyFingerprint,
                        Status = "initialized",
                    });
                },
                result =>
                {
                    if (!PassThru)
                    {
                        StepWriter.Write(this, result.Steps);
                        return;
                    }

                    foreach (var step in result.Steps.Where(s => s.Status != StepStatus.Failed))
                    {
                        WriteVerbose($"{step.HostName}: {step.Step}: {step.Status} ({step.Detail})");
                    }

                    StepWriter.Write(this, result.Steps.Where(s => s.Status == StepStatus.Failed).ToList());
                    if (result.Steps.All(s => s.Status != StepStatus.Failed))
                    {
                        WriteObject(result.Node);
                    }
                }, reporter, post, token);
        }
    }
}
