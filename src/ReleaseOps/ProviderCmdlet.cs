using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Cmdlets that talk to a provider's API. Credentials come from the same environment variables as the
    /// providers' own tools; -Token and -Credential override them for one call. Secrets stay in SecureString and
    /// request headers; they never reach output, logs or errors.
    /// </summary>
    public abstract class ProviderCmdlet : ReleaseOpsCmdlet
    {
        /// <summary>An API token: DigitalOcean's or Cloudflare's (else DIGITALOCEAN_ACCESS_TOKEN, CLOUDFLARE_API_TOKEN).</summary>
        [Parameter]
        public SecureString? Token { get; set; }

        /// <summary>Key pair credentials: Scaleway's access key and secret key, or AWS's access key id and secret access key.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Overrides the provider's API base URL (for proxies and tests); see about_ReleaseOps for the variables.</summary>
        [Parameter]
        public Uri? ApiEndpoint { get; set; }

        /// <summary>AWS: a named profile of ~/.aws/credentials or config, as AWS.Tools' -ProfileName; else the SDK's credential chain.</summary>
        [Parameter]
        [Alias("AwsProfile")]
        public string? ProfileName { get; set; }

        /// <summary>Builds the settings for a provider: the environment, then this call's parameters.</summary>
        internal ProviderSettings Settings(HostingProvider? provider, DnsProvider? dns = null) =>
            ProviderCredentials.Apply(ProviderSettings.FromEnvironment(), provider, dns, Token, Credential, ApiEndpoint, ProfileName, AwsRegionOverride);

        /// <summary>The AWS region this call names (New-ProjectNode's -Region), over AWS_REGION.</summary>
        protected virtual string? AwsRegionOverride => null;

        /// <summary>Settings for a node's provider, in the node's own region (an AWS availability zone gives its region).</summary>
        internal ProviderSettings Settings(ProjectNode node)
        {
            var settings = Settings(node.Provider);
            if (node.Provider == HostingProvider.Aws && !string.IsNullOrEmpty(node.Region))
            {
                settings.AwsRegion = System.Text.RegularExpressions.Regex.Replace(node.Region!, "(?<=[0-9])[a-z]$", string.Empty);
            }

            return settings;
        }

        /// <summary>The known_hosts path: the parameter's, else ~/.ssh/known_hosts.</summary>
        internal string KnownHostsPath(string? given) =>
            given is null ? Core.Ssh.NodeConnector.DefaultKnownHostsPath : given == Core.Ssh.KnownHostsFile.NoFile ? given : GetUnresolvedProviderPathFromPSPath(given);
    }
}
