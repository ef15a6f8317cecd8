using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One release or hotfix, with the lead times of the changes it shipped.</summary>
    public sealed class ReleaseDelivery
    {
        /// <summary>Release or Hotfix.</summary>
        public string Kind { get; set; } = string.Empty;

        /// <summary>The tag, such as v2026.48.0.</summary>
        public string Tag { get; set; } = string.Empty;

        /// <summary>The tagged commit on the release branch.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>The tag's time (the tagger's; the commit's for a lightweight tag).</summary>
        public DateTimeOffset Date { get; set; }

        /// <summary>The changes (non-merge commits) it shipped that no earlier release had.</summary>
        public int Changes { get; set; }

        /// <summary>The shortest lead time of its changes.</summary>
        public TimeSpan? LeadTimeMin { get; set; }

        /// <summary>The median lead time of its changes.</summary>
        public TimeSpan? LeadTimeMedian { get; set; }

        /// <summary>The 90th percentile lead time of its changes.</summary>
        public TimeSpan? LeadTimeP90 { get; set; }

        /// <summary>The longest lead time of its changes.</summary>
        public TimeSpan? LeadTimeMax { get; set; }

        /// <summary>For a hotfix: from its first commit to its tag.</summary>
        public TimeSpan? TimeToRestore { get; set; }

        /// <inheritdoc />
        public override string ToString() => Tag;
    }
}
