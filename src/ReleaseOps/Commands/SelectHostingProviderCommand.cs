using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Select-HostingProvider: the provider rules of the process (about_ReleaseOps), as an explainable decision.</summary>
    [Cmdlet(VerbsCommon.Select, "HostingProvider")]
    [OutputType(typeof(HostingDecision))]
    public sealed class SelectHostingProviderCommand : ReleaseOpsCmdlet
    {
        /// <summary>The project slug, carried onto the decision.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Slug")]
        public string? Project { get; set; }

        /// <summary>The client provides the servers (rule 1).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [FlexibleSwitch]
        public SwitchParameter ClientProvidesServers { get; set; }

        /// <summary>Services that only AWS provides, such as Cognito or RDS (rule 2).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AwsOnlyServices")]
        [SplitList]
        public string[] AwsOnlyService { get; set; } = new string[0];

        /// <summary>Where the data must stay: Canada (rule 3), or Any.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DataResidencyCompleter))]
        public string? DataResidency { get; set; }

        /// <summary>Allows AWS's Canadian region when the data must stay in Canada and AWS-only services are needed.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [FlexibleSwitch]
        public SwitchParameter AllowAwsCanada { get; set; }

        /// <summary>The Scaleway zone for rule 4 (default fr-par-1).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ScalewayZone { get; set; }

        /// <summary>The AWS region for rule 2 when the data may be anywhere (default us-east-1).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? AwsRegion { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Project, () => WriteObject(HostingProviderSelector.Select(new HostingRequirements
            {
                Project = string.IsNullOrWhiteSpace(Project) ? null : Project!.Trim(),
                ClientProvidesServers = ClientProvidesServers.IsPresent,
                AwsOnlyServices = AwsOnlyService,
                DataResidency = DataResidency,
                AllowAwsCanada = AllowAwsCanada.IsPresent,
                ScalewayZone = ScalewayZone,
                AwsRegion = AwsRegion,
            })));
        }
    }
}
