using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http.Headers;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// Credentials and endpoints of the providers. They come from the same environment variables as the providers'
    /// own tools unless given; secrets are held only to put them in request headers, and never printed.
    /// </summary>
    public sealed class ProviderSettings
    {
        private IReadOnlyList<string>? scalewayZones;

        /// <summary>DigitalOcean's API token (DIGITALOCEAN_ACCESS_TOKEN, as doctl reads it).</summary>
        public string? DigitalOceanToken { get; set; }

        /// <summary>DigitalOcean's API base (DIGITALOCEAN_API_URL), default https://api.digitalocean.com.</summary>
        public Uri DigitalOceanEndpoint { get; set; } = new("https://api.digitalocean.com/");

        /// <summary>Scaleway's access key id (SCW_ACCESS_KEY); not a secret.</summary>
        public string? ScalewayAccessKey { get; set; }

        /// <summary>Scaleway's secret key (SCW_SECRET_KEY), sent as X-Auth-Token.</summary>
        public string? ScalewaySecretKey { get; set; }

        /// <summary>Scaleway's project (SCW_DEFAULT_PROJECT_ID).</summary>
        public string? ScalewayProjectId { get; set; }

        /// <summary>Scaleway's zone (SCW_DEFAULT_ZONE), default fr-par-1.</summary>
        public string ScalewayZone { get; set; } = "fr-par-1";

        /// <summary>The Scaleway zones Get-ProjectNode lists (SCW_ZONES, comma-separated), default the default zone.</summary>
        public IReadOnlyList<string> ScalewayZones
        {
            get => scalewayZones ?? new[] { ScalewayZone };
            set => scalewayZones = value;
        }

        /// <summary>Scaleway's API base (SCW_API_URL, as the scw CLI reads it), default https://api.scaleway.com.</summary>
        public Uri ScalewayEndpoint { get; set; } = new("https://api.scaleway.com/");

        /// <summary>Cloudflare's API token (CLOUDFLARE_API_TOKEN).</summary>
        public string? CloudflareToken { get; set; }

        /// <summary>Cloudflare's API base (CLOUDFLARE_API_URL), default https://api.cloudflare.com/client/v4.</summary>
        public Uri CloudflareEndpoint { get; set; } = new("https://api.cloudflare.com/client/v4/");

        /// <summary>An AWS access key id; null to use the SDK's credential chain (environment, profile, SSO, instance role).</summary>
        public string? AwsAccessKeyId { get; set; }

        /// <summary>The AWS secret access key that goes with AwsAccessKeyId.</summary>
        public string? AwsSecretAccessKey { get; set; }

        /// <summary>An AWS profile name (else AWS_PROFILE, as the SDK reads it).</summary>
        public string? AwsProfile { get; set; }

        /// <summary>The AWS region (else AWS_REGION / AWS_DEFAULT_REGION / the profile's), default ca-central-1.</summary>
        public string? AwsRegion { get; set; }

        /// <summary>The EC2 endpoint; null for the SDK's (which reads AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL).</summary>
        public Uri? AwsEndpoint { get; set; }

        /// <summary>How often a waiting step asks again (RELEASEOPS_POLL_SECONDS), default 5 s.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How long a node may take to run after it was created.</summary>
        public TimeSpan CreateTimeout { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>How long a snapshot may take.</summary>
        public TimeSpan SnapshotTimeout { get; set; } = TimeSpan.FromMinutes(60);

        /// <summary>How many times a node is looked for after a create that the provider did not confirm.</summary>
        public int ConsistencyChecks { get; set; } = 6;

        /// <summary>How requests are retried.</summary>
        public RetrySettings Retry { get; set; } = RetrySettings.Default;

        /// <summary>Settings from the environment.</summary>
        public static ProviderSettings FromEnvironment()
        {
            var s = new ProviderSettings
            {
                DigitalOceanToken = Env("DIGITALOCEAN_ACCESS_TOKEN") ?? Env("DIGITALOCEAN_TOKEN"),
                ScalewayAccessKey = Env("SCW_ACCESS_KEY"),
                ScalewaySecretKey = Env("SCW_SECRET_KEY"),
                ScalewayProjectId = Env("SCW_DEFAULT_PROJECT_ID"),
                CloudflareToken = Env("CLOUDFLARE_API_TOKEN"),
                AwsRegion = Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION"),
            };
            s.ScalewayZone = Env("SCW_DEFAULT_ZONE") ?? s.ScalewayZone;
            if (Env("SCW_ZONES") is { } zones)
            {
                s.ScalewayZones = zones.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            }

            if (double.TryParse(ReleaseOpsConfiguration.Value("PollSeconds"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var poll) && poll > 0)
            {
                s.PollInterval = TimeSpan.FromSeconds(poll);
            }

            s.DigitalOceanEndpoint = Endpoint("DIGITALOCEAN_API_URL") ?? s.DigitalOceanEndpoint;
            s.ScalewayEndpoint = Endpoint("SCW_API_URL") ?? s.ScalewayEndpoint;
            s.CloudflareEndpoint = Endpoint("CLOUDFLARE_API_URL") ?? s.CloudflareEndpoint;
            return s;
        }

        /// <summary>A DigitalOcean HTTP client, or an error that says which variable to set.</summary>
        public ProviderHttpClient DigitalOceanClient(IOperationReporter reporter)
        {
            var token = DigitalOceanToken ?? throw Missing("DigitalOcean", "DIGITALOCEAN_ACCESS_TOKEN", "-Token");
            return new ProviderHttpClient("DigitalOcean", DigitalOceanEndpoint, h => h.Authorization = new AuthenticationHeaderValue("Bearer", token), reporter, Retry, "DIGITALOCEAN_ACCESS_TOKEN or -Token");
        }

        /// <summary>A Scaleway HTTP client, or an error that says which variable to set.</summary>
        public ProviderHttpClient ScalewayClient(IOperationReporter reporter)
        {
            var secret = ScalewaySecretKey ?? throw Missing("Scaleway", "SCW_SECRET_KEY", "-Credential (access key as user name, secret key as password)");
            return new ProviderHttpClient("Scaleway", ScalewayEndpoint, h => h.Add("X-Auth-Token", secret), reporter, Retry, "SCW_SECRET_KEY or -Credential");
        }

        /// <summary>A Cloudflare HTTP client, or an error that says which variable to set.</summary>
        public ProviderHttpClient CloudflareClient(IOperationReporter reporter)
        {
            var token = CloudflareToken ?? throw Missing("Cloudflare", "CLOUDFLARE_API_TOKEN", "-Token");
            return new ProviderHttpClient("Cloudflare", CloudflareEndpoint, h => h.Authorization = new AuthenticationHeaderValue("Bearer", token), reporter, Retry, "CLOUDFLARE_API_TOKEN or -Token");
        }

        internal static ReleaseOpsException Missing(string provider, string variable, string parameter) =>
            new(ErrorIds.ProviderCredentialsMissing, FailureCategory.AuthenticationError,
                $"No {provider} credentials: {variable} is not set and {parameter} was not given.",
                $"Set {variable} (as the provider's own tools read it), or pass {parameter}.", provider);

        private static string? Env(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        private static Uri? Endpoint(string name)
        {
            var value = Env(name);
            if (value is null)
            {
                return null;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidEndpoint, FailureCategory.InvalidArgument, $"{name} is '{value}', which is not an http or https URL.",
                    $"Set {name} to the API's base URL, such as https://api.example.com/, or unset it.", name);
            }

            return uri;
        }
    }
}
