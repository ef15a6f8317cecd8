using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Resolve-DirectHostName: the "direct" name that reaches a node itself.</summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "DirectHostName")]
    [OutputType(typeof(DirectHostNameResult))]
    public sealed class ResolveDirectHostNameCommand : ReleaseOpsCmdlet
    {
        private IReadOnlyList<string> ownDomains = new string[0];

        /// <summary>The public host names, such as cryptsend.io or kmc.countable.ca.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "DnsName")]
        [ValidateNotNull]
        public string[] HostName { get; set; } = new string[0];

        /// <summary>The agency's own domains, under which -direct goes on the first label.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? OwnDomain { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            try
            {
                ownDomains = DirectHostNames.ResolveOwnDomains(OwnDomain);
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, OwnDomain);
            }
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in HostName)
            {
                ForEachInput(name, () =>
                {
                    var result = DirectHostNames.Resolve(name, ownDomains);
                    if (result.Rule == DirectNameRule.IpAddress)
                    {
                        WriteWarning($"'{name}' is an IP address; it already reaches the node directly and is returned unchanged.");
                    }

                    WriteObject(result);
                });
            }
        }
    }
}
