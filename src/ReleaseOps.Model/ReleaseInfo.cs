using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A release: the merge of develop into master, its tag, notes and gates.</summary>
    public sealed class ReleaseInfo
    {
        /// <summary>Released, NothingToRelease, or WouldRelease (with -WhatIf).</summary>
        public ReleaseStatus Status { get; set; }

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The version, such as 2026.48.0 or 1.4.0.</summary>
        public string Version { get; set; } = string.Empty;

        /// <summary>The tag, such as v2026.48.0.</summary>
        public string Tag { get; set; } = string.Empty;

        /// <summary>The release commit on the release branch.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>The previous release's tag.</summary>
        public string? PreviousRelease { get; set; }

        /// <summary>The commits included since the previous release.</summary>
        public IReadOnlyList<ReleaseCommit> Commits { get; set; } = new ReleaseCommit[0];

        /// <summary>The pull requests included.</summary>
        public IReadOnlyList<int> PullRequests { get; set; } = new int[0];

        /// <summary>The gates and their results.</summary>
        public IReadOnlyList<ReleaseGateResult> Gates { get; set; } = new ReleaseGateResult[0];

        /// <summary>True when no gate was configured.</summary>
        public bool Ungated { get; set; }

        /// <summary>The release notes (markdown).</summary>
        public string Notes { get; set; } = string.Empty;

        /// <summary>How long each phase took: Fetch, Gates, Merge, Push, Total.</summary>
        public IReadOnlyDictionary<string, TimeSpan> Durations { get; set; } = new Dictionary<string, TimeSpan>();

        /// <summary>The branches: develop into master.</summary>
        public string Branches { get; set; } = string.Empty;

        /// <summary>Release (the weekly merge of develop) or Hotfix.</summary>
        public string Kind { get; set; } = "Release";

        /// <summary>For a hotfix: how the fix reached develop ("develop", or the backmerge branch that needs a pull request).</summary>
        public string? BackMerge { get; set; }

        /// <summary>When the release commit was made.</summary>
        public DateTimeOffset? Date { get; set; }

        /// <inheritdoc />
        public override string ToString() => Tag;
    }
}
