using System;
using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Test-ReleaseOpsEnvironment: runs the git, SSH and EC2 code paths and shows which copies served them.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "ReleaseOpsEnvironment")]
    [OutputType(typeof(DependencyCheck))]
    public sealed class TestReleaseOpsEnvironmentCommand : ReleaseOpsCmdlet
    {
        /// <summary>A node to open an SSH session to.</summary>
        [Parameter]
        [Alias("ComputerName", "SshHost")]
        public string? HostName { get; set; }

        /// <summary>The node's SSH port.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        [Alias("SshPort")]
        public int Port { get; set; } = 22;

        /// <summary>The user to log in as.</summary>
        [Parameter]
        [Alias("SshUser")]
        public string User { get; set; } = "root";

        /// <summary>The private key to log in with (default ~/.ssh/id_ed25519).</summary>
        [Parameter]
        public string[]? IdentityFile { get; set; }

        /// <summary>The node's expected host key fingerprint (SHA256:...), as ssh-keygen -lf prints it.</summary>
        [Parameter]
        public string? HostKeyFingerprint { get; set; }

        /// <summary>An EC2 endpoint to send a signed DescribeRegions request to.</summary>
        [Parameter]
        public Uri? Ec2Endpoint { get; set; }

        /// <summary>The region to sign EC2 requests for.</summary>
        [Parameter]
        public string Ec2Region { get; set; } = "us-east-1";

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                // Bad input is an error, not a failed probe: a host name ssh would take for an option is InvalidHostName.
                if (!string.IsNullOrEmpty(HostName))
                {
                    ReleaseOps.Core.Ssh.SshConfig.ValidateDestination(HostName!);
                }

                var options = new ProbeOptions
                {
                    SshHost = HostName,
                    SshPort = Port,
                    SshUser = User,
                    SshIdentityFile = IdentityFile is { Length: > 0 } ? GetUnresolvedProviderPathFromPSPath(IdentityFile[0]) : null,
                    SshHostKeyFingerprint = HostKeyFingerprint,
                    Ec2Endpoint = Ec2Endpoint,
                    Ec2Region = Ec2Region,
                };
                foreach (var check in RunEngine((reporter, token) => EnvironmentProbe.RunAsync(options, reporter, token)))
                {
                    WriteObject(check);
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex);
            }
        }
    }
}
