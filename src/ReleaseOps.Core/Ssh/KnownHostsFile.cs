using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// Reads and appends to an OpenSSH known_hosts file (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT").
    /// </summary>
    /// <remarks>
    /// <para>
    /// A line is: an optional marker (@revoked or @cert-authority), comma-separated host patterns, a key type, the
    /// base64 key and an optional comment. Patterns may use * and ?, a leading ! negates (a line whose negated pattern
    /// matches never applies), a host on a port other than 22 is written [host]:port, and a hashed field
    /// |1|salt|HMAC-SHA1(salt, host) stands for one host. Blank lines, # comments and malformed lines (too few fields,
    /// bad base64, a key whose encoded type differs from the line's, an unknown marker, a bad hash) are skipped, as
    /// ssh does. @cert-authority lines are ignored: this class checks plain host keys only.
    /// </para>
    /// <para>
    /// Host names are compared lower-cased, as ssh does. The key type recorded is the one encoded in the key blob;
    /// the signature algorithm names rsa-sha2-256 and rsa-sha2-512 are accepted for an ssh-rsa key.
    /// </para>
    /// <para>
    /// Writers are serialized by an in-process lock and an exclusive OS lock on "&lt;file&gt;.lock" (flock on Unix, a
    /// share-none handle on Windows), taken with retries until <see cref="LockTimeout"/>. The lock file is left in place:
    /// deleting it would let two writers lock different files. Each line is appended with a single write. Readers take
    /// no OS lock, so they never wait for writers; in this process they do not read while a line is being written.
    /// On Unix, .NET's file locking can be turned off with DOTNET_SYSTEM_IO_DISABLEFILELOCKING; then only writers in
    /// this process are serialized.
    /// </para>
    /// </remarks>
    public sealed class KnownHostsFile
    {
        public const string RevokedMarker = "@revoked";
        public const string CertAuthorityMarker = "@cert-authority";
        private const string HashMagic = "|1|";
        private const int Sha1Length = 20;
        private const int MaxKeyTypeLength = 64;
        private static readonly ConcurrentDictionary<string, Gate> Gates = new(StringComparer.Ordinal);
        private static readonly char[] FieldSeparators = { ' ', '\t' };
        private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

        public KnownHostsFile(string path)
        {
            if (path is null || string.IsNullOrWhiteSpace(path))
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidPath, FailureCategory.InvalidArgument,
                    "The known_hosts path is empty.", "Pass the path of a known_hosts file, such as ~/.ssh/known_hosts.", path);
            }

            if (string.Equals(path, NoFile, StringComparison.Ordinal))
            {
                // UserKnownHostsFile none, as ssh reads it: no file is read or written.
                Path = NoFile;
                IsNone = true;
                return;
            }

            try
            {
                Path = System.IO.Path.GetFullPath(path);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidPath, FailureCategory.InvalidArgument,
                    $"'{path}' is not a valid file path: {e.Message}", "Pass the path of a known_hosts file, such as ~/.ssh/known_hosts.", path, e);
            }
        }

        /// <summary>The name that stands for no file at all (UserKnownHostsFile none).</summary>
        public const string NoFile = "none";

        /// <summary>The full path of the file. It need not exist: Check then finds nothing and Add creates it.</summary>
        public string Path { get; }

        /// <summary>True for "none": nothing is read (every host is Unknown) and nothing is written, as in ssh.</summary>
        public bool IsNone { get; }

        /// <summary>How long Add waits for other writers (threads or processes) before failing with KnownHostsLocked.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// Looks up a presented host key.
        /// </summary>
        /// <remarks>
        /// Revoked: the key is on any @revoked line, whatever its hosts. Known: an entry for this host holds this key
        /// type and key (this wins over other entries for the host). Changed: an entry for this host holds this key
        /// type with a different key, or - stricter than OpenSSH, which would just ask about the new key - the host is
        /// recorded only with keys of other types; a client that supports those types should ask the server for them
        /// (<see cref="HostKeyCheck.KnownKeyTypes"/>). Unknown: no entry for this host. A bare-host entry applies to
        /// port 22 only; other ports need [host]:port entries (or a pattern such as * that matches that text).
        /// </remarks>
        public HostKeyCheck Check(string host, int port, string keyType, byte[] keyBlob)
        {
            var pattern = HostPattern(host, port);
            var type = KeyTypeOf(keyType, keyBlob);
            var entries = Parse(ReadForCheck());
            return Evaluate(entries, pattern, type, keyBlob);
        }

        /// <summary>
        /// Appends an entry for the host and key, hashed when asked (|1|salt|hash, with a fresh random 20-byte salt, as
        /// OpenSSH's HashKnownHosts writes). Returns false, and writes nothing, when an entry for this host already
        /// holds this key (plain, hashed or wildcard: whatever Check would call Known), or when the file is "none".
        /// Refuses (HostKeyMismatch) a key for a host that is already recorded with another key, of any type: under
        /// AcceptNew, two connections that both found the host Unknown must not leave both keys trusted for good.
        /// Creates the file (mode 600 on Unix) and its directory (mode 700) when missing.
        /// Safe to call from many threads and processes at once: see the class remarks.
        /// </summary>
        public bool Add(string host, int port, string keyType, byte[] keyBlob, bool hashHostName)
        {
            var pattern = HostPattern(host, port);
            var type = KeyTypeOf(keyType, keyBlob);
            if (IsNone)
            {
                return false;
            }
            var timeout = LockTimeout < TimeSpan.Zero ? TimeSpan.Zero : LockTimeout;
            var clock = Stopwatch.StartNew();
            EnsureDirectory();

            var gate = Gates.GetOrAdd(LockKey(), _ => new Gate());
            if (!Monitor.TryEnter(gate.Writers, timeout))
            {
                throw Locked(timeout, null);
            }

            try
            {
                using var osLock = AcquireOsLock(clock, timeout);
                using var stream = OpenForAppend();
                var entries = Parse(ReadAll(stream));
                var revoked = entries.FirstOrDefault(e => e.Marker == Marker.Revoked && SameBytes(e.Blob, keyBlob));
                if (revoked is not null)
                {
                    throw new ReleaseOpsException(ErrorIds.KnownHostsKeyRevoked, FailureCategory.SecurityError,
                        $"The {type} key {Fingerprint(keyBlob)} is revoked in {Path} (line {revoked.Line}); it is not added for {pattern}.",
                        "Do not trust this key. Find out why it was revoked and get the host's current key from its administrator.", pattern);
                }

                var found = Evaluate(entries, pattern, type, keyBlob);
                if (found.Status == HostKeyStatus.Known)
                {
                    return false;
                }

                if (found.Status == HostKeyStatus.Changed)
                {
                    // Checked under the writers' lock, so a check-then-record race cannot trust two keys for one host.
                    throw new ReleaseOpsException(ErrorIds.HostKeyMismatch, FailureCategory.SecurityError,
                        $"{pattern} is already recorded in {Path}{(found.Line is int l ? ":" + l.ToString(CultureInfo.InvariantCulture) : string.Empty)} with {string.Join(", ", found.KnownFingerprints)}; its {type} key {found.PresentedFingerprint} is not added beside it.",
                        $"Find out why the host presents another key. If the host was rebuilt, remove the old entry (ssh-keygen -R '{pattern}' -f {Path}) and connect again.", pattern);
                }

                var line = (hashHostName ? HashHostPattern(pattern) : pattern) + " " + type + " " + Convert.ToBase64String(keyBlob);
                lock (gate.Io)
                {
                    Append(stream, line);
                }

                return true;
            }
            finally
            {
                Monitor.Exit(gate.Writers);
            }
        }

        /// <summary>The key types recorded for the host, so that a client can ask the server for one of them.</summary>
        public IReadOnlyList<string> KnownKeyTypes(string host, int port)
        {
            var pattern = HostPattern(host, port);
            if (IsNone)
            {
                return Array.Empty<string>();
            }

            return Parse(ReadForCheck()).Where(e => e.Marker == Marker.None && e.Matches(pattern))
                .Select(e => e.KeyType).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// Removes the entries recorded for exactly this host, plain or hashed, as ssh-keygen -R does; wildcard
        /// patterns that merely match it, and @revoked lines, stay. Returns how many lines were removed. Takes the
        /// same locks as Add.
        /// </summary>
        public int Remove(string host, int port)
        {
            var pattern = HostPattern(host, port);
            if (IsNone || !File.Exists(Path))
            {
                return 0;
            }

            var timeout = LockTimeout < TimeSpan.Zero ? TimeSpan.Zero : LockTimeout;
            var clock = Stopwatch.StartNew();
            var gate = Gates.GetOrAdd(LockKey(), _ => new Gate());
            if (!Monitor.TryEnter(gate.Writers, timeout))
            {
                throw Locked(timeout, null);
            }

            try
            {
                using var osLock = AcquireOsLock(clock, timeout);
                using var stream = OpenForAppend();
                var lines = Utf8.GetString(ReadAll(stream)).Split('\n');
                var kept = new List<string>();
                var removed = 0;
                for (var i = 0; i < lines.Length; i++)
                {
                    var entry = ParseLine(lines[i], i + 1);
                    if (entry is not null && entry.Marker == Marker.None && entry.IsExactly(pattern))
                    {
                        removed++;
                        continue;
                    }

                    kept.Add(lines[i]);
                }

                if (removed > 0)
                {
                    var bytes = Utf8.GetBytes(string.Join("\n", kept));
                    lock (gate.Io)
                    {
                        try
                        {
                            stream.SetLength(0);
                            stream.Write(bytes, 0, bytes.Length);
                            stream.Flush();
                        }
                        catch (IOException e)
                        {
                            throw Unwritable(FailureCategory.ResourceUnavailable, e);
                        }
                    }
                }

                return removed;
            }
            finally
            {
                Monitor.Exit(gate.Writers);
            }
        }

        /// <summary>"SHA256:" and the unpadded base64 of the key blob's SHA-256, as ssh-keygen -l prints it.</summary>
        public static string Fingerprint(byte[] keyBlob)
        {
            if (keyBlob is null)
            {
                throw new ArgumentNullException(nameof(keyBlob));
            }

#if NET
            var hash = SHA256.HashData(keyBlob);
#else
            byte[] hash;
            using (var sha = SHA256.Create())
            {
                hash = sha.ComputeHash(keyBlob);
            }
#endif
            return "SHA256:" + Convert.ToBase64String(hash).TrimEnd('=');
        }

        /// <summary>
        /// The text a known_hosts entry holds for a host: the lower-cased host for port 22, "[host]:port" otherwise.
        /// A bracketed IPv6 address is unbracketed first. Host names may hold ASCII letters, digits and . - _ : %.
        /// </summary>
        public static string HostPattern(string host, int port)
        {
            if (port < 1 || port > 65535)
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidPort, FailureCategory.InvalidArgument,
                    $"{port} is not a TCP port.", "Pass a port from 1 to 65535 (SSH uses 22).", port);
            }

            var name = (host ?? string.Empty).Trim();
            if (name.Length > 2 && name[0] == '[' && name[name.Length - 1] == ']')
            {
                name = name.Substring(1, name.Length - 2);
            }

            if (name.Length == 0 || name.Length > 255 || !name.All(IsHostChar))
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidHost, FailureCategory.InvalidArgument,
                    $"'{host}' is not a host name or address that can go in known_hosts.",
                    "Pass a plain host name or IP address (letters, digits, '.', '-', '_', ':' and '%'), without patterns or a port.", host);
            }

            name = name.ToLowerInvariant();
            return port == 22 ? name : "[" + name + "]:" + port.ToString(CultureInfo.InvariantCulture);
        }

        private static bool IsHostChar(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';

        private static HostKeyCheck Evaluate(List<Entry> entries, string pattern, string type, byte[] keyBlob)
        {
            var fingerprint = Fingerprint(keyBlob);
            var forHost = entries.Where(e => e.Marker == Marker.None && e.Matches(pattern)).ToList();
            var knownFingerprints = forHost.Select(e => Fingerprint(e.Blob)).Distinct(StringComparer.Ordinal).ToList();
            var knownTypes = forHost.Select(e => e.KeyType).Distinct(StringComparer.Ordinal).ToList();

            HostKeyCheck Result(HostKeyStatus status, Entry? at) =>
                new(status, fingerprint, knownFingerprints, knownTypes, at is null ? null : at.File, at?.Line);

            var revoked = entries.FirstOrDefault(e => e.Marker == Marker.Revoked && SameBytes(e.Blob, keyBlob));
            if (revoked is not null)
            {
                return Result(HostKeyStatus.Revoked, revoked);
            }

            var sameType = forHost.Where(e => string.Equals(e.KeyType, type, StringComparison.Ordinal)).ToList();
            var same = sameType.FirstOrDefault(e => SameBytes(e.Blob, keyBlob));
            if (same is not null)
            {
                return Result(HostKeyStatus.Known, same);
            }

            if (sameType.Count > 0)
            {
                return Result(HostKeyStatus.Changed, sameType[0]);
            }

            return forHost.Count > 0 ? Result(HostKeyStatus.Changed, forHost[0]) : Result(HostKeyStatus.Unknown, null);
        }

        /// <summary>The key type encoded in the blob (an SSH wire-format public key), checked against the given one.</summary>
        private static string KeyTypeOf(string keyType, byte[] keyBlob)
        {
            var encoded = keyBlob is null ? null : EncodedKeyType(keyBlob);
            if (encoded is null)
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidKey, FailureCategory.InvalidArgument,
                    "The host key is not an SSH public key blob (a length-prefixed key type, then the key).",
                    "Pass the raw host key as the server sent it (for example HostKeyEventArgs.HostKey in SSH.NET), not a fingerprint or a .pub line.", keyType);
            }

            var given = (keyType ?? string.Empty).Trim();
            if (given.StartsWith("rsa-sha2-256", StringComparison.Ordinal) || given.StartsWith("rsa-sha2-512", StringComparison.Ordinal))
            {
                // Signature algorithm names of an ssh-rsa key (RFC 8332), and of its certificate.
                given = "ssh-rsa" + given.Substring("rsa-sha2-256".Length);
            }

            if (given.Length > 0 && !string.Equals(given, encoded, StringComparison.Ordinal))
            {
                throw new ReleaseOpsException(ErrorIds.KnownHostsInvalidKey, FailureCategory.InvalidArgument,
                    $"The key type '{keyType}' does not match the key, which is {encoded}.",
                    "Pass the key type the server presented together with its key.", keyType);
            }

            return encoded;
        }

        /// <summary>The type string at the start of an SSH public key blob, or null when there is none.</summary>
        private static string? EncodedKeyType(byte[] blob)
        {
            if (blob.Length < 5)
            {
                return null;
            }

            var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            if (length < 1 || length > MaxKeyTypeLength || length > blob.Length - 4)
            {
                return null;
            }

            for (var i = 4; i < 4 + length; i++)
            {
                if (blob[i] <= 0x20 || blob[i] >= 0x7f)
                {
                    return null;
                }
            }

            return Encoding.ASCII.GetString(blob, 4, length);
        }

        private static string HashHostPattern(string pattern)
        {
            var salt = new byte[Sha1Length];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(salt);
            }

            return HashMagic + Convert.ToBase64String(salt) + "|" + Convert.ToBase64String(HostHash(salt, pattern));
        }

        private static byte[] HostHash(byte[] salt, string pattern)
        {
            var data = Encoding.UTF8.GetBytes(pattern);
#pragma warning disable CA5350 // HMAC-SHA1 is what the known_hosts format specifies for hashed host names.
#if NET
            return HMACSHA1.HashData(salt, data);
#else
            using var hmac = new HMACSHA1(salt);
            return hmac.ComputeHash(data);
#endif
#pragma warning restore CA5350
        }

        private static bool SameBytes(byte[] a, byte[] b) => a.Length == b.Length && a.SequenceEqual(b);

        private List<Entry> Parse(byte[] content)
        {
            var entries = new List<Entry>();
            var text = Utf8.GetString(content);
            var lineNumber = 0;
            var start = 0;
            while (start < text.Length)
            {
                var end = text.IndexOf('\n', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                lineNumber++;
                var entry = ParseLine(text.Substring(start, end - start), lineNumber);
                if (entry is not null)
                {
                    entries.Add(entry);
                }

                start = end + 1;
            }

            return entries;
        }

        private Entry? ParseLine(string line, int lineNumber)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                return null;
            }

            var fields = trimmed.Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
            var marker = Marker.None;
            var first = 0;
            if (fields[0][0] == '@')
            {
                if (string.Equals(fields[0], RevokedMarker, StringComparison.Ordinal))
                {
                    marker = Marker.Revoked;
                }
                else if (string.Equals(fields[0], CertAuthorityMarker, StringComparison.Ordinal))
                {
                    marker = Marker.CertAuthority;
                }
                else
                {
                    return null;
                }

                first = 1;
            }

            if (fields.Length < first + 3)
            {
                return null;
            }

            var hosts = fields[first];
            var keyType = fields[first + 1];
            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[first + 2]);
            }
            catch (FormatException)
            {
                return null;
            }

            if (!string.Equals(EncodedKeyType(blob), keyType, StringComparison.Ordinal))
            {
                return null;
            }

            byte[]? salt = null, hash = null;
            if (hosts[0] == '|')
            {
                var parts = hosts.Split('|');
                if (parts.Length != 4 || parts[0].Length != 0 || parts[1] != "1")
                {
                    return null;
                }

                try
                {
                    salt = Convert.FromBase64String(parts[2]);
                    hash = Convert.FromBase64String(parts[3]);
                }
                catch (FormatException)
                {
                    return null;
                }

                if (salt.Length != Sha1Length || hash.Length != Sha1Length)
                {
                    return null;
                }
            }

            return new Entry(marker, hosts, salt, hash, keyType, blob, Path, lineNumber);
        }

        private byte[] ReadForCheck()
        {
            var gate = Gates.GetOrAdd(LockKey(), _ => new Gate());
            lock (gate.Io)
            {
                return ReadFile();
            }
        }

        private byte[] ReadFile()
        {
            if (IsNone)
            {
                return Array.Empty<byte>();
            }

            CheckOwner();
            try
            {
                using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                return ReadAll(stream);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return Array.Empty<byte>();
            }
            catch (UnauthorizedAccessException e)
            {
                throw Unreadable(FailureCategory.PermissionDenied, e);
            }
            catch (IOException e)
            {
                throw Unreadable(FailureCategory.ResourceUnavailable, e);
            }
        }

        private byte[] ReadAll(FileStream stream)
        {
            try
            {
                stream.Seek(0, SeekOrigin.Begin);
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return buffer.ToArray();
            }
            catch (IOException e)
            {
                throw Unreadable(FailureCategory.ResourceUnavailable, e);
            }
        }

        private ReleaseOpsException Unreadable(FailureCategory category, Exception e) =>
            new("KnownHostsUnreadable", category, $"Could not read {Path}: {e.Message}",
                "Check that the file is readable by this user and is a regular file.", Path, e);

        private ReleaseOpsException Unwritable(FailureCategory category, Exception e) =>
            new("KnownHostsUnwritable", category, $"Could not write {Path}: {e.Message}",
                "Check that the file and its directory are writable by this user.", Path, e);

        private ReleaseOpsException Locked(TimeSpan timeout, Exception? inner) =>
            new(ErrorIds.KnownHostsLocked, FailureCategory.ResourceUnavailable,
                $"Another writer held {Path} for more than {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" +
                (inner is null ? "." : $": {inner.Message}"),
                $"Retry. If it persists, look for a process holding {LockPath()} (for example a hung ssh or ReleaseOps run).", Path, inner);

        private string LockPath() => ResolvedPath() + ".lock";

        private string LockKey() => ResolvedPath();

        /// <summary>The file itself when Path is a symbolic link, so that every name for the file shares one lock.</summary>
        private string ResolvedPath()
        {
#if NET
            try
            {
                var target = new FileInfo(Path).ResolveLinkTarget(returnFinalTarget: true);
                if (target is not null)
                {
                    return target.FullName;
                }
            }
            catch (IOException)
            {
                // A dangling or looping link: lock next to the name we were given.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
#endif
            return Path;
        }

        /// <summary>
        /// Refuses (LocalPathUnsafe) a file that another local user owns or that every user may write: its keys would
        /// be trusted. A link (known_hosts kept with one's dotfiles) is fine when its target is ours (or root's).
        /// </summary>
        private void CheckOwner()
        {
            var target = ResolvedPath();
            if (LocalFiles.Stat(target) is not { } s)
            {
                return;
            }

            if (s.Uid is uint uid && uid != 0 && uid != LocalFiles.EffectiveUid())
            {
                throw LocalFiles.Unsafe(target, $"belongs to another user (uid {uid})");
            }

            if ((s.Mode & 0x2) != 0)
            {
                throw LocalFiles.Unsafe(target, "is writable by every user");
            }
        }

        private void EnsureDirectory()
        {
            var directory = System.IO.Path.GetDirectoryName(ResolvedPath());
            if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
            {
                return;
            }

            try
            {
#if NET
                if (!OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    return;
                }
#endif
                Directory.CreateDirectory(directory!);
            }
            catch (UnauthorizedAccessException e)
            {
                throw Unwritable(FailureCategory.PermissionDenied, e);
            }
            catch (IOException e)
            {
                throw Unwritable(FailureCategory.ResourceUnavailable, e);
            }
        }

        private static FileStream OpenPrivate(string path, FileAccess access, FileShare share)
        {
#if NET
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = access, Share = share, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new FileStream(path, options);
#else
            return new FileStream(path, FileMode.OpenOrCreate, access, share, 1);
#endif
        }

        /// <summary>Takes the exclusive OS lock, retrying with a growing, jittered pause until the deadline.</summary>
        private FileStream AcquireOsLock(Stopwatch clock, TimeSpan timeout)
        {
            var path = LockPath();
            if (LocalFiles.IsLink(path))
            {
                // Opening it would create or lock the file of whoever planted the link.
                throw LocalFiles.Unsafe(path, "is a symbolic link");
            }

            var pause = 2;
            var random = new Random(Environment.CurrentManagedThreadId ^ Environment.TickCount);
            while (true)
            {
                try
                {
                    return OpenPrivate(path, FileAccess.ReadWrite, FileShare.None);
                }
                catch (UnauthorizedAccessException e)
                {
                    throw Unwritable(FailureCategory.PermissionDenied, e);
                }
                catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
                {
                    // Held by another writer (a sharing violation on Windows, EWOULDBLOCK from flock on Unix).
                    var left = timeout - clock.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        throw Locked(timeout, e);
                    }

                    var sleep = Math.Min(pause + random.Next(pause + 1), (int)Math.Ceiling(left.TotalMilliseconds));
                    Thread.Sleep(sleep);
                    pause = Math.Min(pause * 2, 50);
                }
                catch (IOException e)
                {
                    throw Unwritable(FailureCategory.ResourceUnavailable, e);
                }
            }
        }

        private FileStream OpenForAppend()
        {
            CheckOwner();
            try
            {
                return OpenPrivate(Path, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (UnauthorizedAccessException e)
            {
                throw Unwritable(FailureCategory.PermissionDenied, e);
            }
            catch (IOException e)
            {
                throw Unwritable(FailureCategory.ResourceUnavailable, e);
            }
        }

        /// <summary>Writes the line at the current end of the file in one write, after a newline if the file lacks one.</summary>
        private void Append(FileStream stream, string line)
        {
            try
            {
                var length = stream.Seek(0, SeekOrigin.End);
                var newline = false;
                if (length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    newline = stream.ReadByte() != '\n';
                    stream.Seek(0, SeekOrigin.End);
                }

                var bytes = Utf8.GetBytes((newline ? "\n" : string.Empty) + line + "\n");
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
            }
            catch (IOException e)
            {
                throw Unwritable(FailureCategory.ResourceUnavailable, e);
            }
        }

        private enum Marker
        {
            None,
            Revoked,
            CertAuthority,
        }

        /// <summary>Per-file locks in this process: Writers serializes Add; Io keeps Check from reading a half-written line.</summary>
        private sealed class Gate
        {
            public object Writers { get; } = new();

            public object Io { get; } = new();
        }

        private sealed class Entry
        {
            private readonly string _hosts;
            private readonly byte[]? _salt;
            private readonly byte[]? _hash;

            public Entry(Marker marker, string hosts, byte[]? salt, byte[]? hash, string keyType, byte[] blob, string file, int line)
            {
                Marker = marker;
                _hosts = hosts;
                _salt = salt;
                _hash = hash;
                KeyType = keyType;
                Blob = blob;
                File = file;
                Line = line;
            }

            public Marker Marker { get; }

            public string KeyType { get; }

            public byte[] Blob { get; }

            public string File { get; }

            public int Line { get; }

            /// <summary>Whether the entry names exactly this host: its hash, or one of its plain names (no wildcards).</summary>
            public bool IsExactly(string pattern) =>
                _salt is not null && _hash is not null
                    ? Matches(pattern)
                    : _hosts.Split(',').Any(h => string.Equals(h, pattern, StringComparison.OrdinalIgnoreCase));

            /// <summary>Whether the host field applies to the host pattern (lower-case "host" or "[host]:port").</summary>
            public bool Matches(string pattern)
            {
                if (_salt is not null && _hash is not null)
                {
                    return SameBytes(HostHash(_salt, pattern), _hash);
                }

                var positive = false;
                foreach (var item in _hosts.Split(','))
                {
                    var negated = item.Length > 0 && item[0] == '!';
                    var glob = (negated ? item.Substring(1) : item).ToLowerInvariant();
                    if (glob.Length == 0 || !SshConfig.Patterns.Match(pattern, glob))
                    {
                        continue;
                    }

                    if (negated)
                    {
                        return false;
                    }

                    positive = true;
                }

                return positive;
            }
        }
    }
}
