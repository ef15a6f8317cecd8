namespace ReleaseOps
{
    /// <summary>Where a migration stands. The journal stores the name.</summary>
    public enum MigrationStatus
    {
        /// <summary>Its steps are running, or it was stopped mid-step (Resume-Migration continues it).</summary>
        Running,

        /// <summary>A step failed; Resume-Migration continues it, Undo-Migration undoes it.</summary>
        Failed,

        /// <summary>The new node serves; the old one is kept for its week.</summary>
        Completed,

        /// <summary>Undone: the old node serves again.</summary>
        RolledBack,

        /// <summary>The old node is deleted; nothing is left to do.</summary>
        Closed,
    }
}
