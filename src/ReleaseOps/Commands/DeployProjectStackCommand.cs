using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Deploy;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Deploy-ProjectStack: deploys a git ref of the project to nodes, with a health check and rollback.</summary>
    /// <remarks>
    /// Deploy is an approved verb since PowerShell 6 (VerbsLifecycle.Deploy); PowerShellStandard.Library 5.1, which
    /// this assembly compiles against, predates it, so the verb is written out. The issue names the cmdlet.
    /// </remarks>
    [Cmdlet("Deploy", "ProjectStack", SupportsShouldProcess = true, DefaultParameterSetName = RefSet)]
    [OutputType(typeof(DeploymentInfo))]
    public sealed class DeployProjectStackCommand : SshCmdlet
    {
        private const string RefSet = "Ref";
        private const string RollbackSet = "Rollback";
        private DeployRequest request = new();
        private string action = string.Empty;
        private int failures;

        /// <summary>The branch, tag or commit to deploy.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RefSet)]
        [ValidateNotNullOrEmpty]
        public string Ref { get; set; } = string.Empty;

        /// <summary>Returns each node to the commit that was live before its last deploy.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RollbackSet)]
        public SwitchParameter Rollback { get; set; }

        /// <summary>The project's repository (or a folder inside it), whose releaseops.psd1 describes the stack. The default is the current folder.</summary>
        [Parameter]
        [Alias("RepositoryPath")]
        public string? Path { get; set; }

        /// <summary>Deploys even when the commit is already live, and over hand-made changes to tracked files on the node.</summary>
        [Parameter(ParameterSetName = RefSet)]
        public SwitchParameter Force { get; set; }

        /// <summary>Starts no further node once one node has failed.</summary>
        [Parameter]
        public SwitchParameter StopOnFirstFailure { get; set; }

        /// <summary>Runs the deploy as root through sudo -n when the login user is not root.</summary>
        [Parameter]
        public SwitchParameter Sudo { get; set; }

        /// <inheritdoc />
        protected override string Action => action;

        /// <inheritdoc />
        protected override string Activity => "Deploy-ProjectStack";

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            try
            {
                var (project, hasSettings) = ProjectLoader.Load(path);
                if (!hasSettings)
                {
                    WriteWarning($"No releaseops.psd1 in {path}: deploying to /srv/{project.Slug} with docker compose and no health check.");
                }

                request = DeployRequest.FromProject(project);
                request.Rollback = Rollback.IsPresent;
                request.Ref = Ref;
                request.Force = Force.IsPresent;
                request.Sudo = Sudo.IsPresent;
                StackDeploy.Validate(request);
                action = (Rollback ? "Roll back to the previous commit" : $"Deploy {Ref}") + " in " + request.StackPath + " with:\n  "
                    + string.Join("\n  ", StackDeploy.Plan(request));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, path);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var stopOnFirst = StopOnFirstFailure.IsPresent;
            return FanOutAsync(nodes, options, async (session, ct) =>
                {
                    if (stopOnFirst && Volatile.Read(ref failures) > 0)
                    {
                        throw new ReleaseOpsException(ErrorIds.DeployNotStarted, FailureCategory.OperationStopped,
                            $"{session.Name}: not deployed, because another node failed and -StopOnFirstFailure was given.",
                            "Fix the failed node, then run the command again; nodes that are already live are a fast no-op.", session.Name);
                    }

                    var name = session.Name;
                    post(() => Say(name, request.Rollback ? $"rolling back in {request.StackPath}" : $"deploying {request.Ref} to {request.StackPath}"));
                    try
                    {
                        var info = await StackDeploy.DeployAsync(session, request, line => post(() => Say(name, line)), reporter, ct).ConfigureAwait(false);
                        if (info.Status is DeploymentStatus.RolledBack or DeploymentStatus.Failed)
                        {
                            Interlocked.Increment(ref failures);
                        }

                        return info;
                    }
                    catch (ReleaseOpsException)
                    {
                        Interlocked.Increment(ref failures);
                        throw;
                    }
                },
                info =>
                {
                    Say(info.HostName, StackDeploy.Summary(info));
                    WriteObject(info);
                    if (info.Status is DeploymentStatus.RolledBack or DeploymentStatus.Failed)
                    {
                        WriteError(ToErrorRecord(StackDeploy.DeployFailure(info), info));
                    }
                },
                reporter, post, token);
        }

        private void Say(string node, string text) =>
            WriteInformation(new InformationRecord($"{node}: {text}", "Deploy-ProjectStack"), new[] { "Deploy-ProjectStack", node });
    }
}
