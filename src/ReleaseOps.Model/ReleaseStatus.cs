namespace ReleaseOps
{
    /// <summary>What became of a release or a hotfix.</summary>
    public enum ReleaseStatus
    {
        /// <summary>Not yet decided (a new ReleaseInfo).</summary>
        None,

        /// <summary>Merged, tagged and pushed.</summary>
        Released,

        /// <summary>develop holds nothing that master lacks.</summary>
        NothingToRelease,

        /// <summary>What -WhatIf would release.</summary>
        WouldRelease,
    }
}
