using System;
using System.Collections.Generic;
using System.Linq;

namespace ReleaseOps.Core
{
    /// <summary>
    /// The provider rules of the process (about_ReleaseOps) ("Providers"), in their order:
    /// 1. the client provides servers: use theirs;
    /// 2. services that only AWS provides (such as Cognito or RDS): AWS;
    /// 3. data must stay in Canada: DigitalOcean, Toronto (tor1);
    /// 4. otherwise Scaleway.
    /// A contradiction (Canada and AWS-only services, without leave to use AWS's Canadian region) is an error,
    /// never a silent pick.
    /// </summary>
    public static class HostingProviderSelector
    {
        public const string DigitalOceanCanadaRegion = "tor1";
        public const string AwsCanadaRegion = "ca-central-1";
        public const string DefaultAwsRegion = "us-east-1";
        public const string DefaultScalewayZone = "fr-par-1";

        public static HostingDecision Select(HostingRequirements req)
        {
            if (req is null)
            {
                throw new ArgumentNullException(nameof(req));
            }

            if (req.Project is { Length: > 0 } slug && !DirectHostNames.IsDnsLabel(slug))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidProjectSlug, FailureCategory.InvalidArgument,
                    $"The project slug '{slug}' is not a DNS label.",
                    "Use lower-case letters, digits and hyphens, 63 at most, such as cortico or cortico-clientname.", slug);
            }

            var residency = ParseResidency(req.DataResidency);
            var services = req.AwsOnlyServices.Select(s => s?.Trim() ?? string.Empty).Where(s => s.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var canada = residency == "Canada";

            if (req.ClientProvidesServers)
            {
                var reason = "Rule 1: the client provides the servers, so the project runs on them; work with the client to accommodate their process and needs.";
                if (services.Count > 0)
                {
                    reason += $" The client's infrastructure must also provide {string.Join(", ", services)}.";
                }

                if (canada)
                {
                    reason += " The client's servers must keep the data in Canada.";
                }

                return new HostingDecision(req.Project, HostingProvider.Client, null, 1, reason, services, residency, true);
            }

            if (services.Count > 0)
            {
                if (canada && !req.AllowAwsCanada)
                {
                    throw new ReleaseOpsException(ErrorIds.ConflictingHostingRequirements, FailureCategory.InvalidArgument,
                        $"The data must stay in Canada (rule 3: DigitalOcean Toronto), but only AWS provides {string.Join(", ", services)} (rule 2).",
                        "Pass -AllowAwsCanada to use AWS's Canadian region (ca-central-1), drop the AWS-only services, or have the client provide servers.",
                        req.Project);
                }

                var region = canada ? AwsCanadaRegion : (string.IsNullOrWhiteSpace(req.AwsRegion) ? DefaultAwsRegion : req.AwsRegion!);
                var reason = $"Rule 2: {string.Join(", ", services)} {(services.Count == 1 ? "is" : "are")} only provided by AWS, so the project runs on AWS"
                    + (canada ? $", in its Canadian region {AwsCanadaRegion} because the data must stay in Canada." : ".");
                return new HostingDecision(req.Project, HostingProvider.Aws, region, 2, reason, services, residency, false);
            }

            if (canada)
            {
                return new HostingDecision(req.Project, HostingProvider.DigitalOcean, DigitalOceanCanadaRegion, 3,
                    "Rule 3: the data must stay in Canada, so the project runs on DigitalOcean in Toronto (tor1).",
                    services, residency, false);
            }

            var zone = string.IsNullOrWhiteSpace(req.ScalewayZone) ? DefaultScalewayZone : req.ScalewayZone!;
            return new HostingDecision(req.Project, HostingProvider.Scaleway, zone, 4,
                "Rule 4: no client servers, no AWS-only services and no residency restriction, so the project runs on Scaleway.",
                services, residency, false);
        }

        private static string ParseResidency(string? value)
        {
            var v = value?.Trim() ?? string.Empty;
            if (v.Length == 0 || v.Equals("Any", StringComparison.OrdinalIgnoreCase) || v.Equals("None", StringComparison.OrdinalIgnoreCase))
            {
                return "Any";
            }

            if (v.Equals("Canada", StringComparison.OrdinalIgnoreCase) || v.Equals("CA", StringComparison.OrdinalIgnoreCase))
            {
                return "Canada";
            }

            throw new ReleaseOpsException(ErrorIds.InvalidDataResidency, FailureCategory.InvalidArgument,
                $"Data residency '{v}' is not known.", "Use Canada, or Any (the default) when there is no restriction.", value);
        }
    }
}
