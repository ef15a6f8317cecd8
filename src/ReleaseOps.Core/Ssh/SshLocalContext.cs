using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>The local facts ssh uses: the account's home, user, host name and user id.</summary>
    internal sealed class SshLocalContext
    {
        public SshLocalContext(string homeDirectory, string includeHomeDirectory, string userName, string localHostName, string? userId)
        {
            HomeDirectory = homeDirectory;
            IncludeHomeDirectory = includeHomeDirectory;
            UserName = userName;
            LocalHostName = localHostName;
            UserId = userId;
        }

        /// <summary>~ and %d in IdentityFile and UserKnownHostsFile: the password database's home (pw_dir), not $HOME.</summary>
        public string HomeDirectory { get; }

        /// <summary>~ in Include, and the base of relative Includes (~/.ssh): $HOME, as glob(3) reads it.</summary>
        public string IncludeHomeDirectory { get; }

        public string UserName { get; }

        /// <summary>%l: the host name with its domain, as gethostname returns it.</summary>
        public string LocalHostName { get; }

        /// <summary>%L: the host name up to the first dot.</summary>
        public string ShortHostName => LocalHostName.IndexOf('.') < 0 ? LocalHostName : LocalHostName.Substring(0, LocalHostName.IndexOf('.'));

        /// <summary>%i: the numeric user id; null where it cannot be read (Windows).</summary>
        public string? UserId { get; }

        public static SshLocalContext FromEnvironment()
        {
            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var envHome = Environment.GetEnvironmentVariable("HOME");
            var uid = ReadUserId();
            var account = uid is null ? null : Passwd().FirstOrDefault(e => e.Uid == uid);
            var home = account?.Home ?? profile;
            string hostName;
            try
            {
                hostName = Dns.GetHostName();
            }
            catch (System.Net.Sockets.SocketException)
            {
                hostName = Environment.MachineName;
            }

            return new SshLocalContext(home, string.IsNullOrEmpty(envHome) ? home : envHome!, account?.Name ?? Environment.UserName,
                hostName, uid);
        }

        /// <summary>The home of a named account in /etc/passwd, or null.</summary>
        public static string? HomeOf(string name) => Passwd().FirstOrDefault(e => e.Name == name)?.Home;

        private static string? ReadUserId()
        {
            const string Status = "/proc/self/status";
            try
            {
                if (!File.Exists(Status))
                {
                    return null;
                }

                // "Uid:  real  effective  saved  fs"; ssh uses the real one.
                var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                return line?.Substring(4).Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static IEnumerable<PasswdEntry> Passwd()
        {
            const string File = "/etc/passwd";
            string[] lines;
            try
            {
                lines = System.IO.File.Exists(File) ? System.IO.File.ReadAllLines(File) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                lines = Array.Empty<string>();
            }

            foreach (var line in lines)
            {
                var f = line.Split(':');
                if (f.Length >= 7 && f[0].Length > 0)
                {
                    yield return new PasswdEntry(f[0], f[2], f[5]);
                }
            }
        }

        private sealed class PasswdEntry
        {
            public PasswdEntry(string name, string uid, string home)
            {
                Name = name;
                Uid = uid;
                Home = home;
            }

            public string Name { get; }

            public string Uid { get; }

            public string Home { get; }
        }
    }
}
