using ReleaseOps.Core;

namespace ReleaseOps.Core.Tests;

public class HostingProviderSelectorTests
{
    [Fact]
    public void Rule_1_client_servers_win_over_everything()
    {
        var d = HostingProviderSelector.Select(new HostingRequirements
        {
            Project = "hospital", ClientProvidesServers = true, AwsOnlyServices = new[] { "RDS" }, DataResidency = "Canada",
        });
        Assert.Equal(HostingProvider.Client, d.Provider);
        Assert.Equal(1, d.Rule);
        Assert.Null(d.Region);
        Assert.Contains("RDS", d.Reason, System.StringComparison.Ordinal);
        Assert.Contains("Canada", d.Reason, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_2_aws_only_services_pick_aws()
    {
        var d = HostingProviderSelector.Select(new HostingRequirements { AwsOnlyServices = new[] { "Cognito", " rds ", "cognito", "" } });
        Assert.Equal(HostingProvider.Aws, d.Provider);
        Assert.Equal(2, d.Rule);
        Assert.Equal("us-east-1", d.Region);
        Assert.Equal(new[] { "Cognito", "rds" }, d.AwsOnlyService);
        Assert.StartsWith("Rule 2:", d.Reason, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_3_canada_picks_digitalocean_toronto()
    {
        var d = HostingProviderSelector.Select(new HostingRequirements { DataResidency = "ca" });
        Assert.Equal(HostingProvider.DigitalOcean, d.Provider);
        Assert.Equal("tor1", d.Region);
        Assert.Equal(3, d.Rule);
        Assert.Equal("Canada", d.DataResidency);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Any")]
    [InlineData("none")]
    public void Rule_4_no_restrictions_picks_scaleway(string? residency)
    {
        var d = HostingProviderSelector.Select(new HostingRequirements { DataResidency = residency });
        Assert.Equal(HostingProvider.Scaleway, d.Provider);
        Assert.Equal("fr-par-1", d.Region);
        Assert.Equal(4, d.Rule);
    }

    [Fact]
    public void Canada_with_aws_only_services_is_a_contradiction_unless_allowed()
    {
        var req = new HostingRequirements { Project = "kmc", AwsOnlyServices = new[] { "Cognito" }, DataResidency = "Canada" };
        var ex = Assert.Throws<ReleaseOpsException>(() => HostingProviderSelector.Select(req));
        Assert.Equal("ConflictingHostingRequirements", ex.ErrorId);
        Assert.Contains("-AllowAwsCanada", ex.RecommendedAction, System.StringComparison.Ordinal);

        req.AllowAwsCanada = true;
        var d = HostingProviderSelector.Select(req);
        Assert.Equal(HostingProvider.Aws, d.Provider);
        Assert.Equal("ca-central-1", d.Region);
    }

    [Fact]
    public void Unknown_residency_and_bad_slugs_are_errors()
    {
        Assert.Equal("InvalidDataResidency",
            Assert.Throws<ReleaseOpsException>(() => HostingProviderSelector.Select(new HostingRequirements { DataResidency = "Mars" })).ErrorId);
        Assert.Equal("InvalidProjectSlug",
            Assert.Throws<ReleaseOpsException>(() => HostingProviderSelector.Select(new HostingRequirements { Project = "Bad Slug" })).ErrorId);
    }
}
