using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using LibGit2Sharp;
using Renci.SshNet;

namespace ReleaseOps.Core
{
    /// <summary>
    /// Runs the git, SSH and EC2 code paths and reports which copy of each dependency served them. An admin runs it
    /// (Test-ReleaseOpsEnvironment) when another module in the session ships other versions of these libraries.
    /// </summary>
    public static class EnvironmentProbe
    {
        public static async Task<IReadOnlyList<DependencyCheck>> RunAsync(ProbeOptions options, IOperationReporter reporter, CancellationToken token)
        {
            var results = new List<DependencyCheck>();
            const int activity = ProgressIds.EnvironmentCheck;
            reporter.Progress(activity, "Checking ReleaseOps's dependencies", "git (LibGit2Sharp)", 0);
            results.Add(Check("Git", typeof(Repository).Assembly, GitPath));
            reporter.Progress(activity, "Checking ReleaseOps's dependencies", "SSH (SSH.NET)", 33);
            results.Add(Check("SSH", typeof(SshClient).Assembly, () => SshPath(options)));
            reporter.Progress(activity, "Checking ReleaseOps's dependencies", "EC2 (AWS SDK)", 66);
            var ec2 = typeof(AmazonEC2Client).Assembly;
            if (options.Ec2Endpoint is null)
            {
                results.Add(Describe("EC2", ec2, true, "Loaded; no -Ec2Endpoint was given, so no request was made."));
            }
            else
            {
                try
                {
                    var detail = await Ec2PathAsync(options, token).ConfigureAwait(false);
                    results.Add(Describe("EC2", ec2, true, detail));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    results.Add(Describe("EC2", ec2, false, ex.GetType().Name + ": " + ex.Message));
                }
            }

            reporter.CompleteProgress(activity, "Checking ReleaseOps's dependencies");
            return results;
        }

        private static DependencyCheck Check(string component, Assembly assembly, Func<string> run)
        {
            try
            {
                return Describe(component, assembly, true, run());
            }
            catch (Exception ex)
            {
                return Describe(component, assembly, false, ex.GetType().Name + ": " + ex.Message);
            }
        }

        private static DependencyCheck Describe(string component, Assembly assembly, bool ok, string detail)
        {
            var name = assembly.GetName();
#if NET
            var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)?.Name ?? "(none)";
#else
            var context = "AppDomain " + AppDomain.CurrentDomain.FriendlyName;
#endif
            return new DependencyCheck(component, name.Name ?? string.Empty, name.Version?.ToString() ?? string.Empty, context, assembly.Location, ok, detail);
        }

        private static string GitPath()
        {
            // In this process's private folder (0700), never in a shared one.
            var dir = Path.Combine(LocalFiles.ProcessDirectory(), "probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                Repository.Init(dir);
                using var repo = new Repository(dir);
                File.WriteAllText(Path.Combine(dir, "probe.txt"), "probe\n");
                Commands.Stage(repo, "probe.txt");
                var sig = new Signature("ReleaseOps", "releaseops@localhost", DateTimeOffset.UtcNow);
                var commit = repo.Commit("probe", sig, sig);
                return $"libgit2 {GlobalSettings.Version.LibGit2CommitSha}: created commit {commit.Sha.Substring(0, 10)} in a scratch repository.";
            }
            finally
            {
                TryDelete(dir);
            }
        }

        private static string SshPath(ProbeOptions o)
        {
            if (string.IsNullOrEmpty(o.SshHost))
            {
                return "Loaded; no -SshHost was given, so no connection was made.";
            }

            if (string.IsNullOrEmpty(o.SshHostKeyFingerprint))
            {
                throw new ReleaseOpsException(ErrorIds.HostKeyFingerprintRequired, FailureCategory.SecurityError,
                    "The probe verifies the host key and needs the expected fingerprint.",
                    "Pass -SshHostKeyFingerprint with the value that ssh-keygen -lf prints for the node's host key.", o.SshHost);
            }

            using var key = new PrivateKeyFile(o.SshIdentityFile ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "id_ed25519"));
            using var client = new SshClient(new ConnectionInfo(o.SshHost!, o.SshPort, o.SshUser, new PrivateKeyAuthenticationMethod(o.SshUser, key)));
            string? seen = null;
            client.HostKeyReceived += (_, e) =>
            {
                seen = "SHA256:" + e.FingerPrintSHA256;
                e.CanTrust = string.Equals(seen, o.SshHostKeyFingerprint, StringComparison.Ordinal);
            };
            try
            {
                client.Connect();
            }
            catch (Renci.SshNet.Common.SshConnectionException) when (seen is not null && seen != o.SshHostKeyFingerprint)
            {
                throw new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                    $"The host key of {o.SshHost}:{o.SshPort} is {seen}, not {o.SshHostKeyFingerprint}.",
                    "Check the node; if its key really changed, update the expected fingerprint.", o.SshHost);
            }

            using var cmd = client.RunCommand("echo releaseops-probe");
            client.Disconnect();
            return $"Connected to {o.SshHost}:{o.SshPort} as {o.SshUser} ({client.ConnectionInfo.CurrentKeyExchangeAlgorithm}), host key {seen}; ran a command: {cmd.Result.Trim()}";
        }

        private static async Task<string> Ec2PathAsync(ProbeOptions o, CancellationToken token)
        {
            var id = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            {
                throw new ReleaseOpsException(ErrorIds.AwsCredentialsMissing, FailureCategory.AuthenticationError,
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.", "Set the AWS credentials in the environment, as the AWS CLI reads them.");
            }

            var config = new AmazonEC2Config { ServiceURL = o.Ec2Endpoint!.ToString(), AuthenticationRegion = o.Ec2Region, MaxErrorRetry = 0 };
            using var client = new AmazonEC2Client(new BasicAWSCredentials(id, secret), config);
            var response = await client.DescribeRegionsAsync(new DescribeRegionsRequest(), token).ConfigureAwait(false);
            var names = (response.Regions ?? new List<Region>()).Select(r => r.RegionName).ToList();
            return $"Signed DescribeRegions call to {o.Ec2Endpoint} answered {names.Count} regions: {string.Join(", ", names)}";
        }

        private static void TryDelete(string dir)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
                    {
                        File.SetAttributes(f, FileAttributes.Normal);
                    }

                    Directory.Delete(dir, true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
