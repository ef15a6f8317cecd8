using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LibGit2Sharp;

namespace ReleaseOps.Core.Release
{
    /// <summary>How to release.</summary>
    public sealed class ReleaseOptions
    {
        public ReleaseOpsProject Project { get; set; } = new();

        /// <summary>False when there was no releaseops.psd1 (the defaults are used, and the release is ungated).</summary>
        public bool HasSettings { get; set; }

        /// <summary>NoFastForward (default: every release is one merge commit on master's first-parent line) or FastForward.</summary>
        public MergeMode MergeMode { get; set; } = MergeMode.NoFastForward;

        /// <summary>Overrides the project's tag scheme.</summary>
        public TagScheme? TagScheme { get; set; }

        public TimeSpan GateTimeout { get; set; } = TimeSpan.FromMinutes(30);

        public bool BreakLock { get; set; }

        /// <summary>Plans from the current remote-tracking branches without fetching (-WhatIf).</summary>
        public bool NoFetch { get; set; }

        public DateTime Now { get; set; } = DateTime.Now;

        /// <summary>
        /// The Jenkins server of the gate, from the admin's side (Start-Release -JenkinsUrl); null reads JENKINS_URL.
        /// releaseops.psd1 may name one too, but it comes from the repository, so it must be the same server.
        /// </summary>
        public string? JenkinsUrl { get; set; }

        /// <summary>A token for HTTPS remotes; it reaches git only through its askpass helper's environment.</summary>
        public System.Security.SecureString? GitToken { get; set; }

        internal IDictionary<string, string>? GitEnvironment()
        {
            if (GitToken is null || GitToken.Length == 0)
            {
                return null;
            }

            var ptr = Marshal.SecureStringToGlobalAllocUnicode(GitToken);
            try
            {
                return new Dictionary<string, string> { [GitCli.TokenVariable] = Marshal.PtrToStringUni(ptr) ?? string.Empty };
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
