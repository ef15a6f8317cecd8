using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReleaseOps.Core.Jenkins;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Core.Tests
{
    /// <summary>
    /// Security issue, item 12: credentials never cross hosts. An API that answers 302 to another loopback host and
    /// port must not see the provider's token (Authorization, X-Auth-Token) arrive there.
    /// </summary>
    public sealed class RedirectTests
    {
        private sealed class Host : IAsyncDisposable
        {
            private readonly WebApplication app;

            private Host(WebApplication app, Uri uri)
            {
                this.app = app;
                Uri = uri;
            }

            public Uri Uri { get; }

            /// <summary>Each request that arrived: path, Authorization and X-Auth-Token.</summary>
            public ConcurrentQueue<(string Path, string Authorization, string AuthToken)> Seen { get; } = new();

            public static async Task<Host> StartAsync(string address, Func<Host, HttpContext, Task> handle)
            {
                var listener = new TcpListener(IPAddress.Parse(address), 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.UseUrls($"http://{address}:{port}");
                var app = builder.Build();
                var host = new Host(app, new Uri($"http://{address}:{port}/"));
                app.Run(async c =>
                {
                    host.Seen.Enqueue((c.Request.Path.Value ?? "/", c.Request.Headers.Authorization.ToString(), c.Request.Headers["X-Auth-Token"].ToString()));
                    await handle(host, c);
                });
                await app.StartAsync();
                return host;
            }

            public async ValueTask DisposeAsync()
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        private static ProviderSettings Settings(Uri api) => new()
        {
            DigitalOceanToken = "do-secret-token",
            DigitalOceanEndpoint = api,
            ScalewaySecretKey = "scw-secret-key",
            ScalewayAccessKey = "SCWFAKEACCESSKEY0001",
            ScalewayEndpoint = api,
            CloudflareToken = "cf-secret-token",
            CloudflareEndpoint = api,
            Retry = new RetrySettings { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(5) },
        };

        [Theory]
        [InlineData("DigitalOcean")]
        [InlineData("Scaleway")]
        [InlineData("Cloudflare")]
        public async Task A_redirect_to_another_host_is_refused_and_the_token_never_arrives_there(string provider)
        {
            await using var elsewhere = await Host.StartAsync("127.0.0.2", (_, c) => c.Response.WriteAsJsonAsync(new { regions = Array.Empty<object>() }));
            await using var api = await Host.StartAsync("127.0.0.1", (_, c) =>
            {
                c.Response.StatusCode = 302;
                c.Response.Headers.Location = new Uri(elsewhere.Uri, c.Request.Path.Value!.TrimStart('/')).ToString();
                return Task.CompletedTask;
            });
            var settings = Settings(api.Uri);
            using var client = provider switch
            {
                "DigitalOcean" => settings.DigitalOceanClient(NullReporter.Instance),
                "Scaleway" => settings.ScalewayClient(NullReporter.Instance),
                _ => settings.CloudflareClient(NullReporter.Instance),
            };

            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => client.GetAsync("v2/regions", CancellationToken.None));

            Assert.Equal("ProviderRedirectRefused", ex.ErrorId);
            Assert.Equal(FailureCategory.SecurityError, ex.Category);
            Assert.Contains("127.0.0.2", ex.Message, StringComparison.Ordinal);
            Assert.Single(api.Seen);
            Assert.Empty(elsewhere.Seen);
        }

        [Fact]
        public async Task A_redirect_within_the_api_is_followed_with_the_token()
        {
            await using var api = await Host.StartAsync("127.0.0.1", (h, c) =>
            {
                if (c.Request.Path == "/v2/regions")
                {
                    c.Response.StatusCode = 301;
                    c.Response.Headers.Location = new Uri(h.Uri, "v2/regions/").ToString();
                    return Task.CompletedTask;
                }

                return c.Response.WriteAsJsonAsync(new { regions = new[] { new { slug = "tor1" } } });
            });
            using var client = Settings(api.Uri).ScalewayClient(NullReporter.Instance);

            var body = await client.GetAsync("v2/regions", CancellationToken.None);

            Assert.Equal("tor1", body.GetProperty("regions")[0].GetProperty("slug").GetString());
            Assert.Equal(new[] { "/v2/regions", "/v2/regions/" }, api.Seen.Select(s => s.Path));
            Assert.All(api.Seen, s => Assert.Equal("scw-secret-key", s.AuthToken));
        }

        [Fact]
        public async Task Jenkins_does_not_follow_a_redirect_to_another_host_with_its_credentials()
        {
            await using var elsewhere = await Host.StartAsync("127.0.0.2", (_, c) => c.Response.WriteAsJsonAsync(new { crumb = "x", crumbRequestField = "Jenkins-Crumb" }));
            await using var jenkins = await Host.StartAsync("127.0.0.1", (_, c) =>
            {
                c.Response.StatusCode = 302;
                c.Response.Headers.Location = new Uri(elsewhere.Uri, c.Request.Path.Value!.TrimStart('/')).ToString();
                return Task.CompletedTask;
            });
            var connection = JenkinsConnection.Resolve(jenkins.Uri.ToString(), null, null, name => name switch
            {
                "JENKINS_USER_ID" => "releaser",
                "JENKINS_API_TOKEN" => "jenkins-secret-token",
                _ => null,
            });
            using var client = new JenkinsClient(connection);

            await Assert.ThrowsAsync<ReleaseOpsException>(() => client.TriggerAsync("cortico/e2e", null, NullReporter.Instance, CancellationToken.None));

            Assert.NotEmpty(jenkins.Seen);
            Assert.All(jenkins.Seen, s => Assert.StartsWith("Basic ", s.Authorization, StringComparison.Ordinal));
            Assert.Empty(elsewhere.Seen);
        }
    }
}
