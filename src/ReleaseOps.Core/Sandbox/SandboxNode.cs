using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

// PowerShell 7 (net8.0). Windows PowerShell 5.1 (net472) compiles SandboxNode.NetFramework.cs instead; the
// project file picks one of the two.
namespace ReleaseOps.Core.Sandbox
{
    /// <summary>
    /// A real OpenSSH server on 127.0.0.1 with a root filesystem of its own whose changes are thrown away: an
    /// overlay over / whose upper layer is a tmpfs, in private mount, UTS and PID namespaces. useradd, apt
    /// configuration or files written over SSH change only the node. Admins use it to rehearse a bootstrap or a
    /// migration on one Linux machine; the tests run against it. Needs root and Linux.
    /// </summary>
    /// <remarks>
    /// The recipe: unshare --mount --uts --pid --fork --mount-proc --propagation private, then inside: a tmpfs with an
    /// overlay (lower /, upper and work on the tmpfs), proc, --rbind /dev, fresh tmpfs on /tmp, /run, /root and
    /// /home, its own hostname, its own host key and sshd_config (ListenAddress 127.0.0.1, its own Port, UsePAM no),
    /// then exec chroot root /usr/sbin/sshd -D -e. sshd is PID 1 of the namespace: SIGTERM to it ends the node and
    /// the kernel ends everything else in it. The network namespace is the host's, so the port is on loopback.
    /// </remarks>
    public sealed class SandboxNode : IDisposable
    {
        private const int SigTerm = 15;
        private const int SigKill = 9;
        private static readonly ConcurrentDictionary<int, SandboxNode> Running = new();
        private static int exitHookInstalled;
        private readonly Process unshare;
        private readonly string directory;
        private readonly StringBuilder log = new();
        private int stopped;

        private SandboxNode(string name, int port, Process unshare, string directory, string hostKeyLine, string fingerprint)
        {
            Name = name;
            Port = port;
            this.unshare = unshare;
            this.directory = directory;
            HostKey = hostKeyLine;
            HostKeyFingerprint = fingerprint;
            Started = DateTimeOffset.UtcNow;
        }

        public string Name { get; }

        public string Address => "127.0.0.1";

        public int Port { get; }

        /// <summary>The node's ed25519 host key, as a .pub line (type and base64).</summary>
        public string HostKey { get; }

        /// <summary>SHA256:... of the host key, as ssh-keygen -l prints it.</summary>
        public string HostKeyFingerprint { get; }

        public DateTimeOffset Started { get; }

        /// <summary>sshd's process id as the host sees it (PID 1 inside the node).</summary>
        public int SshdPid { get; private set; }

        /// <summary>The node's root filesystem, seen from outside: /proc/&lt;sshd&gt;/root.</summary>
        public string RootPath => "/proc/" + SshdPid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/root";

        public bool IsRunning => Volatile.Read(ref stopped) == 0 && !unshare.HasExited;

        /// <summary>The nodes this process started and has not stopped.</summary>
        public static IReadOnlyCollection<SandboxNode> All => Running.Values.ToList();

        /// <summary>Why sandbox nodes cannot run here, or null when they can.</summary>
        public static string? NotSupportedReason()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return "Sandbox nodes need Linux namespaces; this is " + RuntimeInformation.OSDescription + ".";
            }

            if (NativeMethods.geteuid() != 0)
            {
                return "Sandbox nodes need root (mount namespaces and chroot); this process is not root.";
            }

            foreach (var tool in new[] { "/usr/sbin/sshd", "/usr/bin/unshare", "/usr/bin/ssh-keygen" })
            {
                if (!File.Exists(tool))
                {
                    return $"{tool} is missing; install openssh-server, openssh-client and util-linux.";
                }
            }

