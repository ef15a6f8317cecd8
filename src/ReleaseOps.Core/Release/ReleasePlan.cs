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
    /// <summary>A release that has been planned: the lock is held until it is disposed.</summary>
    public sealed class ReleasePlan : IDisposable
    {
        internal ReleasePlan(ReleaseLock? releaseLock) => Lock = releaseLock;

        internal ReleaseLock? Lock { get; }

        public ReleaseInfo Info { get; } = new();

        public string RepositoryPath { get; internal set; } = string.Empty;

        public string MasterSha { get; internal set; } = string.Empty;

        public string DevelopSha { get; internal set; } = string.Empty;

        internal ReleaseOptions Options { get; set; } = new();

        internal Stopwatch Clock { get; } = Stopwatch.StartNew();

        internal Dictionary<string, TimeSpan> Durations { get; } = new();

        /// <summary>What will happen, in words: the merge, the tag and the push.</summary>
        public string Description { get; internal set; } = string.Empty;

        public bool NothingToRelease => Info.Status == ReleaseStatus.NothingToRelease;

        public void Dispose() => Lock?.Dispose();
    }
}
