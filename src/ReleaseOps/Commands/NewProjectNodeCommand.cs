using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Sandbox;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>New-ProjectNode: creates a node for a project and returns it when it answers over SSH.</summary>
    /// <remarks>This session's slice of the providers issue: the Sandbox provider. The cloud providers extend -Provider.</remarks>
    [Cmdlet(VerbsCommon.New, "ProjectNode", SupportsShouldProcess = true)]
    [OutputType(typeof(ProjectNode))]
    public sealed class NewProjectNodeCommand : ReleaseOpsCmdlet
    {
        /// <summary>The project slug, such as cortico.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Slug")]
        [ValidateNotNullOrEmpty]
        public string Project { get; set; } = string.Empty;

        /// <summary>The client, for a node that serves only part of the cases: the node is named project-client.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Client { get; set; }

        /// <summary>The provider. Sandbox: a real sshd on 127.0.0.1 in its own namespaces (root on Linux).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Sandbox")]
        public HostingProvider Provider { get; set; }

        /// <summary>Public keys that may log in as the node's initial user; default ~/.ssh/*.pub.</summary>
        [Parameter]
        public string[]? PublicKey { get; set; }

        /// <summary>The known_hosts file that receives the node's host key (default ~/.ssh/known_hosts).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                var name = SandboxProvider.NodeName(Project, Client);
                if (!ShouldProcess(name, $"Create a {Provider} node"))
                {
                    return;
                }

                var keys = Keys();
                var known = KnownHostsPath(KnownHostsFile);
                WriteObject(RunEngine((reporter, token) => SandboxProvider.CreateAsync(Project, Client, keys, known, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, Project));
            }
        }

        internal string KnownHostsPath(string? given) =>
            given is null ? NodeConnector.DefaultKnownHostsPath : GetUnresolvedProviderPathFromPSPath(given);

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
                throw new ReleaseOpsException("NoPublicKey", FailureCategory.ObjectNotFound, "No public key was given and none was found in ~/.ssh.",
                    "Pass -PublicKey (a .pub file or its contents), or create a key with ssh-keygen -t ed25519.", Project);
            }

            return keys;
        }
    }
}
