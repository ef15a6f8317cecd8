using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A commit included in a release.</summary>
    public sealed class ReleaseCommit
    {
        /// <summary>The commit id.</summary>
        public string Sha { get; set; } = string.Empty;

        /// <summary>The first line of its message.</summary>
        public string Subject { get; set; } = string.Empty;

        /// <summary>Its author.</summary>
        public string Author { get; set; } = string.Empty;

        /// <summary>The pull request it merged, when it is a pull request's merge commit.</summary>
        public int? PullRequest { get; set; }

        /// <inheritdoc />
        public override string ToString() => Subject;
    }
}
