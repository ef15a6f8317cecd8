using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>New-ProjectNode: creates (or finds) a project's node at a provider and returns it when it answers over SSH.</summary>
    [Cmdlet(VerbsCommon.New, "ProjectNode", SupportsShouldProcess = true, DefaultParameterSetName = "Need")]
    [OutputType(typeof(ProjectNode))]
    public sealed class NewProjectNodeCommand : ProviderCmdlet
    {
        /// <summary>The project slug, such as cortico.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Slug")]
        [ValidateNotNullOrEmpty]
        public string Project { get; set; } = string.Empty;

        /// <summary>The client, for a node that serves only part of the cases: the node is named project-client.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Client { get; set; }

        /// <summary>The provider, or the Provider property of Select-HostingProvider's decision.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public HostingProvider Provider { get; set; }

        /// <summary>The node's role in the project (staging, production), kept as a tag: one node per project, client and role.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Role { get; set; }

        /// <summary>The region or zone (tor1, fr-par-1, ca-central-1); default: the provider's default for the agency.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProviderCatalogCompleter))]
        public string? Region { get; set; }

        /// <inheritdoc />
        protected override string? AwsRegionOverride => Provider == HostingProvider.Aws && !string.IsNullOrWhiteSpace(Region) ? Region : null;

        /// <summary>A sizing profile: Small (2 GB, 50 GB disk: a low-traffic Django app), Medium (4, 80) or Large (8, 160).</summary>
        [Parameter(ParameterSetName = "Need")]
        [ValidateSet("Small", "Medium", "Large")]
        public string Profile { get; set; } = "Small";

        /// <summary>The memory needed, in GB; overrides the profile's.</summary>
        [Parameter(ParameterSetName = "Need")]
        [ValidateRange(0.5, 1024)]
        public double MemoryGB { get; set; }

        /// <summary>The disk needed, in GB; overrides the profile's.</summary>
        [Parameter]
        [ValidateRange(10, 16384)]
        public int DiskGB { get; set; }

        /// <summary>An explicit provider size (s-1vcpu-2gb, DEV1-M, t3.small), checked against the provider's list.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Size")]
        [ArgumentCompleter(typeof(ProviderCatalogCompleter))]
        public string Size { get; set; } = string.Empty;

        /// <summary>Client servers: the address of the server to register.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Address { get; set; }

        /// <summary>Client servers: the SSH user (default root).</summary>
        [Parameter]
        public string User { get; set; } = "root";

        /// <summary>Client servers: the SSH port (default 22).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        [Alias("SshPort")]
        public int Port { get; set; } = 22;

        /// <summary>Public keys that may log in as the node's initial user; default ~/.ssh/*.pub. The first is registered at the provider.</summary>
        [Parameter]
        public string[]? PublicKey { get; set; }

        /// <summary>The private key to log in with while waiting for SSH (default: ssh_config and ~/.ssh).</summary>
        [Parameter]
        public string[]? IdentityFile { get; set; }

        /// <summary>The known_hosts file that receives the node's host key (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>
        /// How the node's host key is trusted while waiting for SSH: AcceptNew (the default for a node created at a cloud
        /// provider, whose key nobody could have recorded yet) or Strict (the default for a client's server, which exists
        /// already: record its key first, from the client or its console).
        /// </summary>
        [Parameter]
        public HostKeyPolicy? HostKeyPolicy { get; set; }

        /// <summary>How long to wait for the node to run and answer over SSH (default 10 minutes).</summary>
        [Parameter]
        [Seconds]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>Returns once the provider reports the node running, without waiting for SSH.</summary>
        [Parameter]
        public SwitchParameter NoSshWait { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Project, () =>
            {
                var profile = NodeProfiles.All[Profile];
                var request = new NodeRequest
                {
                    Project = Project,
                    Client = string.IsNullOrEmpty(Client) ? null : Client,
                    Role = string.IsNullOrWhiteSpace(Role) ? null : Role!.ToLowerInvariant(),
                    Region = string.IsNullOrWhiteSpace(Region) ? null : Region,
                    Size = ParameterSetName == "Size" ? Size : null,
                    MemoryGB = MemoryGB > 0 ? MemoryGB : profile.MemoryGB,
                    DiskGB = DiskGB > 0 ? DiskGB : profile.DiskGB,
                };
                var name = request.Name;
                var what = Provider == HostingProvider.Client ? $"Register the client server {Address}" :
                    $"Create a {Provider} node{(request.Region is null ? string.Empty : " in " + request.Region)} ({(request.Size ?? $"{request.MemoryGB} GB memory, {request.DiskGB} GB disk")})";
                if (!ShouldProcess(name, what))
                {
                    return;
                }

                request.PublicKeys = Provider == HostingProvider.Client ? Array.Empty<string>() : Keys();
                var settings = Settings(Provider);
                settings.CreateTimeout = Timeout;
                if (Provider == HostingProvider.Aws && request.Region is not null)
                {
                    settings.AwsRegion = request.Region;
                }

                var known = KnownHostsPath(KnownHostsFile);
                var ssh = new SshConnectOptions
                {
                    KnownHostsFile = known,
                    // A client's server is not ours: its key must be known already, never trusted on first use.
                    HostKeyPolicy = HostKeyPolicy ?? (Provider == HostingProvider.Client ? ReleaseOps.HostKeyPolicy.Strict : ReleaseOps.HostKeyPolicy.AcceptNew),
                    IdentityFiles = IdentityFile is null ? Array.Empty<string>() : IdentityFile.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
                };
                var node = RunEngine(async (reporter, token) =>
                {
                    using var provider = NodeProvisioner.Create(Provider, settings, known, reporter);
                    if (provider is ClientProvider client)
                    {
                        client.Server = (Address ?? string.Empty, Port, User);
                    }

                    var created = await provider.CreateAsync(request, token).ConfigureAwait(false);
                    reporter.Verbose($"{Provider} API requests: {provider.RequestCount}.");
                    if (Provider == HostingProvider.Sandbox || NoSshWait)
                    {
                        return created;
                    }

                    // A node found from an earlier call already had its key recorded; a new one is trusted on first use.
                    var isNew = Provider != HostingProvider.Client && !request.FoundExisting;
                    return await NodeProvisioner.WaitForSshAsync(created, ssh, isNew, Timeout, settings.PollInterval, reporter, token).ConfigureAwait(false);
                });
                WriteObject(node);
            });
        }

        private List<string> Keys()
        {
            IEnumerable<string> lines;
            if (PublicKey is not null)
            {
                lines = PublicKey.SelectMany(k => File.Exists(GetUnresolvedProviderPathFromPSPath(k)) ? File.ReadAllLines(GetUnresolvedProviderPathFromPSPath(k)) : k.Split('\n'));
            }
            else
            {
                var dir = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
                lines = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.pub").SelectMany(File.ReadAllLines) : Array.Empty<string>();
            }

            var keys = lines.Where(l => l.Trim().Length > 0).Select(l => Core.Ssh.PublicKey.Parse(l).Line).ToList();
            if (keys.Count == 0)
            {
                throw new ReleaseOpsException(ErrorIds.NoPublicKey, FailureCategory.ObjectNotFound, "No public key was given and none was found in ~/.ssh.",
                    "Pass -PublicKey (a .pub file or its contents), or create a key with ssh-keygen -t ed25519.", Project);
            }

            return keys;
        }
    }
}
