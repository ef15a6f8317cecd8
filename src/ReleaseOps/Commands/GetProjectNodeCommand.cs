using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Commands
{
    /// <summary>Get-ProjectNode: the nodes of projects.</summary>
    [Cmdlet(VerbsCommon.Get, "ProjectNode")]
    [OutputType(typeof(ProjectNode))]
    public sealed class GetProjectNodeCommand : ReleaseOpsCmdlet
    {
        /// <summary>Only the nodes of this project (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Slug")]
        [SupportsWildcards]
        public string? Project { get; set; }

        /// <summary>The provider to list. Sandbox lists the sandbox nodes of this PowerShell process.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Sandbox")]
        public HostingProvider Provider { get; set; } = HostingProvider.Sandbox;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var pattern = new WildcardPattern(string.IsNullOrEmpty(Project) ? "*" : Project, WildcardOptions.IgnoreCase);
            foreach (var node in SandboxProvider.List().Where(n => pattern.IsMatch(n.Project) || pattern.IsMatch(n.Name)))
            {
                WriteObject(node);
            }
        }
    }
}