            return null;
        }

        public static async Task<SandboxNode> StartAsync(SandboxNodeOptions options, IOperationReporter reporter, CancellationToken token)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var reason = NotSupportedReason();
            if (reason is not null)
            {
                throw new ReleaseOpsException(ErrorIds.SandboxNotSupported, FailureCategory.NotInstalled, reason,
                    "Run as root on Linux with openssh-server installed, or use a real provider.", options.Name);
            }

            if (!DirectHostNames.IsDnsLabel(options.Name))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidNodeName, FailureCategory.InvalidArgument,
                    $"'{options.Name}' is not a DNS label.", "Use lower-case letters, digits and hyphens, such as cortico or cortico-clientname.", options.Name);
            }

            InstallExitHook();
            var dir = Path.Combine(Path.GetTempPath(), "releaseops-sandbox-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            var stage = dir + ".stage";
            Directory.CreateDirectory(dir);
            Directory.CreateDirectory(stage);
            try
            {
                await RunAsync("/usr/bin/ssh-keygen", new[] { "-q", "-t", "ed25519", "-N", "", "-C", "root@" + options.Name, "-f", Path.Combine(stage, "ssh_host_ed25519_key") }, token).ConfigureAwait(false);
                var hostKey = File.ReadAllText(Path.Combine(stage, "ssh_host_ed25519_key.pub")).Trim();
                var parts = hostKey.Split(' ');
                var fingerprint = "SHA256:" + Convert.ToBase64String(Sha256(Convert.FromBase64String(parts[1]))).TrimEnd('=');
                File.WriteAllText(Path.Combine(stage, "authorized_keys"), string.Join("\n", options.AuthorizedKeys.Select(k => k.Trim())) + "\n");

                for (var attempt = 0; ; attempt++)
                {
                    var port = options.Port > 0 ? options.Port : FreePort();
                    File.WriteAllText(Path.Combine(stage, "sshd_config"), SshdConfig(port) + string.Join("\n", options.SshdConfigLines) + "\n");
                    File.WriteAllText(Path.Combine(stage, "start.sh"), StartScript(dir, stage, options.Name, options.PivotRoot));
                    var process = StartUnshare(Path.Combine(stage, "start.sh"));
                    var node = new SandboxNode(options.Name, port, process, dir, parts[0] + " " + parts[1], fingerprint);
                    process.ErrorDataReceived += (_, e) => node.Append(e.Data);
                    process.OutputDataReceived += (_, e) => node.Append(e.Data);
                    process.BeginErrorReadLine();
                    process.BeginOutputReadLine();
                    Running[process.Id] = node;
                    try
                    {
                        await node.WaitListeningAsync(options.StartTimeout, token).ConfigureAwait(false);
                        reporter.Verbose($"Sandbox node {options.Name} listens on 127.0.0.1:{port} (sshd pid {node.SshdPid}).");
                        return node;
                    }
                    catch (ReleaseOpsException) when (options.Port == 0 && attempt < 3 && node.Log.Contains("Address already in use"))
                    {
                        node.Stop();
                    }
                    catch
                    {
                        node.Stop();
                        throw;
                    }
                }
            }
            finally
            {
                TryDelete(stage);
            }
        }

        /// <summary>What sshd and the start script printed.</summary>
        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        /// <summary>Stops the node: SIGTERM to its sshd (PID 1 inside), SIGKILL after a grace period; reaps everything.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 1)
            {
                return;
            }

            try
            {
                if (!unshare.HasExited)
                {
                    var pid = SshdPid > 0 ? SshdPid : ChildOf(unshare.Id);
                    if (pid > 0)
                    {
                        _ = NativeMethods.kill(pid, SigTerm);
                    }

                    if (!unshare.WaitForExit(5000))
                    {
                        if (pid > 0)
                        {
                            _ = NativeMethods.kill(pid, SigKill);
                        }

                        unshare.Kill();
                    }

                    unshare.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                Running.TryRemove(unshare.Id, out _);
                unshare.Dispose();
                TryDelete(directory);
            }
        }

        public void Dispose() => Stop();

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                if (log.Length < 64 * 1024)
                {
                    log.AppendLine(line);
                }
            }
        }

        private async Task WaitListeningAsync(TimeSpan timeout, CancellationToken token)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                token.ThrowIfCancellationRequested();
                if (unshare.HasExited)
                {
                    throw Failed("exited before it listened");
                }

                if (SshdPid <= 0)
                {
                    SshdPid = ChildOf(unshare.Id);
                }

                if (SshdPid > 0 && Log.Contains("Server listening on 127.0.0.1 port " + Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    return;
                }

                await Task.Delay(10, token).ConfigureAwait(false);
            }

            throw Failed($"did not listen within {timeout.TotalSeconds:0} s");
        }

        private ReleaseOpsException Failed(string what) =>
            new(ErrorIds.SandboxStartFailed, FailureCategory.ResourceUnavailable,
                $"Sandbox node {Name} {what}. sshd said: {Log.Trim()}",
                "Check that openssh-server is installed and that the port is free.", Name);

        private static string SshdConfig(int port) => string.Join("\n", new[]
        {
            "# Sandbox node: written by ReleaseOps, thrown away with the node. Drop-ins come first, as on Ubuntu.",
            "Include /etc/ssh/sshd_config.d/*.conf",
            "Port " + port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "ListenAddress 127.0.0.1",
            "HostKey /etc/ssh/ssh_host_ed25519_key",
            "UsePAM no",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "AuthorizedKeysFile .ssh/authorized_keys",
            "MaxStartups 200:30:400",
            "MaxSessions 50",
            "Subsystem sftp internal-sftp",
            "AcceptEnv LANG LC_*",
            string.Empty,
        });

        private static string StartScript(string dir, string stage, string name, bool pivotRoot)
        {
            string Q(string s) => ShellQuote.Quote(s);
            var r = dir + "/root";
            return string.Join("\n", new[]
            {
                "set -e",
                $"mount -t tmpfs -o mode=0755 tmpfs {Q(dir)}",
                $"mkdir -p {Q(dir + "/upper")} {Q(dir + "/work")} {Q(r)}",
                $"mount -t overlay overlay -o {Q("lowerdir=/,upperdir=" + dir + "/upper,workdir=" + dir + "/work")} {Q(r)}",
                $"mount -t proc proc {Q(r + "/proc")}",
                $"mount --rbind /dev {Q(r + "/dev")}",
                $"for d in tmp run root home; do mount -t tmpfs -o mode=0755 tmpfs {Q(r)}/$d; done",
                $"chmod 1777 {Q(r + "/tmp")}; chmod 0700 {Q(r + "/root")}",
                $"mkdir -p {Q(r + "/run/sshd")} {Q(r + "/root/.ssh")}",
                // Root's dotfiles come from /etc/skel, not from the host's root (which may run slow shell setup).
                $"cp -a /etc/skel/. {Q(r + "/root/")} 2>/dev/null || true",
                $"cp {Q(stage + "/ssh_host_ed25519_key")} {Q(stage + "/ssh_host_ed25519_key.pub")} {Q(r + "/etc/ssh/")}",
                $"cp {Q(stage + "/sshd_config")} {Q(r + "/etc/ssh/sshd_config")}",
                $"rm -f {Q(r + "/etc/ssh/sshd_config.d")}/*.conf",
                $"cp {Q(stage + "/authorized_keys")} {Q(r + "/root/.ssh/authorized_keys")}",
                $"chmod 700 {Q(r + "/root/.ssh")}; chmod 600 {Q(r + "/root/.ssh/authorized_keys")} {Q(r + "/etc/ssh/ssh_host_ed25519_key")}",
                $"hostname {Q(name)}",
                $"echo {Q(name)} > {Q(r + "/etc/hostname")}",
                // Tells the bootstrap that this node shares its host's network (so it never enables a firewall).
                $"echo 'ReleaseOps sandbox node: shares the network of the machine that runs it.' > {Q(r + "/etc/releaseops-sandbox")}",
                // pivot_root . . stacks the old root on the new one, and umount -l takes it away (as runc does).
                pivotRoot ? $"cd {Q(r)} && pivot_root . . && umount -l . && cd / && exec /usr/sbin/sshd -D -e" : $"exec chroot {Q(r)} /usr/sbin/sshd -D -e",
                string.Empty,
            });
        }

        private static Process StartUnshare(string script)
        {
            var psi = new ProcessStartInfo("/usr/bin/unshare")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
            };
            foreach (var a in new[] { "--mount", "--uts", "--pid", "--fork", "--mount-proc", "--propagation", "private", "/bin/sh", script })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new ReleaseOpsException(ErrorIds.SandboxStartFailed, FailureCategory.ResourceUnavailable,
                "unshare did not start.", "Check that util-linux is installed.");
            process.StandardInput.Close();
            return process;
        }

        private static async Task RunAsync(string file, IEnumerable<string> args, CancellationToken token)
        {
            var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            _ = await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await p.WaitForExitAsync(token).ConfigureAwait(false);
            if (p.ExitCode != 0)
            {
                throw new ReleaseOpsException(ErrorIds.SandboxStartFailed, FailureCategory.ResourceUnavailable,
                    $"{file} failed: {(await err.ConfigureAwait(false)).Trim()}", "Check that openssh-client is installed.");
            }
        }

        private static int ChildOf(int pid)
        {
            try
            {
                var text = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim();
                return text.Length == 0 ? 0 : int.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
            catch (UnauthorizedAccessException)
            {
                return 0;
            }
        }

        private static int FreePort()
        {
            var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            }
            finally
            {
                listener.Stop();
            }
        }

        private static byte[] Sha256(byte[] data)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            return sha.ComputeHash(data);
        }

        private static void InstallExitHook()
        {
            // Nodes must not outlive the process that started them: unshare's children would keep running.
            if (Interlocked.Exchange(ref exitHookInstalled, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    foreach (var node in Running.Values.ToList())
                    {
                        node.Stop();
                    }
                };
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static class NativeMethods
        {
            [DllImport("libc", SetLastError = true)]
            internal static extern uint geteuid();

            [DllImport("libc", SetLastError = true)]
            internal static extern int kill(int pid, int sig);
        }
    }
}
