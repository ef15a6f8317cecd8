using System;
using System.Collections;
using System.Collections.Generic;
using ReleaseOps.Core;

namespace ReleaseOps.Core.Tests;

public class ProjectSettingsTests
{
    private static readonly IReadOnlyDictionary<string, int> NoLines = new Dictionary<string, int>();

    private static ReleaseOpsProject Read(Hashtable values, IReadOnlyDictionary<string, int>? lines = null) =>
        ProjectSettings.FromValues(values, lines ?? NoLines, "/repo/releaseops.psd1", "/repo");

    [Fact]
    public void Fills_in_defaults()
    {
        var p = Read(new Hashtable { ["Slug"] = "cortico" });
        Assert.Equal("cortico", p.Slug);
        Assert.Equal("cortico", p.Name);
        Assert.Equal("develop", p.DevelopBranch);
        Assert.Equal("master", p.ReleaseBranch);
        Assert.Equal("origin", p.Remote);
        Assert.Equal(TagScheme.CalVer, p.TagScheme);
        Assert.Empty(p.StagingNodes);
        Assert.Null(p.Provider);
        Assert.Equal("/repo", p.RepositoryPath);
    }

    [Fact]
    public void Reads_every_setting_case_insensitively()
    {
        var p = Read(new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["slug"] = "cortico", ["Name"] = "Cortico", ["ReleaseBranch"] = "main", ["TagScheme"] = "semver",
            ["StagingNodes"] = "Staging.Cortico.CA.", ["ProductionNodes"] = new object[] { "a.cortico.ca", "b.cortico.ca" },
            ["Provider"] = "digitalocean", ["Region"] = "tor1", ["DnsZone"] = "Cortico.ca", ["EndToEndTestCommand"] = "npm run e2e",
            ["JenkinsJob"] = "cortico/e2e", ["JenkinsUrl"] = "https://jenkins.example.com/",
        });
        Assert.Equal("main", p.ReleaseBranch);
        Assert.Equal(TagScheme.SemVer, p.TagScheme);
        Assert.Equal(new[] { "staging.cortico.ca" }, p.StagingNodes);
        Assert.Equal(new[] { "a.cortico.ca", "b.cortico.ca" }, p.ProductionNodes);
        Assert.Equal(HostingProvider.DigitalOcean, p.Provider);
        Assert.Equal("cortico.ca", p.DnsZone);
        Assert.Equal("npm run e2e", p.EndToEndTestCommand);
    }

    [Theory]
    [InlineData("Slg", "cortico", "Did you mean 'Slug'?")]
    [InlineData("StagingNode", "x.example.com", "Did you mean 'StagingNodes'?")]
    public void Unknown_keys_name_the_closest_setting(string key, string value, string hint)
    {
        var values = new Hashtable { ["Slug"] = "cortico", [key] = value };
        var ex = Assert.Throws<ReleaseOpsException>(() => Read(values, new Dictionary<string, int> { [key] = 7 }));
        Assert.Equal("InvalidProjectSettings", ex.ErrorId);
        Assert.StartsWith("/repo/releaseops.psd1:7: " + key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(hint, ex.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal("/repo/releaseops.psd1", ex.Target);
    }

    [Theory]
    [InlineData("Slug", null, "missing")]
    [InlineData("Slug", "Cortico App", "not a DNS label")]
    [InlineData("ReleaseBranch", "rel ease", "not a valid branch name")]
    [InlineData("DevelopBranch", "master", "both")]
    [InlineData("TagScheme", "Date", "not known")]
    [InlineData("Provider", "Linode", "not known")]
    [InlineData("JenkinsUrl", "ftp://x", "not an http(s) URL")]
    [InlineData("JenkinsGate", "Trigger", "not known")]
    [InlineData("StagingNodes", "bad_host", "not a valid host name")]
    public void Invalid_values_name_the_key_and_the_problem(string key, string? value, string problem)
    {
        var values = new Hashtable { ["Slug"] = "cortico" };
        values[key] = value;
        var ex = Assert.Throws<ReleaseOpsException>(() => Read(values));
        Assert.Equal("InvalidProjectSettings", ex.ErrorId);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.RecommendedAction));
    }

    [Fact]
    public void JenkinsGate_reads_the_last_build_unless_told_to_run_the_job()
    {
        Assert.Equal("Run", Read(new Hashtable { ["Slug"] = "cortico" }).JenkinsGate);
        Assert.Equal("Run", Read(new Hashtable { ["Slug"] = "cortico", ["JenkinsGate"] = "run" }).JenkinsGate);
    }

    [Fact]
    public void Wrong_types_are_named()
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => Read(new Hashtable { ["Slug"] = new Hashtable() }));
        Assert.Contains("must be a string, not a hashtable", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ReleaseOpsException>(() => Read(new Hashtable { ["Slug"] = "c", ["StagingNodes"] = new object[] { 5 } }));
        Assert.Contains("not a Int32", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("develop", null)]
    [InlineData("feature/login", null)]
    [InlineData("", "empty")]
    [InlineData("a b", "space")]
    [InlineData("a..b", "'..'")]
    [InlineData("-x", "starts with '-'")]
    [InlineData("x.lock", ".lock")]
    [InlineData("x/.hidden", "starts with '.'")]
    [InlineData("a~1", "~")]
    [InlineData("a@{1}", "@{")]
    public void Checks_branch_names_as_git_does(string name, string? problem)
    {
        var result = ProjectSettings.GitRefProblem(name);
        if (problem is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.NotNull(result);
            Assert.Contains(problem, result, StringComparison.Ordinal);
        }
    }
}
