using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;

namespace ReleaseOps.Core.Tests;

public class EnvironmentProbeTests
{
    [Fact]
    public async Task Runs_the_git_path_with_libgit2_and_reports_each_component()
    {
        var checks = await EnvironmentProbe.RunAsync(new ProbeOptions(), NullReporter.Instance, CancellationToken.None);
        Assert.Equal(new[] { "Git", "SSH", "EC2" }, checks.Select(c => c.Component));
        var git = checks[0];
        Assert.True(git.Succeeded, git.Detail);
        Assert.Matches("created commit [0-9a-f]{10}", git.Detail);
        Assert.Equal("LibGit2Sharp", git.Assembly);
        Assert.All(checks, c => Assert.True(c.Succeeded, c.Detail));
    }

    [Fact]
    public async Task The_ssh_path_refuses_to_run_without_an_expected_host_key()
    {
        var checks = await EnvironmentProbe.RunAsync(new ProbeOptions { SshHost = "127.0.0.1", SshPort = 1 }, NullReporter.Instance, CancellationToken.None);
        var ssh = checks.Single(c => c.Component == "SSH");
        Assert.False(ssh.Succeeded);
        Assert.Contains("fingerprint", ssh.Detail, System.StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ec2_without_credentials_fails_that_check_only()
    {
        var saved = (System.Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), System.Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        try
        {
            System.Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            var checks = await EnvironmentProbe.RunAsync(new ProbeOptions { Ec2Endpoint = new System.Uri("http://127.0.0.1:9/") }, NullReporter.Instance, CancellationToken.None);
            var ec2 = checks.Single(c => c.Component == "EC2");
            Assert.False(ec2.Succeeded);
            Assert.Contains("AWS_ACCESS_KEY_ID", ec2.Detail, System.StringComparison.Ordinal);
            Assert.True(checks[0].Succeeded);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            System.Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
        }
    }
}
