using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One finding of Test-ReleasePolicy.</summary>
    public sealed class ReleasePolicyFinding
    {
        /// <summary>DirectCommitToMaster, FeatureMergedIntoMaster, Hotfix, or HotfixFrequency.</summary>
        public string Rule { get; set; } = string.Empty;

        /// <summary>Error (breaks the process) or Information.</summary>
        public string Severity { get; set; } = string.Empty;

        /// <summary>The commit on master.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>Its subject.</summary>
        public string Subject { get; set; } = string.Empty;

        /// <summary>When it was committed.</summary>
        public DateTimeOffset? Date { get; set; }

        /// <summary>What was found.</summary>
        public string Detail { get; set; } = string.Empty;
    }
}
