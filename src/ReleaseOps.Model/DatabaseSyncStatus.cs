namespace ReleaseOps
{
    /// <summary>What Sync-NodeDatabase did.</summary>
    public enum DatabaseSyncStatus
    {
        /// <summary>Nothing yet (the result of a sync that did not finish).</summary>
        None,

        /// <summary>The target now holds the source's data.</summary>
        Synced,

        /// <summary>-VerifyOnly compared the two.</summary>
        Verified,
    }
}
