using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// Opens SSH connections the way OpenSSH would: ssh_config (Host blocks, Include, HostName, User, Port,
    /// IdentityFile, IdentitiesOnly, ProxyJump), known_hosts with the Strict or AcceptNew policy, and keys from ~/.ssh
    /// (ed25519, ecdsa, rsa, encrypted ones with a passphrase).
    /// </summary>
    /// <remarks>
    /// SSH.NET has no ssh-agent client; <see cref="SshAgent"/> is ours, so the agent's keys (SSH_AUTH_SOCK or
    /// IdentityAgent; IdentitiesOnly honoured) are offered after -IdentityFile and before the key files, as ssh does.
    /// Key exchange prefers curve25519-sha256:
    /// SSH.NET's post-quantum hybrids are implemented in managed code and cost several milliseconds of CPU per
    /// connection, which adds up across a fan-out to hundreds of nodes; OpenSSH servers all offer curve25519.
    /// </remarks>
    public static class NodeConnector
    {
        private static readonly string[] PreferredKex = { "curve25519-sha256", "curve25519-sha256@libssh.org" };

        /// <summary>
        /// AES-GCM first, as OpenSSH offers it: .NET runs it natively (AES-NI), with no separate MAC, so the relay of a
        /// migration's data costs the admin's machine a third of the CPU that AES-CTR with HMAC-SHA2 does.
        /// </summary>
        private static readonly string[] PreferredCiphers = { "aes128-gcm@openssh.com", "aes256-gcm@openssh.com" };
        private static readonly string[] DefaultKeyNames = { "id_rsa", "id_ecdsa", "id_ed25519" };

        public static async Task<NodeSession> ConnectAsync(string name, SshConnectOptions options, IOperationReporter reporter, CancellationToken token)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, "The host name is empty.", "Pass a host name, an address or an ssh_config alias.");
            }

            PoolThreads.Ensure(Environment.ProcessorCount + PoolThreads.PerSession);
            var config = options.ConfigFile is null ? SshConfig.LoadDefault() : SshConfig.Load(options.ConfigFile);
            var settings = config.Resolve(name.Trim(), options.User, options.Port);
            var chain = new List<IDisposable>();
            var hopWatches = new List<ConnectionWatch>();
            try
            {
                // Jump hosts first, each reached through the one before it (ssh -J a,b target). Every hop's host key
                // is checked against its own name, not the local forward's address.
                var hops = settings.ProxyJump.Select(j => (Name: j.Host, Settings: config.Resolve(j.Host, j.User, j.Port))).ToList();
                string? viaHost = null;
                var viaPort = 0;
                for (var i = 0; i < hops.Count; i++)
                {
                    var hop = hops[i].Settings;
                    reporter.Verbose($"Connecting to jump host {hop.User}@{hop.HostName}:{hop.Port}.");
                    var jump = await OpenAsync(hops[i].Name, hop, viaHost, viaPort, options, chain, reporter, token).ConfigureAwait(false);
                    chain.Add(jump.Client);
                    hopWatches.Add(jump.Watch);
                    var next = i + 1 < hops.Count ? hops[i + 1].Settings : settings;
                    var forward = new ForwardedPortLocal("127.0.0.1", 0, next.HostName, (uint)next.Port);
                    jump.Client.AddForwardedPort(forward);
                    forward.Start();
                    chain.Add(forward);
                    viaHost = "127.0.0.1";
                    viaPort = (int)forward.BoundPort;
                }

                reporter.Verbose($"Connecting to {settings.User}@{settings.HostName}:{settings.Port}{(viaHost is null ? string.Empty : " through " + hops.Count + " jump host(s)")}.");
                var opened = await OpenAsync(name, settings, viaHost, viaPort, options, chain, reporter, token).ConfigureAwait(false);
                return new NodeSession(name, settings, opened.Client, opened.Fingerprint, chain, options, opened.Watch, hopWatches, opened.HostKey);
            }
            catch
            {
                for (var i = chain.Count - 1; i >= 0; i--)
                {
                    chain[i].Dispose();
                }

                throw;
            }
        }

        /// <summary>The known_hosts file that applies: the option, the config's UserKnownHostsFile, else ~/.ssh/known_hosts.</summary>
        public static string KnownHostsPath(SshConnectOptions options, SshHostSettings settings) =>
            options.KnownHostsFile ?? settings.UserKnownHostsFile ?? DefaultKnownHostsPath;

        /// <summary>~/.ssh/known_hosts, with PowerShell's ~ ($HOME).</summary>
        public static string DefaultKnownHostsPath => Path.Combine(Home(), ".ssh", "known_hosts");

        private static async Task<(SshClient Client, string Fingerprint, ConnectionWatch Watch, string HostKey)> OpenAsync(
            string name, SshHostSettings settings, string? viaHost, int viaPort, SshConnectOptions options,
            List<IDisposable> chain, IOperationReporter reporter, CancellationToken token)
        {
            var keys = LoadKeys(name, settings, options);
            var auth = new PrivateKeyAuthenticationMethod(settings.User, keys.ToArray());
            var info = new ConnectionInfo(viaHost ?? settings.HostName, viaHost is null ? settings.Port : viaPort, settings.User, auth)
            {
                Timeout = settings.ConnectTimeoutSeconds is int t ? TimeSpan.FromSeconds(t) : options.ConnectTimeout,
            };
            Prefer(info.KeyExchangeAlgorithms, PreferredKex);
            Prefer(info.Encryptions, PreferredCiphers);

            var known = new KnownHostsFile(KnownHostsPath(options, settings));
            var knownTypes = known.KnownKeyTypes(settings.HostName, settings.Port);
            if (knownTypes.Count > 0)
            {
                // Ask for the key type we already know, as OpenSSH does, so a node with several keys is not "changed".
                Prefer(info.HostKeyAlgorithms, knownTypes.SelectMany(AlgorithmsFor).ToArray());
            }

            HostKeyCheck? check = null;
            var trusted = false;
            byte[] presented = Array.Empty<byte>();
            var presentedType = string.Empty;
            var client = new SshClient(info);
            var watch = new ConnectionWatch(name, settings.HostName + ":" + settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), client);
            client.HostKeyReceived += (_, e) =>
            {
                presented = e.HostKey;
                presentedType = KeyType(e.HostKey, e.HostKeyName);
                check = known.Check(settings.HostName, settings.Port, presentedType, e.HostKey);
                // Behind a jump host a new key is never accepted on first use: the jump host carries the connection and
                // could present any key for the target, so it must be known already (SECURITY.md, a compromised node).
                e.CanTrust = check.Status == HostKeyStatus.Known
                    || (check.Status == HostKeyStatus.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew && viaHost is null);
                trusted = e.CanTrust;
            };

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(info.Timeout + TimeSpan.FromSeconds(5));
                await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                client.Dispose();
                keys.OfType<IDisposable>().ToList().ForEach(k => k.Dispose());
                var failure = Translate(ex, name, settings, trusted ? null : check, known.Path, keys.Count);
                if (viaHost is not null && failure is ReleaseOpsException { ErrorId: ErrorIds.HostKeyUnknown } unknown)
                {
                    failure = new ReleaseOpsException(unknown.ErrorId, unknown.Category,
                        unknown.Message + " It was reached through a jump host, where a new key is never accepted on first use: the jump host could present any key.",
                        $"Record its key over a direct connection or from the provider's console (ssh-keyscan -p {settings.Port} {settings.HostName} on a trusted path), then run again.", unknown.Target, ex);
                }

                throw failure;
            }
            catch
            {
                client.Dispose();
                keys.OfType<IDisposable>().ToList().ForEach(k => k.Dispose());
                throw;
            }

            // The keys stay open for later channels (SFTP) and are disposed with the session.
            chain.AddRange(keys.OfType<IDisposable>());
            if (check is null)
            {
                client.Dispose();
                keys.OfType<IDisposable>().ToList().ForEach(k => k.Dispose());
                throw new ReleaseOpsException(ErrorIds.HostKeyUnverified, FailureCategory.SecurityError,
                    $"{name} did not present a host key.", "Check the node's sshd.", name);
            }

            if (check.Status == HostKeyStatus.Unknown)
            {
                try
                {
                    // Add checks again under the writers' locks: if another connection recorded another key for this
                    // host since our check (a race under AcceptNew), this one is HostKeyMismatch and is not used.
                    known.Add(settings.HostName, settings.Port, presentedType, presented, options.HashKnownHosts);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }

                reporter.Warning(known.IsNone
                    ? $"Trusted the new host key of {name} ({KnownHostsFile.HostPattern(settings.HostName, settings.Port)}) for this connection only: {check.PresentedFingerprint}. UserKnownHostsFile is none, so it is not recorded."
                    : $"Trusted the new host key of {name} ({KnownHostsFile.HostPattern(settings.HostName, settings.Port)}) on first use: {check.PresentedFingerprint}. It is recorded in {known.Path}.");
            }

            return (client, check.PresentedFingerprint, watch, presentedType + " " + Convert.ToBase64String(presented));
        }

        private static Exception Translate(Exception ex, string name, SshHostSettings s, HostKeyCheck? check, string knownPath, int keyCount)
        {
            var where = KnownHostsFile.HostPattern(s.HostName, s.Port);
            if (check is not null && check.Status != HostKeyStatus.Known && ex is SshConnectionException or SshException)
            {
                switch (check.Status)
                {
                    case HostKeyStatus.Unknown:
                        return new ReleaseOpsException(ErrorIds.HostKeyUnknown, FailureCategory.SecurityError,
                            $"The host key of {name} ({where}) is not known: {check.PresentedFingerprint}.",
                            $"Check the fingerprint against the provider's console or the node itself, then run again with -HostKeyPolicy AcceptNew to record it in {knownPath}, or add it there yourself (ssh-keyscan -p {s.Port} {s.HostName}).",
                            name, ex);
                    case HostKeyStatus.Changed:
                        return new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                            $"The host key of {name} ({where}) has CHANGED. It presented {check.PresentedFingerprint}, but {knownPath}{(check.Line is int l ? ":" + l : string.Empty)} records {string.Join(", ", check.KnownFingerprints)}. Someone may be intercepting the connection, or the node was rebuilt.",
                            $"Find out why the key changed. If the node was rebuilt, remove the old entry (ssh-keygen -R '{where}' -f {knownPath}) and connect again.",
                            name, ex);
                    case HostKeyStatus.Revoked:
                        return new ReleaseOpsException(ErrorIds.HostKeyRevoked, FailureCategory.SecurityError,
                            $"The host key of {name} ({where}), {check.PresentedFingerprint}, is marked @revoked in {knownPath}.",
                            "Do not connect. Give the node a new host key and record it.", name, ex);
                }
            }

            return ex switch
            {
                SshAuthenticationException => new ReleaseOpsException(ErrorIds.AuthenticationFailed, FailureCategory.AuthenticationError,
                    $"{s.User}@{name} refused all {keyCount} key(s) offered: {ex.Message}",
                    $"Install your public key for {s.User} on the node (Add-NodeSshKey, or the provider's console), or pass -IdentityFile and -User.", name, ex),
                SocketException or SshOperationTimeoutException or OperationCanceledException or TimeoutException => new ReleaseOpsException(ErrorIds.NodeUnreachable, FailureCategory.ConnectionError,
                    $"Cannot reach {name} at {s.HostName}:{s.Port}: {ex.Message}",
                    "Check the address, the port, the firewall and that sshd runs; for a jump host, check ProxyJump.", name, ex),
                SshConnectionException => new ReleaseOpsException(ErrorIds.SshConnectionFailed, FailureCategory.ConnectionError,
                    $"The SSH connection to {name} ({s.HostName}:{s.Port}) failed: {ex.Message}", "Check that the node runs an SSH server on that port.", name, ex),
                ReleaseOpsException r => r,
                _ => new ReleaseOpsException(ErrorIds.SshConnectionFailed, FailureCategory.ConnectionError,
                    $"The SSH connection to {name} ({s.HostName}:{s.Port}) failed: {ex.Message}", "Check the node and your SSH settings.", name, ex),
            };
        }

        private static List<IPrivateKeySource> LoadKeys(string name, SshHostSettings settings, SshConnectOptions options)
        {
            var explicitFiles = options.IdentityFiles.Select(Expand).ToList();
            foreach (var f in explicitFiles.Where(f => !File.Exists(f)))
            {
                throw new ReleaseOpsException(ErrorIds.IdentityFileNotFound, FailureCategory.ObjectNotFound,
                    $"The identity file {f} does not exist.", "Pass the path of a private key (ed25519, ecdsa or rsa).", f);
            }

            var candidates = explicitFiles.Concat(settings.IdentityFiles.Where(File.Exists)).Distinct().ToList();
            if (candidates.Count == 0 && !settings.IdentitiesOnly)
            {
                // ssh reads ~ from the password database; PowerShell's ~ is $HOME. Where they differ (sudo without -H,
                // containers, a scheduled task's profile), the keys in $HOME/.ssh are offered too.
                var home = Path.Combine(Home(), ".ssh");
                candidates = DefaultKeyNames.Select(n => Path.Combine(home, n)).Where(File.Exists).ToList();
            }
            // The agent's keys (passphrase-protected and hardware-backed keys that only the agent holds) come after the
            // keys named with -IdentityFile and before the key files, as ssh offers them. With IdentitiesOnly, only the
            // agent keys whose public half is one of the configured identities' .pub files.
            var agentKeys = SshAgent.For(settings)?.Keys(settings.IdentitiesOnly ? blob => PublicBlobs(candidates).Any(b => b.SequenceEqual(blob)) : null)
                ?? Array.Empty<IPrivateKeySource>();
            var keys = new List<IPrivateKeySource>();
            var passphrase = options.Passphrase is null ? null : Plain(options.Passphrase);
            foreach (var file in candidates)
            {
                try
                {
                    var key = passphrase is null ? new PrivateKeyFile(file) : new PrivateKeyFile(file, passphrase);
                    if (explicitFiles.Contains(file))
                    {
                        keys.Insert(keys.Count(k => k is PrivateKeyFile), key);
                    }
                    else
                    {
                        keys.Add(key);
                    }
                }
                catch (SshPassPhraseNullOrEmptyException) when (!explicitFiles.Contains(file) && agentKeys.Count > 0)
                {
                    // An encrypted key file whose key the agent holds (the usual case): the agent signs instead.
                }
                catch (SshPassPhraseNullOrEmptyException ex)
                {
                    throw new ReleaseOpsException(ErrorIds.PassphraseRequired, FailureCategory.AuthenticationError,
                        $"The key {file} is encrypted and no passphrase was given.", "Pass -Passphrase (Read-Host -AsSecureString, or from a secret store).", file, ex);
                }
                catch (SshException ex) when (passphrase is not null && IsEncrypted(file))
                {
                    throw new ReleaseOpsException(ErrorIds.PassphraseIncorrect, FailureCategory.AuthenticationError,
                        $"The passphrase does not open the key {file}.", "Check the passphrase for this key.", file, ex);
                }
                catch (Exception ex) when (ex is SshException or InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
                {
                    if (explicitFiles.Contains(file))
                    {
                        throw new ReleaseOpsException(ErrorIds.IdentityFileInvalid, FailureCategory.InvalidData,
                            $"{file} is not a private key that SSH.NET can read: {ex.Message}", "Pass an OpenSSH private key (ed25519, ecdsa or rsa).", file, ex);
                    }
                }
            }

            keys.InsertRange(Math.Min(explicitFiles.Count, keys.Count), agentKeys);
            if (keys.Count == 0)
            {
                throw new ReleaseOpsException(ErrorIds.NoIdentityFile, FailureCategory.AuthenticationError,
                    $"No private key was found to log in to {name} as {settings.User}.",
                    "Create a key (ssh-keygen -t ed25519), name one with -IdentityFile, set IdentityFile in ~/.ssh/config, or load a key into ssh-agent (SSH_AUTH_SOCK).", name);
            }

            return keys;
        }

        /// <summary>The public key blobs of the identity files' .pub files, for IdentitiesOnly with an agent.</summary>
        private static IEnumerable<byte[]> PublicBlobs(IEnumerable<string> files)
        {
            foreach (var file in files)
            {
                byte[]? blob = null;
                try
                {
                    var fields = File.Exists(file + ".pub") ? File.ReadAllText(file + ".pub").Split(new[] { ' ', '\t', '\n' }, StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>();
                    blob = fields.Length > 1 ? Convert.FromBase64String(fields[1]) : null;
                }
                catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
                {
                }

                if (blob is not null)
                {
                    yield return blob;
                }
            }
        }

        /// <summary>Whether the key needs a passphrase: SSH.NET says so when asked to open it without one.</summary>
        private static bool IsEncrypted(string file)
        {
            try
            {
                using var probe = new PrivateKeyFile(file);
                return false;
            }
            catch (SshPassPhraseNullOrEmptyException)
            {
                return true;
            }
            catch (Exception ex) when (ex is SshException or InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
            {
                return false;
            }
        }

        private static string Plain(SecureString secure)
        {
            var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(ptr) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <summary>The key's type as known_hosts names it: the first string of the SSH wire blob (ssh-rsa for rsa-sha2-*).</summary>
        private static string KeyType(byte[] blob, string fallback)
        {
            if (blob.Length > 4)
            {
                var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
                if (length > 0 && length <= blob.Length - 4 && length < 64)
                {
                    return System.Text.Encoding.ASCII.GetString(blob, 4, length);
                }
            }

            return fallback.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : fallback;
        }

        private static IEnumerable<string> AlgorithmsFor(string keyType) => keyType switch
        {
            "ssh-rsa" => new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" },
            _ => new[] { keyType },
        };

        private static void Prefer<T>(IDictionary<string, T> algorithms, IReadOnlyList<string> first)
        {
            var entries = algorithms.ToList();
            var ordered = first.Where(algorithms.ContainsKey).Select(k => entries.First(e => e.Key == k))
                .Concat(entries.Where(e => !first.Contains(e.Key))).ToList();
            algorithms.Clear();
            foreach (var e in ordered)
            {
                algorithms.Add(e.Key, e.Value);
            }
        }

        private static string Expand(string path) =>
            path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(), path.Substring(2)) : Path.GetFullPath(path);

        private static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }
}
