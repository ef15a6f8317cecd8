using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>The provider that the agency's rules pick for a project, and why.</summary>
    public sealed class HostingDecision
    {
        /// <summary>Creates a decision.</summary>
        public HostingDecision(
            string? project,
            HostingProvider provider,
            string? region,
            int rule,
            string reason,
            IReadOnlyList<string> awsOnlyServices,
            string dataResidency,
            bool clientProvidesServers)
        {
            Project = project;
            Provider = provider;
            Region = region;
            Rule = rule;
            Reason = reason;
            AwsOnlyService = awsOnlyServices;
            DataResidency = dataResidency;
            ClientProvidesServers = clientProvidesServers;
        }

        /// <summary>The project slug, when one was given.</summary>
        public string? Project { get; }

        /// <summary>The chosen provider.</summary>
        public HostingProvider Provider { get; }

        /// <summary>The provider's region or zone (tor1 on DigitalOcean for Canada); null for client servers.</summary>
        public string? Region { get; }

        /// <summary>The number of the process rule that decided (1 to 4).</summary>
        public int Rule { get; }

        /// <summary>The decision in words.</summary>
        public string Reason { get; }

        /// <summary>The AWS-only services that were named.</summary>
        public IReadOnlyList<string> AwsOnlyService { get; }

        /// <summary>Where the data must stay: Any or Canada.</summary>
        public string DataResidency { get; }

        /// <summary>Whether the client provides the servers.</summary>
        public bool ClientProvidesServers { get; }
    }
}
