using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Tests;

/// <summary>A client key pair and helpers for tests that start sandbox nodes (root on Linux; CI provides both).</summary>
public sealed class SandboxKeys : IDisposable
{
    public SandboxKeys()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ro-tests-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        System.IO.Directory.CreateDirectory(Directory);
        IdentityFile = Path.Combine(Directory, "id_ed25519");
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "releaseops-tests", "-f", IdentityFile);
        PublicKey = File.ReadAllText(IdentityFile + ".pub").Trim();
    }

    public string Directory { get; }

    public string IdentityFile { get; }

    public string PublicKey { get; }

    public Task<SandboxNode> StartNodeAsync(string name) =>
        SandboxNode.StartAsync(new SandboxNodeOptions { Name = name, AuthorizedKeys = new[] { PublicKey } }, NullReporter.Instance, CancellationToken.None);

    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    /// <summary>Runs a command on a node with the system ssh client, trusting exactly the node's host key.</summary>
    public (int ExitCode, string Output) Ssh(SandboxNode node, string command)
    {
        var known = Path.Combine(Directory, "known_" + node.Port);
        File.WriteAllText(known, $"[127.0.0.1]:{node.Port} {node.HostKey}\n");
        return Run("ssh", "-i", IdentityFile, "-p", node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "UserKnownHostsFile=" + known, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-F", "/dev/null",
            "root@127.0.0.1", command);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
        }
    }
}
