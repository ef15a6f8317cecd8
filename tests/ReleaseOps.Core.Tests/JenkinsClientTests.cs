using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Jenkins;

namespace ReleaseOps.Core.Tests;

public class JenkinsClientTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = new Dictionary<string, string>();
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }

        return name => map.TryGetValue(name, out var v) ? v : null;
    }

    [Fact]
    public void Resolves_the_url_and_credentials_from_the_Jenkins_CLI_variables()
    {
        var c = JenkinsConnection.Resolve(null, null, null, Env(("JENKINS_URL", "https://ci.example.com/jenkins"), ("JENKINS_USER_ID", "releaser"), ("JENKINS_API_TOKEN", "t0ken")));
        Assert.Equal("https://ci.example.com/jenkins/", c.BaseUrl.ToString());
        Assert.Equal("releaser", c.User);
        Assert.True(c.Authenticated);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("releaser:t0ken")), c.BasicAuthorization());
        var legacy = JenkinsConnection.Resolve("https://ci/", null, null, Env(("JENKINS_USER", "old"), ("JENKINS_API_TOKEN", "t")));
        Assert.Equal("old", legacy.User);
        var anonymous = JenkinsConnection.Resolve("http://ci/", null, null, Env());
        Assert.False(anonymous.Authenticated);
        Assert.Null(anonymous.BasicAuthorization());
    }

    [Theory]
    [InlineData(null, "JenkinsUrlMissing")]
    [InlineData("ftp://ci/", "InvalidJenkinsUrl")]
    [InlineData("https://user:secret@ci/", "InvalidJenkinsUrl")]
    public void Refuses_a_missing_or_bad_url_without_echoing_it(string? url, string id)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => JenkinsConnection.Resolve(url, null, null, Env()));
        Assert.Equal(id, ex.ErrorId);
        Assert.DoesNotContain("secret", ex.Message + ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cortico/e2e", "job/cortico/job/e2e/")]
    [InlineData("/cortico//e2e/", "job/cortico/job/e2e/")]
    [InlineData("team a/deploy #1", "job/team%20a/job/deploy%20%231/")]
    public void Maps_folders_to_job_segments(string job, string path) => Assert.Equal(path, JenkinsConnection.JobPath(job));

    [Theory]
    [InlineData("")]
    [InlineData("cortico/../admin")]
    public void Refuses_paths_that_are_not_jobs(string job) =>
        Assert.Equal("InvalidJenkinsJob", Assert.Throws<ReleaseOpsException>(() => JenkinsConnection.JobPath(job)).ErrorId);

    [Theory]
    [InlineData("http://ci:8080/queue/item/143/", 143L)]
    [InlineData("http://ci/jenkins/queue/item/7", 7L)]
    [InlineData("http://ci/job/x/", null)]
    public void Reads_the_queue_id_from_the_Location_header(string location, long? id) => Assert.Equal(id, JenkinsClient.QueueIdOf(new Uri(location)));

    [Fact]
    public void Parses_the_contract_build_info()
    {
        // From tests/contracts/jenkins/build_info.finished.json (cdancy/jenkins-rest's fixture), trimmed.
        const string json = """
            {"actions":[{"parameters":[{"name":"bear","value":true},{"name":"fish","value":"salmon"}]},
              {"causes":[{"shortDescription":"Started by user anonymous"}]},{},
              {"_class":"hudson.plugins.git.util.BuildData","lastBuiltRevision":{"SHA1":"0123abcd"}}],
             "building":false,"duration":60750,"number":10,"queueId":73,"result":"SUCCESS","timestamp":1461091892486,
             "url":"http://localhost:32769/job/fish/10/"}
            """;
        using var doc = JsonDocument.Parse(json);
        var b = JenkinsClient.ParseBuild("fish", doc.RootElement);
        Assert.Equal(10, b.Number);
        Assert.Equal("SUCCESS", b.Result);
        Assert.Equal(JenkinsBuildState.Completed, b.State);
        Assert.Equal(TimeSpan.FromMilliseconds(60750), b.Duration);
        Assert.Equal(73L, b.QueueId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1461091892486), b.Timestamp);
        Assert.Equal("true", b.Parameters["bear"]);
        Assert.Equal("salmon", b.Parameters["fish"]);
        Assert.Equal("0123abcd", b.Commit);
        using var running = JsonDocument.Parse("""{"building":true,"result":null,"number":11}""");
        Assert.Equal(JenkinsBuildState.Building, JenkinsClient.ParseBuild("fish", running.RootElement).State);
    }

    [Theory]
    [InlineData("SUCCESS", null)]
    [InlineData("FAILURE", "JenkinsBuildFailed")]
    [InlineData("UNSTABLE", "JenkinsBuildUnstable")]
    [InlineData("ABORTED", "JenkinsBuildAborted")]
    [InlineData("NOT_BUILT", "JenkinsBuildNotBuilt")]
    public void Maps_each_result_to_a_stable_error_id(string result, string? id)
    {
        var build = new JenkinsBuild { Job = "cortico/e2e", Number = 5, Result = result, State = JenkinsBuildState.Completed };
        var error = JenkinsClient.ResultError(build);
        Assert.Equal(id, error?.ErrorId);
        if (error is not null)
        {
            Assert.Same(build, error.Target);
            Assert.Contains("cortico/e2e #5", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stops_waiting_in_the_queue_when_cancelled()
    {
        // Jenkins at the HTTP level: a queue item that never leaves the queue.
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var polls = 0;
        using var cts = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (!listener.IsListening)
                {
                    return;
                }

                if (Interlocked.Increment(ref polls) == 3)
                {
                    cts.Cancel();
                }

                var body = Encoding.UTF8.GetBytes("""{"_class":"hudson.model.Queue$BlockedItem","id":1,"blocked":true,"why":"Waiting"}""");
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        var connection = JenkinsConnection.Resolve($"http://127.0.0.1:{port}/", null, null, Env());
        using var client = new JenkinsClient(connection);
        var queued = new JenkinsBuild { Job = "cortico/e2e", State = JenkinsBuildState.Queued, QueueId = 1 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitAsync(queued, null, NullReporter.Instance, cts.Token));
        Assert.True(polls >= 3);

        // Close, not Stop: HttpListener's Stop and then its Dispose each unregister the port, and the second one binds
        // it again to do so, which fails with "Address already in use" when another test took the freed port meanwhile.
        listener.Close();
        await server;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        try
        {
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
        finally
        {
            l.Stop();
        }
    }
}
