using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Applies one call's credentials (-Token, -Credential, -ProfileName, -Region, -ApiEndpoint) over the environment's,
    /// for the provider the call talks to: the one rule for ProviderCmdlet and the migration cmdlets. A Get-Secret
    /// result passes straight in; secrets stay out of output and logs.
    /// </summary>
    internal static class ProviderCredentials
    {
        public static ProviderSettings Apply(ProviderSettings settings, HostingProvider? provider, DnsProvider? dns, SecureString? tokenSecure, PSCredential? credential,
            Uri? endpoint = null, string? profile = null, string? region = null)
        {
            var token = tokenSecure is null ? null : new NetworkCredential(string.Empty, tokenSecure).Password;
            var user = credential?.UserName;
            var secret = credential is null ? null : credential.GetNetworkCredential().Password;
            if (dns == DnsProvider.Cloudflare)
            {
                settings.CloudflareToken = token ?? settings.CloudflareToken;
                settings.CloudflareEndpoint = endpoint ?? settings.CloudflareEndpoint;
                return settings;
            }

            switch (provider ?? (dns == DnsProvider.DigitalOcean ? HostingProvider.DigitalOcean : (HostingProvider?)null))
            {
                case HostingProvider.DigitalOcean:
                    settings.DigitalOceanToken = token ?? settings.DigitalOceanToken;
                    settings.DigitalOceanEndpoint = endpoint ?? settings.DigitalOceanEndpoint;
                    break;
                case HostingProvider.Scaleway:
                    settings.ScalewayAccessKey = user ?? settings.ScalewayAccessKey;
                    settings.ScalewaySecretKey = secret ?? token ?? settings.ScalewaySecretKey;
                    settings.ScalewayEndpoint = endpoint ?? settings.ScalewayEndpoint;
                    break;
                case HostingProvider.Aws:
                    settings.AwsAccessKeyId = user ?? settings.AwsAccessKeyId;
                    settings.AwsSecretAccessKey = secret ?? settings.AwsSecretAccessKey;
                    settings.AwsEndpoint = endpoint ?? settings.AwsEndpoint;
                    settings.AwsProfile = profile ?? settings.AwsProfile;
                    settings.AwsRegion = region ?? settings.AwsRegion;
                    break;
            }

            return settings;
        }
    }
}
