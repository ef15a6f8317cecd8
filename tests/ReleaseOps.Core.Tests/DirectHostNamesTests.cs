using System;
using System.Collections.Generic;
using ReleaseOps.Core;

namespace ReleaseOps.Core.Tests;

public class DirectHostNamesTests
{
    private static readonly IReadOnlyList<string> Own = new[] { "countable.ca" };

    [Theory]
    [InlineData("cryptsend.io", "direct.cryptsend.io", DirectNameRule.DirectPrefix)]
    [InlineData("www.cryptsend.io", "direct.cryptsend.io", DirectNameRule.DirectPrefix)]
    [InlineData("kmc.countable.ca", "kmc-direct.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("KMC.Countable.CA.", "kmc-direct.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("a.b.countable.ca", "a-direct.b.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("www.kmc.countable.ca", "kmc-direct.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("countable.ca", "direct.countable.ca", DirectNameRule.DirectPrefix)]
    [InlineData("notcountable.ca", "direct.notcountable.ca", DirectNameRule.DirectPrefix)]
    [InlineData("  app.example.org  ", "direct.app.example.org", DirectNameRule.DirectPrefix)]
    [InlineData("https://kmc.countable.ca/login?x=1", "kmc-direct.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("bücher.de", "direct.xn--bcher-kva.de", DirectNameRule.DirectPrefix)]
    [InlineData("BÜCHER.countable.ca", "xn--bcher-kva-direct.countable.ca", DirectNameRule.OwnDomainSuffix)]
    [InlineData("www.io", "direct.www.io", DirectNameRule.DirectPrefix)]
    public void Maps_public_names_to_direct_names(string input, string expected, DirectNameRule rule)
    {
        var result = DirectHostNames.Resolve(input, Own);
        Assert.Equal(expected, result.DirectHostName);
        Assert.Equal(rule, result.Rule);
        Assert.Equal(input, result.InputName);
    }

    [Theory]
    [InlineData("cryptsend.io")]
    [InlineData("www.cryptsend.io")]
    [InlineData("kmc.countable.ca")]
    [InlineData("countable.ca")]
    [InlineData("bücher.de")]
    public void Is_idempotent(string input)
    {
        var once = DirectHostNames.Resolve(input, Own);
        var twice = DirectHostNames.Resolve(once.DirectHostName, Own);
        Assert.Equal(once.DirectHostName, twice.DirectHostName);
        Assert.Equal(DirectNameRule.AlreadyDirect, twice.Rule);
        Assert.Equal(once.HostName, twice.HostName);
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    public void Returns_ip_addresses_unchanged(string input, string expected)
    {
        var result = DirectHostNames.Resolve(input, Own);
        Assert.Equal(DirectNameRule.IpAddress, result.Rule);
        Assert.Equal(expected, result.DirectHostName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad_name.com")]
    [InlineData("localhost")]
    [InlineData("-leading.com")]
    [InlineData("trailing-.com")]
    [InlineData("a..b.com")]
    [InlineData("semi;colon.com")]
    [InlineData("$(reboot).com")]
    public void Rejects_invalid_names_with_a_stable_id(string input)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => DirectHostNames.Resolve(input, Own));
        Assert.Equal("InvalidHostName", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.False(string.IsNullOrWhiteSpace(ex.RecommendedAction));
    }

    [Fact]
    public void Rejects_a_first_label_that_would_overflow()
    {
        var label = new string('a', 60);
        var ex = Assert.Throws<ReleaseOpsException>(() => DirectHostNames.Resolve(label + ".countable.ca", Own));
        Assert.Equal("DirectLabelTooLong", ex.ErrorId);
    }

    [Fact]
    public void Own_domains_come_from_the_argument_then_the_environment_then_the_default()
    {
        var saved = Environment.GetEnvironmentVariable(DirectHostNames.OwnDomainsVariable);
        try
        {
            Environment.SetEnvironmentVariable(DirectHostNames.OwnDomainsVariable, null);
            Assert.Equal(new[] { "countable.ca" }, DirectHostNames.ResolveOwnDomains(null));
            Environment.SetEnvironmentVariable(DirectHostNames.OwnDomainsVariable, "Example.ORG., agency.net");
            Assert.Equal(new[] { "example.org", "agency.net" }, DirectHostNames.ResolveOwnDomains(null));
            Assert.Equal(new[] { "given.io" }, DirectHostNames.ResolveOwnDomains(new[] { "given.io" }));
            var r = DirectHostNames.Resolve("app.agency.net", DirectHostNames.ResolveOwnDomains(null));
            Assert.Equal("app-direct.agency.net", r.DirectHostName);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DirectHostNames.OwnDomainsVariable, saved);
        }
    }

    [Fact]
    public void The_longest_matching_own_domain_wins()
    {
        var own = new[] { "countable.ca", "labs.countable.ca" };
        Assert.Equal("x-direct.labs.countable.ca", DirectHostNames.Resolve("x.labs.countable.ca", own).DirectHostName);
        Assert.Equal("labs-direct.countable.ca", DirectHostNames.Resolve("labs.countable.ca", DirectHostNames.ResolveOwnDomains(new[] { "countable.ca" })).DirectHostName);
    }

    [Theory]
    [InlineData("cortico", true)]
    [InlineData("cortico-clientname", true)]
    [InlineData("a1", true)]
    [InlineData("Cortico", false)]
    [InlineData("-cortico", false)]
    [InlineData("cortico-", false)]
    [InlineData("cor_tico", false)]
    [InlineData("", false)]
    public void Validates_dns_labels(string label, bool valid) => Assert.Equal(valid, DirectHostNames.IsDnsLabel(label));
}
