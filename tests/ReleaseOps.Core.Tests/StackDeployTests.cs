using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ReleaseOps.Core;
using ReleaseOps.Core.Deploy;

namespace ReleaseOps.Core.Tests;

public class StackDeployTests
{
    private static ReleaseOpsProject Read(Hashtable values) =>
        ProjectSettings.FromValues(values, new Dictionary<string, int> { ["HealthCheckStatus"] = 4 }, "/repo/releaseops.psd1", "/repo");

    [Fact]
    public void Deploy_settings_have_defaults()
    {
        var p = Read(new Hashtable { ["Slug"] = "cortico" });
        Assert.Equal("/srv/cortico", p.StackPath);
        Assert.Equal("Build", p.StackUpdate);
        Assert.Equal(200, p.HealthCheckStatus);
        Assert.Equal(60, p.HealthCheckTimeout);
        Assert.Null(p.StackUpCommand);
        Assert.Null(p.MigrateCommand);
        Assert.Null(p.HealthCheckUrl);
        Assert.Null(p.HealthCheckCommand);
        Assert.Null(p.RepositoryUrl);
    }

    [Fact]
    public void Deploy_settings_are_read()
    {
        var p = Read(new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["Slug"] = "cortico", ["StackPath"] = "/opt/cortico/", ["StackUpdate"] = "pull", ["MigrateCommand"] = "docker compose run --rm web python manage.py migrate",
            ["HealthCheckUrl"] = "http://127.0.0.1:8000/health", ["HealthCheckStatus"] = 204, ["HealthCheckTimeout"] = "90",
            ["HealthCheckCommand"] = "true", ["StackUpCommand"] = "make up", ["RepositoryUrl"] = "git@github.com:countable-web/cortico.git",
        });
        Assert.Equal("/opt/cortico", p.StackPath);
        Assert.Equal("Pull", p.StackUpdate);
        Assert.Equal(204, p.HealthCheckStatus);
        Assert.Equal(90, p.HealthCheckTimeout);
        Assert.Equal("make up", p.StackUpCommand);
        var request = DeployRequest.FromProject(p);
        Assert.Equal("/opt/cortico", request.StackPath);
        Assert.Equal("make up", request.StackUpCommand);
    }

    [Theory]
    [InlineData("StackPath", "srv/cortico")]
    [InlineData("StackUpdate", "Rebuild")]
    [InlineData("HealthCheckUrl", "ftp://x/")]
    [InlineData("HealthCheckStatus", 42)]
    [InlineData("HealthCheckStatus", "ok")]
    [InlineData("HealthCheckTimeout", 0)]
    [InlineData("HealthCheckTimout", 5)]
    public void Deploy_settings_mistakes_name_the_key(string key, object value)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => Read(new Hashtable { ["Slug"] = "cortico", [key] = value }));
        Assert.Equal("InvalidProjectSettings", ex.ErrorId);
        Assert.Contains(key, ex.Message);
        if (key == "HealthCheckTimout")
        {
            Assert.Contains("Did you mean 'HealthCheckTimeout'", ex.RecommendedAction);
        }
    }

    [Theory]
    [InlineData("-rf")]
    [InlineData("--upload-pack=touch /tmp/pwned")]
    [InlineData(";rm -rf /")]
    [InlineData("a\nb")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData("refs/heads/x.lock")]
    public void Refs_that_git_refuses_are_rejected(string reference)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => StackDeploy.Validate(new DeployRequest { Ref = reference, StackPath = "/srv/x" }));
        Assert.Equal("InvalidRef", ex.ErrorId);
    }

    [Theory]
    [InlineData("$(id)")]
    [InlineData("x;id")]
    [InlineData("feature/it's")]
    public void Other_refs_pass_as_one_quoted_argument(string reference)
    {
        var request = new DeployRequest { Ref = reference, StackPath = "/srv/x" };
        StackDeploy.Validate(request);
        Assert.Equal(reference, StackDeploy.Arguments(request)[3]);
        Assert.Contains(ShellQuote.Quote(reference), string.Join("\n", StackDeploy.Plan(request)));
    }

    [Theory]
    [InlineData("--upload-pack=x")]
    [InlineData("a b")]
    [InlineData("")]
    public void Remotes_must_be_plain_names(string remote)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => StackDeploy.Validate(new DeployRequest { Ref = "develop", Remote = remote, StackPath = "/srv/x" }));
        Assert.Equal("InvalidRemote", ex.ErrorId);
    }

    [Fact]
    public void Rollback_needs_no_ref_and_skips_the_migrations()
    {
        var request = new DeployRequest { Rollback = true, StackPath = "/srv/x", MigrateCommand = "migrate-now" };
        StackDeploy.Validate(request);
        Assert.Equal("rollback", StackDeploy.Arguments(request)[0]);
        Assert.DoesNotContain(StackDeploy.Plan(request), l => l.Contains("migrate-now"));
        Assert.Contains(StackDeploy.Plan(new DeployRequest { Ref = "develop", StackPath = "/srv/x", MigrateCommand = "migrate-now" }), l => l.Contains("migrate-now"));
    }

    [Fact]
    public void The_script_is_valid_posix_sh_and_takes_fourteen_arguments()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, StackDeploy.Script);
            var shell = File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh";
            using var p = Process.Start(new ProcessStartInfo(shell, $"-n {file}") { RedirectStandardError = true, UseShellExecute = false })!;
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, error);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Equal(14, StackDeploy.Arguments(new DeployRequest { Ref = "develop", StackPath = "/srv/x" }).Count);
    }
}
